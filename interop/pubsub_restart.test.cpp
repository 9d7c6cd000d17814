// Peers of our PUB and SUB that die and come back mid-stream: a libzmq SUB
// closed and recreated (connecting to our bound PUB, and bound with our PUB
// reconnecting), and our SUB against a libzmq PUB/XPUB that restarts on the
// same endpoint: its subscriptions are replayed after the reconnect.
#define CAF_SUITE interop_pubsub_restart
#include "pubsub_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

/// {"<prefix><from>", ..., "<prefix><to - 1>"}, each once.
tally numbered(const std::string& prefix, int from, int to) {
  tally result;
  for (int i = from; i < to; ++i)
    result[prefix + std::to_string(i)] = 1;
  return result;
}

struct restart_fixture : pubsub_fixture {
  void publish_numbered(const mq::pub_actor& pub, const std::string& prefix,
                        int from, int to) {
    for (int i = from; i < to; ++i)
      publish(pub, {prefix + std::to_string(i)});
  }

  bool zpublish_numbered(zmq::socket_t& zpub, const std::string& prefix,
                         int from, int to) {
    for (int i = from; i < to; ++i)
      if (!zsend(zpub, {prefix + std::to_string(i)}))
        return false;
    return true;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pubsub_restart_tests, restart_fixture)

CAF_TEST(a libzmq SUB killed and restarted against our bound PUB) {
  auto pub = pub_socket();
  auto ep = bind(pub);
  auto other = zsub({"A"});
  other.connect(ep);
  {
    auto sub = zsub({"A"});
    sub.connect(ep);
    CAF_REQUIRE(await_status(pub, 2));
    CAF_REQUIRE(sync_with(pub, {&sub, &other}));
    publish_numbered(pub, "A", 0, 100);
    // It reads half, then dies with the rest unread.
    for (int i = 0; i < 50; ++i)
      CAF_REQUIRE_NOT_EQUAL(zrecv(sub), timed_out);
  }
  CAF_REQUIRE(await_status(pub, 1));
  // Its subscriptions died with it: nothing is queued for a ghost.
  publish_numbered(pub, "A", 100, 200);
  CAF_CHECK(await([&] { return stats(pub).peers.size() == 1u; }));
  CAF_CHECK_EQUAL(subscriptions(pub), 2u);
  // The other one got everything so far (read it before the next sync,
  // which skips what it reads).
  CAF_CHECK_EQUAL(zdrain(other, 200ms), numbered("A", 0, 200));
  auto sub = zsub({"A"});
  sub.connect(ep);
  CAF_REQUIRE(await_status(pub, 2));
  CAF_REQUIRE(sync_with(pub, {&sub, &other}));
  publish_numbered(pub, "A", 200, 300);
  // The new one gets exactly what was published after it subscribed.
  CAF_CHECK_EQUAL(zdrain(sub, 200ms), numbered("A", 200, 300));
  CAF_CHECK_EQUAL(zdrain(other, 200ms), numbered("A", 200, 300));
  CAF_CHECK(close(pub));
}

CAF_TEST(our connecting PUB follows a libzmq SUB that restarts) {
  auto ep = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep, "");
  auto pub = pub_socket();
  connect(pub, ep);
  {
    auto sub = zrebind(ctx, zmq::socket_type::sub, ep, [](zmq::socket_t& s) {
      s.set(zmq::sockopt::subscribe, "A");
      s.set(zmq::sockopt::subscribe, sync_topic);
    });
    CAF_REQUIRE(await_status(pub, 1));
    CAF_REQUIRE(sync_with(pub, {&sub}));
    publish_numbered(pub, "A", 0, 100);
    CAF_CHECK_EQUAL(zdrain(sub, 200ms), numbered("A", 0, 100));
  }
  CAF_REQUIRE(await_status(pub, 0));
  publish_numbered(pub, "A", 100, 200); // nobody subscribed: gone
  auto sub = zrebind(ctx, zmq::socket_type::sub, ep, [](zmq::socket_t& s) {
    s.set(zmq::sockopt::subscribe, "B");
    s.set(zmq::sockopt::subscribe, sync_topic);
  });
  CAF_REQUIRE(await_status(pub, 1));
  CAF_REQUIRE(sync_with(pub, {&sub}));
  // The new incarnation has its own subscriptions, not the old one's.
  publish_numbered(pub, "A", 200, 210);
  publish_numbered(pub, "B", 200, 210);
  CAF_CHECK_EQUAL(zdrain(sub, 200ms), numbered("B", 200, 210));
  CAF_CHECK_EQUAL(subscriptions(pub), 2u);
  CAF_CHECK(close(pub));
}

CAF_TEST(our SUB resubscribes after a libzmq PUB restarts) {
  auto ep = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep, "");
  auto sub = sub_socket();
  subscribe(sub, "A");
  subscribe(sub, sync_topic);
  connect(sub, ep);
  {
    auto zpub = zrebind(ctx, zmq::socket_type::pub, ep);
    CAF_REQUIRE(await_status(sub, 1));
    CAF_REQUIRE(zsync_with(zpub, {sub}));
    CAF_REQUIRE(zpublish_numbered(zpub, "A", 0, 50));
    CAF_REQUIRE(zpublish_numbered(zpub, "B", 0, 50));
    CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), numbered("A", 0, 50));
  }
  CAF_REQUIRE(await_status(sub, 0));
  // Changed while disconnected: the new publisher must see B, not A.
  unsubscribe(sub, "A");
  subscribe(sub, "B");
  auto zpub = zrebind(ctx, zmq::socket_type::pub, ep);
  CAF_REQUIRE(await_status(sub, 1));
  CAF_REQUIRE(zsync_with(zpub, {sub}));
  CAF_REQUIRE(zpublish_numbered(zpub, "A", 50, 100));
  CAF_REQUIRE(zpublish_numbered(zpub, "B", 50, 100));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), numbered("B", 50, 100));
  CAF_CHECK(close(sub));
}

CAF_TEST(a restarted libzmq XPUB sees our SUB subscriptions again) {
  auto ep = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep, "");
  auto sub = sub_socket();
  connect(sub, ep);
  subscribe(sub, "A");
  subscribe(sub, "B");
  subscribe(sub, "B"); // counted: replayed once
  auto setup = [](zmq::socket_t& s) { s.set(zmq::sockopt::xpub_verbose, 1); };
  for (int round = 0; round < 2; ++round) {
    auto zx = zrebind(ctx, zmq::socket_type::xpub, ep, setup);
    CAF_REQUIRE(await_status(sub, 1));
    strings got;
    for (;;) {
      auto msg = zrecv_for(zx, 300ms);
      if (msg == timed_out)
        break;
      got.push_back(msg.at(0));
    }
    std::sort(got.begin(), got.end());
    CAF_CHECK_EQUAL(got, (strings{sub_msg(true, "A"), sub_msg(true, "B")}));
    zx.close();
    CAF_REQUIRE(await_status(sub, 0));
  }
  CAF_CHECK(close(sub));
}

CAF_TEST(our SUB bound for a libzmq PUB that reconnects) {
  auto sub = sub_socket();
  subscribe(sub, "A");
  subscribe(sub, sync_topic);
  auto ep = bind(sub);
  for (int round = 0; round < 3; ++round) {
    auto zpub = zsock(ctx, zmq::socket_type::pub);
    zpub.connect(ep);
    CAF_REQUIRE(await_status(sub, 1));
    CAF_REQUIRE(zsync_with(zpub, {sub}));
    CAF_REQUIRE(zpublish_numbered(zpub, "A", round * 10, round * 10 + 10));
    CAF_REQUIRE(zpublish_numbered(zpub, "B", round * 10, round * 10 + 10));
    CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}),
                    numbered("A", round * 10, round * 10 + 10));
    zpub.close();
    CAF_REQUIRE(await_status(sub, 0));
  }
  CAF_CHECK(close(sub));
}

CAF_TEST_FIXTURE_SCOPE_END()
