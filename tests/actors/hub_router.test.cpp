// Deterministic tests of ROUTER on the RouterHub: routing ids (Identity,
// generated), unknown ids, duplicate ids with and without handover, a
// reconnect with the same id racing the old down_msg, full peers.
#define CAF_SUITE hub_router
#include "hub_fixture.hpp"

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;

namespace {

socket_options router_opts(bool mandatory, bool handover, size_t sndhwm = 1000) {
  socket_options opts;
  opts.router_mandatory = mandatory;
  opts.router_handover = handover;
  opts.sndhwm = sndhwm;
  return opts;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hub_router_tests, hub_fixture)

CAF_TEST(received messages start with the identity or a generated id) {
  start(spawn_router);
  auto a = up_peer("A");
  auto b = up_peer(); // no Identity: libzmq-style 00 + uint32
  deliver(a, mp({"hi"}));
  auto m1 = recv_msg();
  CAF_REQUIRE(m1);
  CAF_CHECK_EQUAL(strs(*m1), (strings{"A", "hi"}));
  deliver(b, mp({"", "x"}));
  auto m2 = recv_msg();
  CAF_REQUIRE(m2);
  CAF_REQUIRE_EQUAL(m2->size(), 3u);
  auto id = (*m2)[0].to_string();
  CAF_CHECK_EQUAL(id.size(), 5u);
  CAF_CHECK_EQUAL(id[0], '\0');
  auto body = strs(*m2)[2]; // a copy: CHECK binds its operands by reference
  CAF_CHECK_EQUAL(body, "x");
  // Replies route by that first frame, which does not travel.
  CAF_CHECK_EQUAL(send_msg(mp({id, "back"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"A", "to-a"})), none);
  run();
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"back"}}));
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"to-a"}}));
  auto st = stats();
  CAF_CHECK_EQUAL(st.type, "ROUTER");
  CAF_CHECK_EQUAL(st.peers.size(), 2u);
}

CAF_TEST(an unknown id is dropped or fails with router_mandatory) {
  start(spawn_router);
  auto a = up_peer("A");
  CAF_CHECK_EQUAL(send_msg(mp({"nobody", "x"})), none);
  CAF_CHECK_EQUAL(stats().dropped, 1u);
  CAF_CHECK(is(send_msg(mp({"A"})), errc::invalid_operation)); // no body
  stop_socket();
  start(spawn_router, router_opts(true, false));
  auto b = up_peer("B");
  CAF_CHECK(is(send_msg(mp({"nobody", "x"})), errc::host_unreachable));
  CAF_CHECK_EQUAL(send_msg(mp({"B", "x"})), none);
  run();
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"x"}}));
  CAF_CHECK(got(a).empty());
}

CAF_TEST(a duplicate id is refused and the first owner keeps it) {
  start(spawn_router);
  auto a1 = up_peer("A");
  auto a2 = up_peer("A");
  CAF_CHECK_EQUAL(a2.log->closes, 1u); // refused: closed at once
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(stats().refused, 1u);
  // Whatever the refused one sends never reaches the application.
  deliver(a2, mp({"intruder"}));
  deliver(a1, mp({"owner"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"A", "owner"}));
  CAF_CHECK_EQUAL(send_msg(mp({"A", "r"})), none);
  run();
  CAF_CHECK_EQUAL(got(a1), (std::vector<strings>{{"r"}}));
  CAF_CHECK(got(a2).empty());
}

CAF_TEST(router_handover gives the id to the newcomer for good) {
  start(spawn_router, router_opts(false, true));
  auto a1 = up_peer("A");
  auto a2 = up_peer("A");
  CAF_CHECK_EQUAL(a1.log->closes, 1u); // the old one is closed
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(send_msg(mp({"A", "r1"})), none);
  run();
  CAF_CHECK_EQUAL(got(a2), (std::vector<strings>{{"r1"}}));
  // The old incarnation's late down_msg changes nothing.
  run(); // a1 quit on close: its down_msg arrives now
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(send_msg(mp({"A", "r2"})), none);
  run();
  CAF_CHECK_EQUAL(got(a2), (std::vector<strings>{{"r1"}, {"r2"}}));
  CAF_CHECK(got(a1).empty());
}

CAF_TEST(a reconnect with the same id racing the old down_msg) {
  start(spawn_router);
  auto a1 = up_peer("A");
  // The peer reconnects (new connection, new key) before its old
  // connection's down_msg arrived: refused while the old one lives.
  auto a2 = up_peer("A");
  CAF_CHECK_EQUAL(a2.log->closes, 1u);
  kill_fake(a1);
  run();
  CAF_CHECK_EQUAL(status(), 0u);
  // Its next attempt takes the id.
  auto a3 = up_peer("A");
  CAF_CHECK_EQUAL(status(), 1u);
  CAF_CHECK_EQUAL(send_msg(mp({"A", "r"})), none);
  run();
  CAF_CHECK_EQUAL(got(a3), (std::vector<strings>{{"r"}}));
  auto st = stats();
  size_t up = 0;
  for (auto& p : st.peers)
    up += p.up ? 1 : 0;
  CAF_CHECK_EQUAL(up, 1u);
}

CAF_TEST(a full peer drops or with router_mandatory withholds the reply) {
  start(spawn_router, router_opts(false, false, 1));
  auto a = up_peer("A");
  CAF_CHECK_EQUAL(send_msg(mp({"A", "1"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"A", "2"})), none); // over SNDHWM: dropped
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"1"}}));
  auto st = stats();
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].drops, 1u);
  stop_socket();
  auto router = start(spawn_router, router_opts(true, false, 1));
  auto b = up_peer("B");
  CAF_CHECK_EQUAL(send_msg(mp({"B", "1"})), none);
  self->send(router, send_atom::value, mp({"B", "2"}));
  run();
  disallow((ok_atom), from(router).to(self)); // blocked: B is full
  wrote(b, 1);
  expect((ok_atom), from(router).to(self));
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"1"}, {"2"}}));
}

CAF_TEST(a send waiting for a full peer fails when the peer goes) {
  auto router = start(spawn_router, router_opts(true, false, 1));
  auto b = up_peer("B");
  CAF_CHECK_EQUAL(send_msg(mp({"B", "1"})), none);
  self->send(router, send_atom::value, mp({"B", "2"}));
  run();
  kill_fake(b);
  run();
  expect((error), from(router).to(self));
}

CAF_TEST_FIXTURE_SCOPE_END()
