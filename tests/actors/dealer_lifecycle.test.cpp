// Deterministic tests of the DEALER's peer lifecycle: connections come up, die,
// get replaced while their old incarnation still lives, and exchange
// send/credit messages, all under CAF's test coordinator.
//
// No socket is involved. Fake ZmtpIntegratedActors (plain actors typed as
// `zmtp_actor`) are registered through the dealer's internal `adopt_atom` and
// play the connection side of the `connection_owner` protocol by hand
// (`peer_up`, `peer_msg`, `peer_sent`, sent *as* the fake), so that every
// message the dealer sends them is observable with expect()/disallow().

#define CAF_SUITE dealer_lifecycle
#define FAIL(msg)                                                              \
  CAF_FAIL(msg) // CAF 0.17.6: the fixture's request<T> uses FAIL
#include "caf/monocoque/dealer_actor.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/options.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/zmtp_actor.hpp"

#include <algorithm>
#include <caf/test/dsl.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace caf;
using namespace caf::monocoque;

namespace {

// -- fake ZmtpIntegratedActor
// --------------------------------------------------

/// What a fake connection saw from its owner.
struct fake_log {
  /// First frame of every `(send_atom, msg)`.
  std::vector<std::string> sent;
  /// Every `(credit_atom, n)`.
  std::vector<uint64_t> credits;
  /// Number of `(close_atom, linger)`.
  size_t closes = 0;
  /// Number of `down_msg`s of the owner it monitors.
  size_t owner_downs = 0;
};

using fake_log_ptr = std::shared_ptr<fake_log>;

/// Plays a ZmtpIntegratedActor: records what the owner sends and, like the
/// real one, monitors its (weakly held) owner and exits when it goes away.
zmtp_actor::behavior_type fake_zia(zmtp_actor::pointer self, fake_log_ptr log,
                                   weak_actor_ptr owner) {
  if (auto hdl = actor_cast<actor>(owner)) {
    self->monitor(hdl);
    self->set_down_handler([self, log](down_msg&) {
      ++log->owner_downs;
      self->quit(); // a real ZIA flushes within linger, then exits
    });
  }
  return {
      [log](send_atom, const multipart& msg) {
        log->sent.push_back(msg.empty() ? std::string{}
                                        : msg.front().to_string());
      },
      [log](send_atom, const std::vector<multipart>& msgs) {
        for (auto& msg : msgs)
          log->sent.push_back(msg.empty() ? std::string{}
                                          : msg.front().to_string());
      },
      [log](credit_atom, uint64_t n) { log->credits.push_back(n); },
      [self, log](caf::monocoque::close_atom, timespan) {
        ++log->closes;
        self->quit();
      },
      [](data_atom, const frame&) {},
      [](wrote_atom, uint64_t) {},
      [](timer_atom, uint64_t) {},
      [](drain_atom) {},
  };
}

/// A fake connection and its log.
struct fake {
  zmtp_actor hdl;
  fake_log_ptr log;
  uint64_t key = 0;
  uint64_t epoch = 0;
};

// -- fixture
// -------------------------------------------------------------------

/// The dealer refuses to run without the module; the module's io_uring thread
/// runs for real, the actors under test run on the test coordinator.
struct test_config : caf::monocoque::config {
  test_config() { load<caf::monocoque::module>(); }
};

multipart msg(const std::string& str) { return make_message({str}); }

struct fixture : test_coordinator_fixture<test_config> {
  dealer_actor dealer;
  actor dealer_dyn; // the internal interface (adopt, peer_*) is not public

  void start_dealer(socket_options opts = {}) {
    auto* mod = caf::monocoque::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    CAF_REQUIRE_EQUAL(mod->status(), none);
    dealer = spawn_dealer(sys, std::move(opts));
    dealer_dyn = actor_cast<actor>(dealer);
    run();
  }

  /// Kills the dealer and lets everything settle.
  void stop_dealer() {
    self->send_exit(dealer, exit_reason::kill);
    run();
  }

  /// Spawns a fake connection; `watch_owner` makes it monitor the dealer.
  fake spawn_fake(bool watch_owner = false) {
    fake result;
    result.log = std::make_shared<fake_log>();
    auto owner =
        watch_owner ? actor_cast<weak_actor_ptr>(dealer) : weak_actor_ptr{};
    result.hdl = sys.spawn(fake_zia, result.log, owner);
    run();
    return result;
  }

  /// Registers `f` under `key` (0: a new key) and returns the new
  /// incarnation.
  void adopt(fake& f, uint64_t key = 0) {
    std::tie(f.key, f.epoch) =
        request<uint64_t, uint64_t>(dealer_dyn, adopt_atom::value, key, f.hdl);
  }

  /// Sends `(peer_up, key, epoch, hdl, info)` as `from` and runs it.
  void peer_up(const fake& from, uint64_t key, uint64_t epoch) {
    send_as(actor_cast<actor>(from.hdl), dealer_dyn, peer_up_atom::value, key,
            epoch, from.hdl, peer_info{});
    expect((peer_up_atom, uint64_t, uint64_t, zmtp_actor, peer_info),
           from(from.hdl).to(dealer_dyn).with(_, key, epoch, _, _));
  }

  void peer_up(const fake& f) { peer_up(f, f.key, f.epoch); }

  /// Sends `(peer_msg, key, epoch, msg(str))` as `from` and runs it.
  void peer_msg(const fake& from, uint64_t key, uint64_t epoch,
                const std::string& str) {
    send_as(actor_cast<actor>(from.hdl), dealer_dyn, peer_msg_atom::value, key,
            epoch, msg(str));
    expect((peer_msg_atom, uint64_t, uint64_t, multipart),
           from(from.hdl).to(dealer_dyn).with(_, key, epoch, msg(str)));
  }

  void peer_msg(const fake& f, const std::string& str) {
    peer_msg(f, f.key, f.epoch, str);
  }

  /// Sends `(peer_sent, key, epoch, n)` as `from` and runs it.
  void peer_sent(const fake& from, uint64_t key, uint64_t epoch, uint64_t n) {
    send_as(actor_cast<actor>(from.hdl), dealer_dyn, peer_sent_atom::value, key,
            epoch, n);
    expect((peer_sent_atom, uint64_t, uint64_t, uint64_t),
           from(from.hdl).to(dealer_dyn).with(_, key, epoch, n));
  }

  void peer_sent(const fake& f, uint64_t n) { peer_sent(f, f.key, f.epoch, n); }

  /// Lets the application send `str`; the reply (if any) stays in `self`'s
  /// mailbox for expect_ok() / disallow_ok().
  void app_send(const std::string& str) {
    self->send(dealer, send_atom::value, msg(str));
    expect((send_atom, multipart), from(self).to(dealer).with(_, msg(str)));
  }

  void expect_ok() { expect((ok_atom), from(dealer).to(self)); }

  void disallow_ok() { disallow((ok_atom), from(dealer).to(self)); }

  /// Lets the application ask for the next message; the reply (if any) stays
  /// in `self`'s mailbox.
  void app_recv() {
    self->send(dealer, recv_atom::value);
    expect((recv_atom), from(self).to(dealer));
  }

  void expect_received(const std::string& str) {
    expect((multipart), from(dealer).to(self).with(msg(str)));
  }

  /// Expects the dealer to hand `str` to `f` now.
  void expect_sent(const fake& f, const std::string& str) {
    expect((send_atom, multipart), from(dealer).to(f.hdl).with(_, msg(str)));
  }

  void expect_credit(const fake& f, uint64_t n) {
    expect((credit_atom, uint64_t), from(dealer).to(f.hdl).with(_, n));
  }

  void disallow_send(const fake& f) {
    disallow((send_atom, multipart), from(dealer).to(f.hdl));
  }

  void disallow_credit(const fake& f) {
    disallow((credit_atom, uint64_t), from(dealer).to(f.hdl));
  }

  /// Makes `f` exit with a non-normal reason (as a failed session would) and
  /// lets the dealer process its down_msg.
  void kill_fake(const fake& f) {
    self->send_exit(f.hdl, exit_reason::user_shutdown);
    expect((exit_msg), from(self).to(f.hdl));
    expect((down_msg), from(_).to(dealer_dyn));
  }

  /// Number of peers whose handshake completed (runs everything pending).
  uint64_t status() {
    return request<uint64_t>(dealer_dyn, status_atom::value);
  }

  /// Two adopted fakes that are up, in round-robin order a, b.
  std::pair<fake, fake> two_up_peers() {
    auto a = spawn_fake();
    auto b = spawn_fake();
    adopt(a);
    adopt(b);
    peer_up(a);
    peer_up(b);
    CAF_REQUIRE_EQUAL(status(), 2u);
    return {a, b};
  }
};

socket_options with_sndhwm(size_t n) {
  socket_options opts;
  opts.sndhwm = n;
  return opts;
}

socket_options with_rcvhwm(size_t n) {
  socket_options opts;
  opts.rcvhwm = n;
  return opts;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(dealer_lifecycle_tests, fixture)

// -- (0) setup ----------------------------------------------------------------

CAF_TEST(the dealer runs on the test coordinator with the module loaded) {
  start_dealer();
  CAF_CHECK_EQUAL(status(), 0u);
  auto a = spawn_fake();
  adopt(a);
  CAF_CHECK_NOT_EQUAL(a.key, 0u);
  CAF_CHECK_EQUAL(status(), 0u); // adopted, but no handshake yet
  peer_up(a);
  CAF_CHECK_EQUAL(status(), 1u);
}

// -- (1) peer up, round robin -------------------------------------------------

CAF_TEST(sends go round robin to the peers that are up) {
  start_dealer();
  auto a = spawn_fake();
  auto b = spawn_fake();
  adopt(a);
  adopt(b);
  CAF_CHECK_NOT_EQUAL(a.key, b.key);
  // Before any handshake completes, a send is acknowledged and waits.
  app_send("m0");
  expect_ok();
  disallow_send(a);
  disallow_send(b);
  peer_up(a);
  expect_sent(a, "m0");
  peer_up(b);
  disallow_send(b);
  CAF_CHECK_EQUAL(status(), 2u);
  // Alternating from here on (a took m0, so rr starts over at a).
  for (auto i = 1; i <= 4; ++i) {
    auto str = "m" + std::to_string(i);
    app_send(str);
    expect_ok();
    expect_sent(i % 2 == 1 ? b : a, str);
  }
  run();
  CAF_CHECK_EQUAL(a.log->sent, (std::vector<std::string>{"m0", "m2", "m4"}));
  CAF_CHECK_EQUAL(b.log->sent, (std::vector<std::string>{"m1", "m3"}));
}

CAF_TEST(a peer that never came up gets no messages) {
  start_dealer();
  auto a = spawn_fake();
  auto b = spawn_fake();
  adopt(a);
  adopt(b);
  peer_up(b);
  for (auto i = 0; i < 3; ++i) {
    app_send("m" + std::to_string(i));
    expect_ok();
    expect_sent(b, "m" + std::to_string(i));
    disallow_send(a);
  }
  CAF_CHECK_EQUAL(status(), 1u);
}

// -- (2) peer dies
// -------------------------------------------------------------

CAF_TEST(a dead peer is removed and the survivor takes all sends) {
  start_dealer();
  auto [a, b] = two_up_peers();
  kill_fake(a);
  CAF_CHECK_EQUAL(status(), 1u);
  for (auto i = 0; i < 3; ++i) {
    auto str = "m" + std::to_string(i);
    app_send(str);
    expect_ok();
    expect_sent(b, str);
  }
  kill_fake(b);
  CAF_CHECK_EQUAL(status(), 0u);
  // No peer left: the message is acknowledged (within SNDHWM) and waits.
  app_send("later");
  expect_ok();
  CAF_CHECK(a.log->sent.empty());
  CAF_CHECK_EQUAL(b.log->sent.size(), 3u);
}

CAF_TEST(a peer that dies before its handshake leaves no trace) {
  start_dealer();
  auto a = spawn_fake();
  auto b = spawn_fake();
  adopt(a);
  adopt(b);
  peer_up(b);
  kill_fake(a);
  CAF_CHECK_EQUAL(status(), 1u);
  app_send("m");
  expect_ok();
  expect_sent(b, "m");
}

// -- (3) reconnect before the old down_msg arrives
// -----------------------------

CAF_TEST(a replaced incarnation cannot remove or shadow its successor) {
  start_dealer();
  auto [a1, b] = two_up_peers();
  auto a2 = spawn_fake();
  adopt(a2, a1.key); // a1 is still alive
  CAF_CHECK_EQUAL(a2.key, a1.key);
  CAF_CHECK_NOT_EQUAL(a2.epoch, a1.epoch);
  CAF_CHECK_EQUAL(status(), 1u); // a1 is out of the rotation at once
  // A late peer_up of the old incarnation is ignored, and so is one that
  // names the new epoch but comes with the old actor.
  peer_up(a1, a1.key, a1.epoch);
  CAF_CHECK_EQUAL(status(), 1u);
  peer_up(a1, a1.key, a2.epoch);
  CAF_CHECK_EQUAL(status(), 1u);
  app_send("only-b");
  expect_ok();
  expect_sent(b, "only-b");
  disallow_send(a1);
  // The new incarnation comes up.
  peer_up(a2);
  CAF_CHECK_EQUAL(status(), 2u);
  // The old incarnation dies now: its down_msg must not touch a2.
  kill_fake(a1);
  CAF_CHECK_EQUAL(status(), 2u);
  // a2 and b share the sends; a1 never gets one.
  std::vector<std::string> got;
  for (auto i = 0; i < 4; ++i) {
    auto str = "m" + std::to_string(i);
    app_send(str);
    expect_ok();
    if (allow((send_atom, multipart), from(dealer).to(a2.hdl)))
      got.push_back("a2");
    else if (allow((send_atom, multipart), from(dealer).to(b.hdl)))
      got.push_back("b");
    else
      CAF_FAIL("message " << str << " reached neither a2 nor b");
  }
  CAF_CHECK_EQUAL(std::count(got.begin(), got.end(), "a2"), 2);
  CAF_CHECK_EQUAL(std::count(got.begin(), got.end(), "b"), 2);
  CAF_CHECK_EQUAL(a1.log->sent, std::vector<std::string>{});
}

CAF_TEST(a late peer_sent of the old incarnation frees no SNDHWM slot) {
  start_dealer(with_sndhwm(1));
  auto a1 = spawn_fake();
  adopt(a1);
  peer_up(a1);
  app_send("x"); // in flight at a1, never acknowledged
  expect_ok();
  expect_sent(a1, "x");
  auto a2 = spawn_fake();
  adopt(a2, a1.key);
  peer_up(a2);
  app_send("m1");
  expect_ok();
  expect_sent(a2, "m1"); // a2: 1 in flight, at its HWM
  app_send("m2");
  expect_ok(); // pending, within SNDHWM
  disallow_send(a2);
  // a1 reports its flush late: a2's count must stay.
  peer_sent(a1, a1.key, a1.epoch, 1);
  disallow_send(a2);
  disallow_send(a1);
  // a2's own report frees the slot.
  peer_sent(a2, 1);
  expect_sent(a2, "m2");
}

CAF_TEST(a late peer_msg of the old incarnation is delivered without credit) {
  start_dealer(with_rcvhwm(4)); // credit batch: 1
  auto a1 = spawn_fake();
  adopt(a1);
  peer_up(a1);
  auto a2 = spawn_fake();
  adopt(a2, a1.key);
  peer_up(a2);
  // a1 had this message in flight when it was replaced.
  peer_msg(a1, a1.key, a1.epoch, "late");
  app_recv();
  expect_received("late");
  // Its credit must not reach a2 (a2 would over-read) nor go to a1.
  disallow_credit(a2);
  disallow_credit(a1);
  // Routing is unchanged: a2 takes the sends.
  CAF_CHECK_EQUAL(status(), 1u);
  app_send("m");
  expect_ok();
  expect_sent(a2, "m");
  // a2's own messages are credited to a2.
  peer_msg(a2, "fresh");
  app_recv();
  expect_received("fresh");
  expect_credit(a2, 1);
  run();
  CAF_CHECK(a1.log->credits.empty());
  CAF_CHECK_EQUAL(a2.log->credits, std::vector<uint64_t>{1});
}

// -- (4) duplicate down messages
// -------------------------------------------------

CAF_TEST(a second down_msg of the same actor is harmless) {
  start_dealer();
  auto [a, b] = two_up_peers();
  auto a_addr = a.hdl.address();
  kill_fake(a);
  CAF_CHECK_EQUAL(status(), 1u);
  // Inject a duplicate by hand, as a second monitor would.
  send_as(actor_cast<actor>(a.hdl), dealer_dyn,
          down_msg{a_addr, exit_reason::user_shutdown});
  expect((down_msg), to(dealer_dyn));
  CAF_CHECK_EQUAL(status(), 1u);
  app_send("m");
  expect_ok();
  expect_sent(b, "m");
}

CAF_TEST(a duplicate down_msg after a reconnect does not remove the new one) {
  start_dealer();
  auto [a1, b] = two_up_peers();
  auto a1_addr = a1.hdl.address();
  kill_fake(a1);
  auto a2 = spawn_fake();
  adopt(a2, a1.key);
  peer_up(a2);
  CAF_CHECK_EQUAL(status(), 2u);
  send_as(actor_cast<actor>(a1.hdl), dealer_dyn,
          down_msg{a1_addr, exit_reason::user_shutdown});
  expect((down_msg), to(dealer_dyn));
  CAF_CHECK_EQUAL(status(), 2u);
}

CAF_TEST(adopting the same actor twice leaves no ghost when it dies) {
  // The dealer monitors the actor twice, so two down_msgs arrive; the second
  // incarnation of the slot must still go away with the actor. Checked with
  // allow() so that a failure does not abort the remaining tests.
  start_dealer();
  auto [a, b] = two_up_peers();
  auto again = a;
  adopt(again, a.key); // new epoch, same actor
  CAF_CHECK_NOT_EQUAL(again.epoch, a.epoch);
  peer_up(again);
  CAF_CHECK_EQUAL(status(), 2u);
  self->send_exit(a.hdl, exit_reason::user_shutdown);
  run();
  CAF_CHECK_EQUAL(status(), 1u); // only b is left
  size_t to_b = 0;
  for (auto i = 0; i < 4; ++i) {
    app_send("m" + std::to_string(i));
    expect_ok();
    if (allow((send_atom, multipart), from(dealer).to(b.hdl)))
      ++to_b;
  }
  CAF_CHECK_EQUAL(to_b, 4u); // none went to the dead actor
}

CAF_TEST(a duplicate peer_up neither counts the peer twice nor resets sndhwm) {
  // Checked with allow() so that a failure does not abort the other tests.
  start_dealer(with_sndhwm(1));
  auto [a, b] = two_up_peers();
  app_send("m1");
  expect_ok();
  expect_sent(a, "m1"); // a: at its HWM
  peer_up(a);           // the same incarnation again
  CAF_CHECK_EQUAL(status(), 2u);
  app_send("m2");
  expect_ok();
  CAF_CHECK(allow((send_atom, multipart), from(dealer).to(b.hdl)));
  app_send("m3");
  expect_ok(); // both at their HWM: m3 must wait at the dealer
  CAF_CHECK(!allow((send_atom, multipart), from(dealer).to(a.hdl)));
  run();
  CAF_CHECK_EQUAL(a.log->sent, std::vector<std::string>{"m1"});
}

// -- (5) the owner dies first
// ------------------------------------------------------

CAF_TEST(connections see the dealer die and exit) {
  start_dealer();
  auto a = spawn_fake(true);
  auto b = spawn_fake(true);
  adopt(a);
  adopt(b);
  peer_up(a);
  self->send_exit(dealer, exit_reason::kill);
  expect((exit_msg), from(self).to(dealer));
  expect((down_msg), to(a.hdl)); // one adopted and up
  expect((down_msg), to(b.hdl)); // one only adopted
  CAF_CHECK_EQUAL(a.log->owner_downs, 1u);
  CAF_CHECK_EQUAL(b.log->owner_downs, 1u);
  run();
  CAF_CHECK_EQUAL(a.log->closes, 0u); // a dead owner sends nothing
  CAF_CHECK_EQUAL(b.log->closes, 0u);
}

// -- (6) receive credit
// --------------------------------------------------------------

CAF_TEST(credit returns in batches of rcvhwm over 4 and when the inbox drains) {
  start_dealer(with_rcvhwm(8)); // batch: 2
  auto a = spawn_fake();
  adopt(a);
  peer_up(a);
  for (auto str : {"m1", "m2", "m3"})
    peer_msg(a, str);
  disallow_credit(a); // nothing taken yet
  app_recv();
  expect_received("m1"); // 1 uncredited, two left: no credit yet
  disallow_credit(a);
  app_recv();
  expect_received("m2"); // 2 uncredited: a full batch
  expect_credit(a, 2);
  app_recv();
  expect_received("m3"); // 1 uncredited, but the inbox drained: forced
  expect_credit(a, 1);
  // A waiting recv gets the next message at once; the drain forces credit.
  app_recv();
  disallow((multipart), from(dealer).to(self));
  peer_msg(a, "m4");
  expect_received("m4");
  expect_credit(a, 1);
  run();
  CAF_CHECK_EQUAL(a.log->credits, (std::vector<uint64_t>{2, 1, 1}));
}

CAF_TEST(credit goes to the connection that delivered the message) {
  start_dealer(with_rcvhwm(4)); // batch: 1
  auto [a, b] = two_up_peers();
  peer_msg(b, "from-b");
  app_recv();
  expect_received("from-b");
  expect_credit(b, 1);
  disallow_credit(a);
  peer_msg(a, "from-a");
  app_recv();
  expect_received("from-a");
  expect_credit(a, 1);
  disallow_credit(b);
}

CAF_TEST(rcvhwm below 4 still returns credit message by message) {
  start_dealer(with_rcvhwm(1)); // batch: max(1, 0) = 1
  auto a = spawn_fake();
  adopt(a);
  peer_up(a);
  peer_msg(a, "m1");
  peer_msg(a, "m2");
  app_recv();
  expect_received("m1");
  expect_credit(a, 1); // not forced: the inbox still holds m2
  app_recv();
  expect_received("m2");
  expect_credit(a, 1);
}

CAF_TEST(fair queueing alternates between connections) {
  start_dealer();
  auto [a, b] = two_up_peers();
  peer_msg(a, "a1");
  peer_msg(a, "a2");
  peer_msg(b, "b1");
  peer_msg(b, "b2");
  for (auto str : {"a1", "b1", "a2", "b2"}) {
    app_recv();
    expect_received(str);
  }
}

// -- (7) SNDHWM
// -------------------------------------------------------------------------

CAF_TEST(sends beyond sndhwm wait for peer_sent) {
  start_dealer(with_sndhwm(2));
  auto a = spawn_fake();
  adopt(a);
  peer_up(a);
  app_send("m1");
  expect_ok();
  expect_sent(a, "m1");
  app_send("m2");
  expect_ok();
  expect_sent(a, "m2"); // a: 2 in flight, at its HWM, never acks
  app_send("m3");
  expect_ok(); // queued at the dealer (1 of sndhwm)
  disallow_send(a);
  app_send("m4");
  expect_ok(); // queued (2 of sndhwm)
  disallow_send(a);
  app_send("m5");
  disallow_ok(); // the reply is the backpressure: deferred
  disallow_send(a);
  run();
  disallow_ok(); // still deferred once everything ran
  CAF_CHECK_EQUAL(a.log->sent, (std::vector<std::string>{"m1", "m2"}));
  // One flushed message: m3 moves to a, m5 moves into the queue.
  peer_sent(a, 1);
  expect_sent(a, "m3");
  expect_ok(); // m5's deferred reply
  // Another one: m4 moves on, nobody waits.
  peer_sent(a, 1);
  expect_sent(a, "m4");
  disallow_ok();
  peer_sent(a, 2);
  expect_sent(a, "m5");
  disallow_ok();
}

CAF_TEST(after a peer dies the queue waits for the survivor to flush) {
  start_dealer(with_sndhwm(1));
  auto [a, b] = two_up_peers();
  app_send("m1");
  expect_ok();
  expect_sent(a, "m1");
  app_send("m2");
  expect_ok();
  expect_sent(b, "m2");
  app_send("m3");
  expect_ok(); // both at their HWM: queued
  app_send("m4");
  disallow_ok(); // queue full: deferred
  kill_fake(a);
  // b is still at its HWM; nothing moves until b reports.
  disallow_send(b);
  disallow_ok();
  peer_sent(b, 1);
  expect_sent(b, "m3");
  expect_ok();
  peer_sent(b, 1);
  expect_sent(b, "m4");
}

// -- (8) inbox of a dead incarnation
// -----------------------------------------------------

CAF_TEST(messages of a dead incarnation are still delivered) {
  start_dealer(with_rcvhwm(4)); // batch: 1
  auto a = spawn_fake();
  adopt(a);
  peer_up(a);
  peer_msg(a, "m1");
  peer_msg(a, "m2");
  kill_fake(a);
  CAF_CHECK_EQUAL(status(), 0u);
  app_recv();
  expect_received("m1");
  app_recv();
  expect_received("m2");
  // Nothing left: the next recv waits.
  app_recv();
  disallow((multipart), from(dealer).to(self));
  run();
  disallow((multipart), from(dealer).to(self));
  stop_dealer(); // the waiting recv would keep the dealer alive
}

CAF_TEST(old and new incarnation of one slot are both drained) {
  start_dealer(with_rcvhwm(4)); // batch: 1
  auto a1 = spawn_fake();
  adopt(a1);
  peer_up(a1);
  peer_msg(a1, "old1");
  peer_msg(a1, "old2");
  kill_fake(a1);
  auto a2 = spawn_fake();
  adopt(a2, a1.key);
  peer_up(a2);
  peer_msg(a2, "new1");
  // Fair queueing across incarnations; only a2 gets credit.
  for (auto str : {"old1", "new1", "old2"}) {
    app_recv();
    expect_received(str);
  }
  run();
  CAF_CHECK_EQUAL(a2.log->credits, std::vector<uint64_t>{1});
  CAF_CHECK(a1.log->credits.empty());
}

CAF_TEST(messages of a replaced but living incarnation are still delivered) {
  start_dealer(with_rcvhwm(4));
  auto a1 = spawn_fake();
  adopt(a1);
  peer_up(a1);
  peer_msg(a1, "m1");
  auto a2 = spawn_fake();
  adopt(a2, a1.key); // a1 still alive
  app_recv();
  expect_received("m1");
  disallow_credit(a2);
  kill_fake(a1);
  CAF_CHECK_EQUAL(status(), 0u); // a2 not up yet
}

// -- lifetime of an unreferenced dealer -------------------------------------

CAF_TEST(connections see an unreferenced dealer go away) {
  start_dealer();
  auto a = spawn_fake(true);
  adopt(a);
  peer_up(a);
  auto weak = actor_cast<weak_actor_ptr>(dealer);
  dealer = dealer_actor{};
  dealer_dyn = actor{};
  run();
  CAF_CHECK(actor_cast<actor>(weak) == nullptr);
  CAF_CHECK_EQUAL(a.log->owner_downs, 1u);
}

CAF_TEST(an unreferenced dealer goes away while a recv waits) {
  // A pending request must not keep the socket alive once nobody holds it:
  // else ~actor_system waits forever for it (await_all_actors_done).
  start_dealer();
  auto a = spawn_fake(true);
  adopt(a);
  peer_up(a);
  app_recv();
  disallow((multipart), from(dealer).to(self));
  auto weak = actor_cast<weak_actor_ptr>(dealer);
  dealer = dealer_actor{};
  dealer_dyn = actor{};
  run();
  auto alive = actor_cast<actor>(weak);
  CAF_CHECK(alive == nullptr);
  CAF_CHECK_EQUAL(a.log->owner_downs, 1u);
  if (alive) { // clean up, or the fixture's actor system never shuts down
    self->send_exit(alive, exit_reason::kill);
    alive = actor{};
    run();
  }
}

CAF_TEST(an unreferenced dealer goes away while a send is blocked) {
  start_dealer(with_sndhwm(1));
  app_send("m1");
  expect_ok(); // queued: no peer
  app_send("m2");
  disallow_ok(); // blocked
  auto weak = actor_cast<weak_actor_ptr>(dealer);
  dealer = dealer_actor{};
  dealer_dyn = actor{};
  run();
  auto alive = actor_cast<actor>(weak);
  CAF_CHECK(alive == nullptr);
  if (alive) {
    self->send_exit(alive, exit_reason::kill);
    alive = actor{};
    run();
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
