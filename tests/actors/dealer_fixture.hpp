#pragma once

// Deterministic tests of the DEALER's peer lifecycle: connections come up, die,
// get replaced while their old incarnation still lives, and exchange
// send/credit messages, all under CAF's test coordinator.
//
// No socket is involved. Fake ZmtpIntegratedActors (plain actors typed as
// `zmtp_integrated_actor`) are registered through the dealer's internal `adopt_atom` and
// play the connection side of the `connection_owner` protocol by hand
// (`peer_up`, `peer_msg`, `peer_sent`, sent *as* the fake), so that every
// message the dealer sends them is observable with expect()/disallow().
//
// Shared by the dealer_lifecycle_* suites (routing, epochs, credit): the
// fake connection and the fixture. Everything is inline and lives in its
// own namespace, so any suite may include this file. Include it first:
// CAF 0.17.6 needs FAIL defined before <caf/test/dsl.hpp>.

#ifndef FAIL
#define FAIL(msg)                                                              \
  CAF_FAIL(msg) // CAF 0.17.6: the fixture's request<T> uses FAIL
#endif

#include "caf/monocoque/dealer_actor.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/options.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"

#include <algorithm>
#include <caf/test/dsl.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque::dealer_test {

// -- fake ZmtpIntegratedActor
// --------------------------------------------------

/// What a fake connection saw from its owner.
struct fake_log {
  /// First frame of every `(send_atom, msg)`.
  std::vector<std::string> sent;
  /// Every message of every `(send_atom, ...)`, whole.
  std::vector<multipart> msgs;
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
inline zmtp_integrated_actor::behavior_type
fake_zia(zmtp_integrated_actor::pointer self, fake_log_ptr log, weak_actor_ptr owner) {
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
        log->msgs.push_back(msg);
      },
      [log](send_atom, const std::vector<multipart>& msgs) {
        for (auto& msg : msgs) {
          log->sent.push_back(msg.empty() ? std::string{}
                                          : msg.front().to_string());
          log->msgs.push_back(msg);
        }
      },
      [log](send_atom, const shared_batch& burst,
            const std::vector<uint32_t>& picks) {
        for (auto i : picks) {
          auto& msg = burst->at(i);
          log->sent.push_back(msg.empty() ? std::string{}
                                          : msg.front().to_string());
          log->msgs.push_back(msg);
        }
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
  zmtp_integrated_actor hdl;
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

inline multipart msg(const std::string& str) { return make_message({str}); }

struct fixture : test_coordinator_fixture<test_config> {
  /// The socket under test, whatever its type, as an untyped handle: the
  /// internal verbs (adopt, peer_*) are not in any public interface. The
  /// connection-side helpers below use it.
  actor sock;

  /// The DEALER under test (set by `start_dealer`, for the `dealer_lifecycle`
  /// suites); the application-side helpers (`app_send`, `expect_ok`, ...)
  /// use it.
  dealer_actor dealer;

  void start_dealer(socket_options opts = {}) {
    auto* mod = caf::monocoque::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    CAF_REQUIRE_EQUAL(mod->status(), none);
    opts.on_ring = false; // under the test coordinator
    dealer = spawn_dealer(sys, std::move(opts));
    sock = actor_cast<actor>(dealer);
    run();
  }

  /// Kills the socket under test and lets everything settle.
  void stop_socket() {
    self->send_exit(sock, exit_reason::kill);
    run();
  }

  /// Spawns a fake connection; `watch_owner` makes it monitor the socket
  /// under test.
  fake spawn_fake(bool watch_owner = false) {
    fake result;
    result.log = std::make_shared<fake_log>();
    auto owner =
        watch_owner ? actor_cast<weak_actor_ptr>(sock) : weak_actor_ptr{};
    result.hdl = sys.spawn(fake_zia, result.log, owner);
    run();
    return result;
  }

  /// Registers `f` under `key` (0: a new key) and returns the new
  /// incarnation.
  void adopt(fake& f, uint64_t key = 0) {
    std::tie(f.key, f.epoch) =
        request<uint64_t, uint64_t>(sock, adopt_atom::value, key, f.hdl);
  }

  /// Sends `(peer_up, key, epoch, hdl, info, identity)` as `from` and runs
  /// it (a NULL peer: no identity of its own).
  void peer_up(const fake& from, uint64_t key, uint64_t epoch) {
    send_as(actor_cast<actor>(from.hdl), sock, peer_up_atom::value, key,
            epoch, from.hdl, peer_info{}, peer_identity_ptr{}, int32_t{-1});
    expect((peer_up_atom, uint64_t, uint64_t, zmtp_integrated_actor, peer_info,
            peer_identity_ptr, int32_t),
           from(from.hdl).to(sock).with(_, key, epoch, _, _, _, _));
  }

  void peer_up(const fake& f) { peer_up(f, f.key, f.epoch); }

  /// Sends `(peer_msg, key, epoch, msg(str))` as `from` and runs it.
  void peer_msg(const fake& from, uint64_t key, uint64_t epoch,
                const std::string& str) {
    send_as(actor_cast<actor>(from.hdl), sock, peer_msg_atom::value, key,
            epoch, UINT64_MAX, std::vector<multipart>{msg(str)});
    expect((peer_msg_atom, uint64_t, uint64_t, uint64_t,
            std::vector<multipart>),
           from(from.hdl).to(sock).with(_, key, epoch, _, _));
  }

  void peer_msg(const fake& f, const std::string& str) {
    peer_msg(f, f.key, f.epoch, str);
  }

  /// Sends `(peer_sent, key, epoch, n)` as `from` and runs it.
  void peer_sent(const fake& from, uint64_t key, uint64_t epoch, uint64_t n) {
    send_as(actor_cast<actor>(from.hdl), sock, peer_sent_atom::value, key,
            epoch, n);
    expect((peer_sent_atom, uint64_t, uint64_t, uint64_t),
           from(from.hdl).to(sock).with(_, key, epoch, n));
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
  /// lets the socket under test process its down_msg.
  void kill_fake(const fake& f) {
    self->send_exit(f.hdl, exit_reason::user_shutdown);
    expect((exit_msg), from(self).to(f.hdl));
    expect((down_msg), from(_).to(sock));
  }

  /// Number of peers whose handshake completed (runs everything pending).
  uint64_t status() {
    return request<uint64_t>(sock, status_atom::value);
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

inline socket_options with_sndhwm(size_t n) {
  socket_options opts;
  opts.sndhwm = n;
  return opts;
}

inline socket_options with_rcvhwm(size_t n) {
  socket_options opts;
  opts.rcvhwm = n;
  return opts;
}

} // namespace caf::monocoque::dealer_test
