// Deterministic tests of the RouterHub's load balancing and of the PUSH,
// PULL and PAIR policies; plus 1 000 peers churning through the peer table.
#define CAF_SUITE hub_types
#include "hub_fixture.hpp"

#include <random>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;

CAF_TEST_FIXTURE_SCOPE(hub_types_tests, hub_fixture)

CAF_TEST(load balancing skips full peers) {
  start(spawn_push, hwm(2));
  auto a = up_peer();
  auto b = up_peer();
  auto c = up_peer();
  // Round robin: a, b, c, a, b, c; then all are at SNDHWM 2.
  for (int i = 0; i < 6; ++i)
    CAF_CHECK_EQUAL(send_msg(mp({std::to_string(i)})), none);
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"0"}, {"3"}}));
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"1"}, {"4"}}));
  CAF_CHECK_EQUAL(got(c), (std::vector<strings>{{"2"}, {"5"}}));
  // b wrote one: only b has room, so the next messages all go to b.
  wrote(b, 2);
  CAF_CHECK_EQUAL(send_msg(mp({"6"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"7"})), none);
  run();
  CAF_CHECK_EQUAL(got(b).size(), 4u);
  CAF_CHECK_EQUAL(got(a).size(), 2u);
  CAF_CHECK_EQUAL(got(c).size(), 2u);
  CAF_CHECK_EQUAL(stats().pending, 0u);
  CAF_CHECK_EQUAL(send_msg(mp({"8"})), none); // waits at the socket
  CAF_CHECK_EQUAL(stats().pending, 1u);
}

CAF_TEST(push never receives and pull never sends) {
  start(spawn_push);
  CAF_CHECK(is(recv_msg().error(), errc::invalid_operation));
  stop_socket();
  start(spawn_pull);
  CAF_CHECK(is(send_msg(mp({"x"})), errc::invalid_operation));
  auto a = up_peer();
  auto b = up_peer();
  deliver(a, mp({"a1"}));
  deliver(a, mp({"a2"}));
  deliver(b, mp({"b1"}));
  strings order;
  for (int i = 0; i < 3; ++i) {
    auto m = recv_msg();
    CAF_REQUIRE(m);
    order.push_back(strs(*m)[0]);
  }
  CAF_CHECK_EQUAL(order, (strings{"a1", "b1", "a2"}));
}

CAF_TEST(pair refuses a second peer while the first lives) {
  start(spawn_pair);
  auto a = up_peer();
  auto b = up_peer();
  CAF_CHECK_EQUAL(b.log->closes, 1u);
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(stats().refused, 1u);
  CAF_CHECK_EQUAL(send_msg(mp({"x"})), none);
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"x"}}));
  kill_fake(a);
  run();
  auto c = up_peer();
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(send_msg(mp({"y"})), none);
  run();
  CAF_CHECK_EQUAL(got(c), (std::vector<strings>{{"y"}}));
}

CAF_TEST(a thousand peers churning leave exactly the live ones) {
  start(spawn_router);
  std::mt19937 rng{42};
  std::vector<std::pair<fake, std::string>> live;
  size_t killed = 0;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 100; ++i) {
      auto id = "id-" + std::to_string(round) + "-" + std::to_string(i);
      live.emplace_back(up_peer(id), id);
    }
    // Kill a random half of the live peers.
    std::shuffle(live.begin(), live.end(), rng);
    auto n = live.size() / 2;
    for (size_t i = 0; i < n; ++i) {
      self->send_exit(live.back().first.hdl, exit_reason::user_shutdown);
      live.pop_back();
      ++killed;
    }
    run();
    auto st = stats();
    CAF_CHECK_EQUAL(st.peers.size(), live.size());
    CAF_CHECK_EQUAL(status(), live.size());
  }
  CAF_CHECK_EQUAL(live.size() + killed, 1000u);
  // Introspection names exactly the live ids, each routes to its own peer.
  std::vector<std::string> want;
  for (auto& x : live)
    want.push_back(x.second);
  std::vector<std::string> have;
  for (auto& p : stats().peers) {
    CAF_CHECK(p.up);
    have.push_back(p.routing_id);
  }
  std::sort(want.begin(), want.end());
  std::sort(have.begin(), have.end());
  CAF_CHECK(want == have);
  for (auto& [f, id] : live)
    CAF_CHECK_EQUAL(send_msg(mp({id, "to " + id})), none);
  run();
  for (auto& [f, id] : live)
    CAF_CHECK_EQUAL(got(f), (std::vector<strings>{{"to " + id}}));
  CAF_CHECK_EQUAL(send_msg(mp({"id-0-0-dead-or-never", "x"})), none);
  CAF_CHECK_EQUAL(stats().dropped, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
