// Our XPUB and XSUB against libzmq peers: the subscription messages our
// XPUB receives from libzmq SUBs and XSUBs (first subscribe and last cancel
// of a prefix only, every one with xpub_verbose / xpub_verbose_unsubscribe,
// cancels for a subscriber that goes away), the welcome message, messages
// an XSUB sends upstream, and our XSUB's subscriptions reaching libzmq
// PUB/XPUBs, including one that binds later (replay). Mirrors libzmq's
// test_xpub_verbose and test_xpub_welcome_msg.
#define CAF_SUITE interop_xpub_xsub
#include "pubsub_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct xpub_xsub_fixture : pubsub_fixture {
  /// Expects the next message of our XPUB to be `want` within `timeout`.
  void expect_next(const mq::xpub_actor& x, const std::string& want) {
    auto got = recv_strs(x);
    CAF_CHECK_EQUAL(got, strings{want});
  }

  /// Expects no message on our XPUB within 100 ms.
  void expect_none(const mq::xpub_actor& x) {
    auto got = try_recv(x, caf::timespan{100ms});
    CAF_CHECK(!got);
    if (got)
      CAF_MESSAGE("unexpected: " << strs(*got));
  }

  mq::socket_options xopts(bool verbose, bool verboser) {
    auto opts = fast();
    opts.xpub_verbose = verbose;
    opts.xpub_verbose_unsubscribe = verboser;
    return opts;
  }

  /// A libzmq SUB connected to `ep`.
  zmq::socket_t zsub_at(const std::string& ep) {
    auto s = zsock(ctx, zmq::socket_type::sub);
    s.connect(ep);
    return s;
  }
};

const std::string sub_a = sub_msg(true, "A");
const std::string sub_b = sub_msg(true, "B");
const std::string unsub_a = sub_msg(false, "A");
const std::string unsub_b = sub_msg(false, "B");

} // namespace

CAF_TEST_FIXTURE_SCOPE(xpub_xsub_tests, xpub_xsub_fixture)

CAF_TEST(our XPUB delivers first subscribes and last cancels only) {
  auto xpub = xpub_socket(xopts(false, false));
  auto ep = bind(xpub);
  auto sub0 = zsub_at(ep);
  auto sub1 = zsub_at(ep);
  CAF_REQUIRE(await_status(xpub, 2));
  sub0.set(zmq::sockopt::subscribe, "A");
  expect_next(xpub, sub_a);
  sub0.set(zmq::sockopt::subscribe, "B");
  expect_next(xpub, sub_b);
  // The same subscriber again, then another one: duplicates.
  sub0.set(zmq::sockopt::subscribe, "A");
  sub1.set(zmq::sockopt::subscribe, "A");
  expect_none(xpub);
  // Both get A, only sub0 gets B.
  send(xpub, mp({"A"}));
  send(xpub, mp({"B"}));
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"A"});
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"B"});
  CAF_CHECK_EQUAL(zrecv(sub1), strings{"A"});
  CAF_CHECK_EQUAL(zrecv_for(sub1, 100ms), timed_out);
  // sub1 cancels A: sub0 still has it.
  sub1.set(zmq::sockopt::unsubscribe, "A");
  expect_none(xpub);
  // sub0 subscribed A twice: libzmq sends the cancel after the second
  // unsubscribe only, and that one cancel removes sub0 from A
  // (test_xpub_verboser_one_sub).
  sub0.set(zmq::sockopt::unsubscribe, "A");
  sub0.set(zmq::sockopt::unsubscribe, "A");
  expect_next(xpub, unsub_a);
  expect_none(xpub);
  // Nobody wants A any more: not even handed to a connection.
  auto before = stats(xpub);
  send(xpub, mp({"A"}));
  send(xpub, mp({"B"}));
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"B"});
  CAF_CHECK_EQUAL(zrecv_for(sub0, 100ms), timed_out);
  CAF_CHECK_EQUAL(zrecv_for(sub1, 100ms), timed_out);
  auto after = stats(xpub);
  uint64_t out_before = 0;
  uint64_t out_after = 0;
  for (auto& p : before.peers)
    out_before += p.msgs_out;
  for (auto& p : after.peers)
    out_after += p.msgs_out;
  CAF_CHECK_EQUAL(out_after - out_before, 1u);
  CAF_CHECK_EQUAL(after.type, "XPUB");
  CAF_CHECK(close(xpub));
}

CAF_TEST(xpub_verbose delivers every subscribe) {
  auto xpub = xpub_socket(xopts(true, false));
  auto ep = bind(xpub);
  auto sub0 = zsub_at(ep);
  auto sub1 = zsub_at(ep);
  CAF_REQUIRE(await_status(xpub, 2));
  sub0.set(zmq::sockopt::subscribe, "A");
  expect_next(xpub, sub_a);
  sub0.set(zmq::sockopt::subscribe, "A");
  expect_next(xpub, sub_a);
  sub1.set(zmq::sockopt::subscribe, "A");
  expect_next(xpub, sub_a);
  sub0.set(zmq::sockopt::subscribe, "B");
  expect_next(xpub, sub_b);
  // Cancels stay deduplicated without xpub_verbose_unsubscribe.
  sub1.set(zmq::sockopt::unsubscribe, "A");
  expect_none(xpub);
  send(xpub, mp({"A"}));
  send(xpub, mp({"B"}));
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"A"});
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"B"});
  CAF_CHECK_EQUAL(zrecv_for(sub1, 100ms), timed_out);
  CAF_CHECK(close(xpub));
}

CAF_TEST(xpub_verbose_unsubscribe delivers every cancel) {
  auto xpub = xpub_socket(xopts(true, true));
  auto ep = bind(xpub);
  auto sub0 = zsub_at(ep);
  auto sub1 = zsub_at(ep);
  CAF_REQUIRE(await_status(xpub, 2));
  sub0.set(zmq::sockopt::subscribe, "A");
  sub1.set(zmq::sockopt::subscribe, "A");
  expect_next(xpub, sub_a);
  expect_next(xpub, sub_a);
  send(xpub, mp({"A"}));
  CAF_CHECK_EQUAL(zrecv(sub0), strings{"A"});
  CAF_CHECK_EQUAL(zrecv(sub1), strings{"A"});
  sub1.set(zmq::sockopt::unsubscribe, "A");
  expect_next(xpub, unsub_a);
  sub0.set(zmq::sockopt::unsubscribe, "A");
  expect_next(xpub, unsub_a);
  // Unmatched: libzmq's SUB filters it even with VERBOSER.
  sub1.set(zmq::sockopt::unsubscribe, "A");
  expect_none(xpub);
  CAF_CHECK(close(xpub));
}

CAF_TEST(a subscriber that goes away cancels its prefixes) {
  auto xpub = xpub_socket(xopts(false, false));
  auto ep = bind(xpub);
  auto sub0 = zsub_at(ep);
  sub0.set(zmq::sockopt::subscribe, "A");
  sub0.set(zmq::sockopt::subscribe, "B");
  expect_next(xpub, sub_a);
  expect_next(xpub, sub_b);
  {
    auto sub1 = zsub_at(ep);
    sub1.set(zmq::sockopt::subscribe, "B");
    sub1.set(zmq::sockopt::subscribe, "C");
    expect_next(xpub, sub_msg(true, "C"));
    expect_none(xpub);
    CAF_REQUIRE(await_status(xpub, 2));
  }
  // sub1 is gone: C has nobody left, B still has sub0.
  expect_next(xpub, sub_msg(false, "C"));
  expect_none(xpub);
  CAF_CHECK(await_status(xpub, 1));
  sub0.close();
  strings got;
  for (int i = 0; i < 2; ++i) {
    auto msg = recv_strs(xpub);
    got.push_back(msg.at(0));
  }
  std::sort(got.begin(), got.end());
  CAF_CHECK_EQUAL(got, (strings{unsub_a, unsub_b}));
  expect_none(xpub);
  CAF_CHECK(close(xpub));
}

CAF_TEST(the welcome message reaches a libzmq SUB subscribed to it) {
  auto opts = fast();
  opts.xpub_welcome_msg = "W";
  auto xpub = xpub_socket(opts);
  auto ep = bind(xpub);
  auto sub = zsock(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::subscribe, "W");
  sub.connect(ep);
  expect_next(xpub, sub_msg(true, "W"));
  CAF_CHECK_EQUAL(zrecv(sub), strings{"W"});
  // A second subscriber gets its own welcome.
  auto sub2 = zsock(ctx, zmq::socket_type::sub);
  sub2.set(zmq::sockopt::subscribe, "W");
  sub2.connect(ep);
  CAF_CHECK_EQUAL(zrecv(sub2), strings{"W"});
  CAF_CHECK_EQUAL(zrecv_for(sub, 100ms), timed_out);
  CAF_CHECK(close(xpub));
}

CAF_TEST(our connecting XPUB hears a bound libzmq XSUB) {
  auto xsub = zsock(ctx, zmq::socket_type::xsub);
  auto ep = zbind(xsub);
  auto xpub = xpub_socket(xopts(false, false));
  connect(xpub, ep);
  CAF_REQUIRE(await_status(xpub, 1));
  CAF_REQUIRE(zsend(xsub, {sub_a}));
  // libzmq attaches the pipe of an accepted connection only when the
  // socket's own thread processes commands, and it throttles that inside
  // zmq_send: a subscription sent before the attach is replayed at the
  // attach, i.e. at the next call on the XSUB. Poke it (ZMQ_EVENTS
  // processes commands) until the subscription arrives.
  std::optional<mq::multipart> first;
  for (int i = 0; i < 50 && !first; ++i) {
    if (auto msg = try_recv(xpub, caf::timespan{100ms}))
      first = std::move(*msg);
    else
      (void) xsub.get(zmq::sockopt::events);
  }
  CAF_REQUIRE(first.has_value());
  CAF_CHECK_EQUAL(strs(*first), strings{sub_a});
  // Other messages from a subscriber reach the application as they are.
  CAF_REQUIRE(zsend(xsub, {"hello", "world"}));
  CAF_CHECK_EQUAL(recv_strs(xpub), (strings{"hello", "world"}));
  send(xpub, mp({"B1"}));
  send(xpub, mp({"A1", "x"}));
  CAF_CHECK_EQUAL(zrecv(xsub), (strings{"A1", "x"}));
  CAF_CHECK_EQUAL(zrecv_for(xsub, 100ms), timed_out);
  CAF_REQUIRE(zsend(xsub, {unsub_a}));
  expect_next(xpub, unsub_a);
  CAF_CHECK(close(xpub));
}

CAF_TEST(our SUB subscribes at a libzmq XPUB) {
  auto zx = zsock(ctx, zmq::socket_type::xpub);
  auto ep = zbind(zx);
  auto sub = sub_socket();
  connect(sub, ep);
  CAF_REQUIRE(await_status(sub, 1));
  subscribe(sub, "A");
  CAF_CHECK_EQUAL(zrecv(zx), strings{sub_a});
  subscribe(sub, "");
  CAF_CHECK_EQUAL(zrecv(zx), strings{sub_msg(true, "")});
  unsubscribe(sub, "A");
  CAF_CHECK_EQUAL(zrecv(zx), strings{unsub_a});
  CAF_CHECK(close(sub));
}

CAF_TEST(our XSUB subscribes by message at a libzmq PUB) {
  auto zpub = zsock(ctx, zmq::socket_type::pub);
  auto ep = zbind(zpub);
  auto xsub = xsub_socket();
  connect(xsub, ep);
  CAF_REQUIRE(await_status(xsub, 1));
  send(xsub, mp({sub_a}));
  // Sync on A itself: publish until it arrives.
  bool synced = false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced && std::chrono::steady_clock::now() < deadline) {
    CAF_REQUIRE(zsend(zpub, {"A-sync"}));
    synced = static_cast<bool>(try_recv(xsub, caf::timespan{10ms}));
  }
  CAF_REQUIRE(synced);
  while (try_recv(xsub, caf::timespan{50ms}))
    ; // late sync messages
  for (auto t : {"A1", "B1", "AB1"})
    CAF_REQUIRE(zsend(zpub, {t}));
  tally got;
  for (;;) {
    auto msg = try_recv(xsub, caf::timespan{200ms});
    if (!msg)
      break;
    ++got[(*msg)[0].to_string()];
  }
  CAF_CHECK_EQUAL(got, (tally{{"A1", 1}, {"AB1", 1}}));
  auto type = stats(xsub).type; // CAF_CHECK_EQUAL binds by reference
  CAF_CHECK_EQUAL(type, "XSUB");
  CAF_CHECK(close(xsub));
}

CAF_TEST(our XSUB subscriptions are replayed to a libzmq XPUB that binds later) {
  auto zx1 = zsock(ctx, zmq::socket_type::xpub);
  auto ep1 = zbind(zx1);
  auto ep2 = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep2, "");
  auto xsub = xsub_socket();
  connect(xsub, ep1);
  connect(xsub, ep2);
  CAF_REQUIRE(await_status(xsub, 1));
  send(xsub, mp({sub_a}));
  send(xsub, mp({sub_b}));
  CAF_CHECK_EQUAL(zrecv(zx1), strings{sub_a});
  CAF_CHECK_EQUAL(zrecv(zx1), strings{sub_b});
  // A message that is no subscription goes out as it is (and is not
  // replayed later).
  send(xsub, mp({"hello"}));
  CAF_CHECK_EQUAL(zrecv(zx1), strings{"hello"});
  // The XPUB that starts later gets each subscription once.
  auto zx2 = zrebind(ctx, zmq::socket_type::xpub, ep2, [](zmq::socket_t& s) {
    s.set(zmq::sockopt::xpub_verbose, 1);
  });
  CAF_REQUIRE(await_status(xsub, 2));
  strings replayed;
  for (;;) {
    auto msg = zrecv_for(zx2, 200ms);
    if (msg == timed_out)
      break;
    replayed.push_back(msg.at(0));
  }
  std::sort(replayed.begin(), replayed.end());
  CAF_CHECK_EQUAL(replayed, (strings{sub_a, sub_b}));
  // A cancel reaches both.
  send(xsub, mp({unsub_b}));
  CAF_CHECK_EQUAL(zrecv(zx1), strings{unsub_b});
  CAF_CHECK_EQUAL(zrecv(zx2), strings{unsub_b});
  CAF_CHECK(close(xsub));
}

CAF_TEST(a libzmq XPUB connecting later to our bound XSUB gets the replay) {
  auto xsub = xsub_socket();
  auto ep = bind(xsub);
  // Nobody there yet: the subscriptions wait for publishers.
  send(xsub, mp({sub_a}));
  send(xsub, mp({sub_msg(true, "C")}));
  send(xsub, mp({sub_msg(false, "C")})); // cancelled before anyone saw it
  std::vector<zmq::socket_t> xpubs;
  for (int i = 0; i < 2; ++i) {
    xpubs.push_back(zsock(ctx, zmq::socket_type::xpub));
    xpubs.back().connect(ep);
  }
  CAF_REQUIRE(await_status(xsub, 2));
  for (auto& zx : xpubs) {
    CAF_CHECK_EQUAL(zrecv(zx), strings{sub_a});
    CAF_CHECK_EQUAL(zrecv_for(zx, 100ms), timed_out);
  }
  // Both publish; our XSUB fair-queues and filters.
  CAF_REQUIRE(zsend(xpubs[0], {"A0"}));
  CAF_REQUIRE(zsend(xpubs[1], {"A1"}));
  CAF_REQUIRE(zsend(xpubs[1], {"C1"}));
  tally got;
  for (;;) {
    auto msg = try_recv(xsub, caf::timespan{200ms});
    if (!msg)
      break;
    ++got[(*msg)[0].to_string()];
  }
  CAF_CHECK_EQUAL(got, (tally{{"A0", 1}, {"A1", 1}}));
  CAF_CHECK(close(xsub));
}

CAF_TEST_FIXTURE_SCOPE_END()
