// Deterministic tests of the DEALER's peer lifecycle: a connection replaced
// while its old incarnation still lives (epochs), and duplicate down_msgs
// and peer_ups. Fake connections and fixture: dealer_fixture.hpp.

#define CAF_SUITE dealer_lifecycle_epochs
#include "dealer_fixture.hpp"

#include <algorithm>
#include <caf/test/dsl.hpp>
#include <string>
#include <vector>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::dealer_test;

CAF_TEST_FIXTURE_SCOPE(dealer_lifecycle_epochs_tests, fixture)

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
  send_as(actor_cast<actor>(a.hdl), sock,
          down_msg{a_addr, exit_reason::user_shutdown});
  expect((down_msg), to(sock));
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
  send_as(actor_cast<actor>(a1.hdl), sock,
          down_msg{a1_addr, exit_reason::user_shutdown});
  expect((down_msg), to(sock));
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

CAF_TEST_FIXTURE_SCOPE_END()
