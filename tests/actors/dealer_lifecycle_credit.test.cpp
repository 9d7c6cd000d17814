// Deterministic tests of the DEALER's peer lifecycle: receive credit and
// fair queueing, SNDHWM backpressure, and the inbox of dead or replaced
// incarnations. Fake connections and fixture: dealer_fixture.hpp.

#define CAF_SUITE dealer_lifecycle_credit
#include "dealer_fixture.hpp"

#include <algorithm>
#include <caf/test/dsl.hpp>
#include <string>
#include <vector>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::dealer_test;

CAF_TEST_FIXTURE_SCOPE(dealer_lifecycle_credit_tests, fixture)

// -- (6) receive credit
// --------------------------------------------------------------

CAF_TEST(credit returns in batches of rcvhwm over 4) {
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
  expect_received("m3"); // 1 uncredited and the inbox drained: it waits
  disallow_credit(a);    // (the connection still has 8 - 1 to deliver)
  // A waiting recv gets the next message at once; it completes the batch.
  app_recv();
  disallow((multipart), from(dealer).to(self));
  peer_msg(a, "m4");
  expect_received("m4");
  expect_credit(a, 2);
  run();
  CAF_CHECK_EQUAL(a.log->credits, (std::vector<uint64_t>{2, 2}));
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
  stop_socket(); // the waiting recv would keep the dealer alive
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

CAF_TEST_FIXTURE_SCOPE_END()
