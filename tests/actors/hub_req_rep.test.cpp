// Deterministic tests of the REQ and REP state machines on the RouterHub:
// envelopes, strict alternation, stray replies, req_relaxed, req_correlate,
// replies to peers that have gone.
#define CAF_SUITE hub_req_rep
#include "hub_fixture.hpp"

#include <cstring>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;

CAF_TEST_FIXTURE_SCOPE(hub_req_rep_tests, hub_fixture)

CAF_TEST(req adds the delimiter and takes the reply without it) {
  start(spawn_req);
  auto a = up_peer();
  CAF_CHECK(is(recv_msg().error(), errc::wrong_state)); // no request out
  CAF_CHECK_EQUAL(send_msg(mp({"q"})), none);
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"", "q"}}));
  deliver(a, mp({"", "r"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"r"}));
  CAF_CHECK(is(recv_msg().error(), errc::wrong_state)); // reply taken
}

CAF_TEST(req strict alternation refuses a second send) {
  start(spawn_req);
  auto a = up_peer();
  CAF_CHECK_EQUAL(send_msg(mp({"q1"})), none);
  CAF_CHECK(is(send_msg(mp({"q2"})), errc::wrong_state));
  deliver(a, mp({"", "r1"}));
  CAF_CHECK(recv_msg());
  CAF_CHECK_EQUAL(send_msg(mp({"q3"})), none);
}

CAF_TEST(req takes replies only from the peer that got the request) {
  start(spawn_req);
  auto a = up_peer();
  auto b = up_peer();
  CAF_CHECK_EQUAL(send_msg(mp({"q"})), none);
  run();
  auto& asked = got(a).empty() ? b : a;
  auto& other = got(a).empty() ? a : b;
  CAF_CHECK_EQUAL(got(asked).size(), 1u);
  deliver(other, mp({"", "stray"}));
  deliver(asked, mp({"no-delimiter"}));
  deliver(asked, mp({"", "real"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"real"}));
  CAF_CHECK_EQUAL(stats().dropped, 2u);
}

CAF_TEST(req drops a reply decoded before the peer had the request) {
  // A late answer to the previous request, still in flight when the next
  // request went to the same peer, must not pass as the new reply: the
  // connection stamps each message with how many it had been handed.
  start(spawn_req);
  auto a = up_peer();
  CAF_CHECK_EQUAL(send_msg(mp({"q1"})), none);
  deliver(a, mp({"", "r1"}), 1);
  CAF_CHECK(recv_msg());
  CAF_CHECK_EQUAL(send_msg(mp({"q2"})), none); // a's 2nd message
  deliver(a, mp({"", "late-r1"}), 1);          // decoded before q2
  deliver(a, mp({"", "r2"}), 2);
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"r2"}));
}

CAF_TEST(req round robin spreads requests) {
  start(spawn_req);
  auto a = up_peer();
  auto b = up_peer();
  for (int i = 0; i < 4; ++i) {
    auto before = got(a).size();
    CAF_CHECK_EQUAL(send_msg(mp({"q"})), none);
    run();
    deliver(got(a).size() > before ? a : b, mp({"", "r"}));
    CAF_CHECK(recv_msg());
  }
  CAF_CHECK_EQUAL(got(a).size(), 2u);
  CAF_CHECK_EQUAL(got(b).size(), 2u);
}

CAF_TEST(req_relaxed resends and drops the reply to the old request) {
  socket_options opts;
  opts.req_relaxed = true;
  start(spawn_req, opts);
  auto a = up_peer();
  auto b = up_peer();
  CAF_CHECK_EQUAL(send_msg(mp({"q1"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"q2"})), none); // allowed: relaxed
  run();
  CAF_REQUIRE_EQUAL(got(a).size(), 1u);
  CAF_REQUIRE_EQUAL(got(b).size(), 1u);
  deliver(a, mp({"", "r1"})); // the answer to the abandoned request
  deliver(b, mp({"", "r2"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"r2"}));
}

CAF_TEST(req_correlate accepts only the reply with the request id) {
  socket_options opts;
  opts.req_correlate = true;
  opts.req_relaxed = true;
  start(spawn_req, opts);
  auto a = up_peer();
  CAF_CHECK_EQUAL(send_msg(mp({"q1"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"q2"})), none);
  run();
  auto sent = got(a);
  CAF_REQUIRE_EQUAL(sent.size(), 2u);
  CAF_REQUIRE_EQUAL(sent[0].size(), 3u);
  CAF_CHECK_EQUAL(sent[0][0].size(), 4u);
  CAF_CHECK_EQUAL(sent[0][1], "");
  CAF_CHECK_NOT_EQUAL(sent[0][0], sent[1][0]);
  deliver(a, mp({sent[0][0], "", "old"})); // same peer, old id
  deliver(a, mp({sent[1][0], "", "new"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"new"}));
}

CAF_TEST(rep strips the envelope and puts it back on the reply) {
  start(spawn_rep);
  auto a = up_peer();
  CAF_CHECK(is(send_msg(mp({"r"})), errc::wrong_state)); // nothing to answer
  deliver(a, mp({"hop2", "hop1", "", "q"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(strs(*m), (strings{"q"}));
  CAF_CHECK(is(recv_msg().error(), errc::wrong_state)); // reply first
  CAF_CHECK_EQUAL(send_msg(mp({"r"})), none);
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"hop2", "hop1", "", "r"}}));
}

CAF_TEST(rep fair-queues clients and drops malformed requests) {
  start(spawn_rep);
  auto a = up_peer();
  auto b = up_peer();
  deliver(a, mp({"no-envelope"}));
  deliver(a, mp({"", "a1"}));
  deliver(a, mp({"", "a2"}));
  deliver(b, mp({"", "b1"}));
  strings order;
  for (int i = 0; i < 3; ++i) {
    auto m = recv_msg();
    CAF_REQUIRE(m);
    order.push_back(strs(*m)[0]);
    CAF_CHECK_EQUAL(send_msg(mp({"re-" + order.back()})), none);
  }
  // The malformed message used a's turn, so b's request comes first.
  CAF_CHECK_EQUAL(order, (strings{"b1", "a1", "a2"}));
  run();
  CAF_CHECK_EQUAL(got(a),
                  (std::vector<strings>{{"", "re-a1"}, {"", "re-a2"}}));
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"", "re-b1"}}));
  CAF_CHECK_EQUAL(stats().dropped, 1u);
}

CAF_TEST(rep drops the reply to a peer that has gone) {
  start(spawn_rep);
  auto a = up_peer();
  auto b = up_peer();
  deliver(a, mp({"", "qa"}));
  auto m = recv_msg();
  CAF_REQUIRE(m);
  kill_fake(a);
  run();
  CAF_CHECK_EQUAL(send_msg(mp({"lost"})), none);
  CAF_CHECK_EQUAL(stats().dropped, 1u);
  deliver(b, mp({"", "qb"}));
  auto m2 = recv_msg();
  CAF_REQUIRE(m2);
  CAF_CHECK_EQUAL(send_msg(mp({"rb"})), none);
  run();
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"", "rb"}}));
}

CAF_TEST(rep push delivery hands out the next request after the reply) {
  auto rep = start(spawn_rep);
  auto a = up_peer();
  deliver(a, mp({"", "q1"}));
  deliver(a, mp({"", "q2"}));
  self->send(rep, deliver_atom::value, actor{self}, uint64_t{10});
  run();
  expect((message_atom, multipart), from(rep).to(self));
  disallow((message_atom, multipart), from(rep).to(self));
  CAF_CHECK_EQUAL(send_msg(mp({"r1"})), none);
  expect((message_atom, multipart), from(rep).to(self));
}

CAF_TEST_FIXTURE_SCOPE_END()
