// Deterministic tests of the DEALER's peer lifecycle: peers come up and get
// sends round robin, peers die, the owner dies first, and an unreferenced
// dealer goes away. Fake connections and fixture: dealer_fixture.hpp.

#define CAF_SUITE dealer_lifecycle_routing
#include "dealer_fixture.hpp"

#include <algorithm>
#include <caf/test/dsl.hpp>
#include <string>
#include <vector>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::dealer_test;

CAF_TEST_FIXTURE_SCOPE(dealer_lifecycle_routing_tests, fixture)

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

// -- lifetime of an unreferenced dealer -------------------------------------

CAF_TEST(connections see an unreferenced dealer go away) {
  start_dealer();
  auto a = spawn_fake(true);
  adopt(a);
  peer_up(a);
  auto weak = actor_cast<weak_actor_ptr>(dealer);
  dealer = dealer_actor{};
  sock = actor{};
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
  sock = actor{};
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
  sock = actor{};
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
