// Our connecting DEALER survives its peer going away: a libzmq ROUTER on a
// fixed port is closed and re-created while we are connected.
#define CAF_SUITE interop_reconnect
#include "interop_fixture.hpp"

#include <future>

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct reconnect_fixture : fixture {
  /// Binds a new ROUTER to `ep`, retrying while the old socket's port is
  /// still being released by libzmq's I/O thread.
  zmq::socket_t router_on(const std::string& ep) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto router = zsock(ctx, zmq::socket_type::router);
      router.set(zmq::sockopt::router_mandatory, 1);
      try {
        router.bind(ep);
        return router;
      } catch (const zmq::error_t& ex) {
        if (ex.num() != EADDRINUSE ||
            std::chrono::steady_clock::now() >= deadline)
          CAF_FAIL("cannot re-bind " << ep << ": " << ex.what());
      }
      std::this_thread::sleep_for(10ms);
    }
  }

  mq::socket_options fast_reconnect(size_t sndhwm = 1000) {
    auto opts = defaults();
    opts.identity = "rc";
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.sndhwm = sndhwm;
    return opts;
  }

  /// One message each way.
  void ping_pong(const mq::dealer_actor& d, zmq::socket_t& router,
                 const std::string& tag) {
    send(d, mp({"ping", tag}));
    CAF_CHECK_EQUAL(zrecv(router), (strings{"rc", "ping", tag}));
    CAF_REQUIRE(zsend(router, {"rc", "pong", tag}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"pong", tag}));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(reconnect_tests, reconnect_fixture)

CAF_TEST(dealer reconnects after the ROUTER restarts) {
  auto router = router_on("tcp://127.0.0.1:*");
  auto ep = router.get(zmq::sockopt::last_endpoint);
  auto d = dealer(fast_reconnect());
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  ping_pong(d, router, "first");
  // Three restarts in a row: the dealer must come back every time.
  for (int round = 0; round < 3; ++round) {
    CAF_MESSAGE("restart #" << round);
    router.close();
    CAF_REQUIRE(await_status(d, 0));
    router = router_on(ep);
    CAF_REQUIRE(await_status(d, 1));
    ping_pong(d, router, "round-" + std::to_string(round));
  }
  CAF_CHECK(close(d));
}

CAF_TEST(messages sent while disconnected wait up to SNDHWM) {
  constexpr size_t hwm = 10;
  auto router = router_on("tcp://127.0.0.1:*");
  auto ep = router.get(zmq::sockopt::last_endpoint);
  auto d = dealer(fast_reconnect(hwm));
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  ping_pong(d, router, "before");
  router.close();
  CAF_REQUIRE(await_status(d, 0));
  // No peer: SNDHWM messages are acknowledged and wait...
  for (size_t i = 0; i < hwm; ++i)
    send(d, mp({"queued", std::to_string(i)}));
  // ... and the next one is not acknowledged (backpressure), until the peer
  // is back. Ask from another thread so we can watch the acknowledgement.
  auto blocked = std::async(std::launch::async, [&] {
    caf::scoped_actor other{sys};
    bool acked = false;
    other
        ->request(d, std::chrono::seconds{10}, mq::send_atom::value,
                  mp({"queued", std::to_string(hwm)}))
        .receive([&](caf::ok_atom) { acked = true; }, [](caf::error&) {});
    return acked;
  });
  CAF_CHECK(blocked.wait_for(300ms) == std::future_status::timeout);
  router = router_on(ep);
  CAF_REQUIRE(await_status(d, 1));
  CAF_REQUIRE(blocked.wait_for(timeout) == std::future_status::ready);
  CAF_CHECK(blocked.get());
  // Everything queued arrives, in order, after the reconnect.
  size_t bad = 0;
  for (size_t i = 0; i <= hwm; ++i) {
    auto got = zrecv(router);
    if (got != strings{"rc", "queued", std::to_string(i)}) {
      CAF_MESSAGE("message " << i << ": " << caf::deep_to_string(got));
      ++bad;
    }
  }
  CAF_CHECK_EQUAL(bad, 0u);
  ping_pong(d, router, "after");
  CAF_CHECK(close(d));
}

CAF_TEST(dealer connects to a ROUTER that starts later) {
  // Reserve a port, release it, then connect before anybody listens.
  auto ep = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep, "");
  auto d = dealer(fast_reconnect());
  connect(d, ep);
  send(d, mp({"early"}));
  // A few attempts fail first (nobody listens yet).
  CAF_REQUIRE(await([&] {
    auto st = stats(d);
    return st.connecting.size() == 1 && st.connecting.front().attempts >= 2;
  }));
  CAF_CHECK_EQUAL(status(d), 0u);
  auto router = router_on(ep);
  CAF_REQUIRE(await_status(d, 1));
  CAF_CHECK_EQUAL(zrecv(router), (strings{"rc", "early"}));
  ping_pong(d, router, "late");
  CAF_CHECK(close(d));
}

CAF_TEST(bound dealer serves a peer that comes back) {
  // The other direction: we bind, a libzmq DEALER goes away and a new one
  // connects; what we queued meanwhile goes to the newcomer.
  auto d = dealer(fast_reconnect());
  auto ep = bind(d);
  {
    auto peer = zsock(ctx, zmq::socket_type::dealer);
    peer.connect(ep);
    CAF_REQUIRE(await_status(d, 1));
    send(d, mp({"one"}));
    CAF_CHECK_EQUAL(zrecv(peer), (strings{"one"}));
  }
  CAF_REQUIRE(await_status(d, 0));
  send(d, mp({"queued"}));
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  CAF_CHECK_EQUAL(zrecv(peer), (strings{"queued"}));
  CAF_REQUIRE(zsend(peer, {"back"}));
  CAF_CHECK_EQUAL(recv_strs(d), (strings{"back"}));
  CAF_CHECK(close(d));
}

CAF_TEST(heartbeat timeout drops a silent peer and the dealer reconnects) {
  // A peer that completes the handshake and then neither reads nor writes
  // (a hung process, or a cable pulled: no FIN ever arrives). Heartbeats
  // must detect it; the dealer then reconnects to the same endpoint.
  uint16_t port = 0;
  auto listener = raw_tcp::listen(port);
  CAF_REQUIRE(listener.valid());
  auto opts = fast_reconnect();
  opts.heartbeat_ivl = std::chrono::milliseconds{50};
  opts.heartbeat_timeout = std::chrono::milliseconds{200};
  auto d = dealer(opts);
  connect(d, "tcp://127.0.0.1:" + std::to_string(port));
  auto first = listener.accept();
  CAF_REQUIRE(first.valid());
  CAF_REQUIRE(
      first.write(greeting(1, true) + ready({{"Socket-Type", "ROUTER"}})));
  CAF_REQUIRE(await_status(d, 1));
  // Now silence. The peer never closes, so only the heartbeat timeout ends
  // the connection, and the dealer then connects again. The heartbeat
  // timeout is the behaviour here, a time: the wait for the second
  // connection is bounded by the listener's receive timeout (`timeout`, 25
  // times the heartbeat timeout), and how long it took is printed, not
  // asserted.
  auto t0 = std::chrono::steady_clock::now();
  auto second = listener.accept();
  CAF_REQUIRE(second.valid());
  auto took = std::chrono::steady_clock::now() - t0;
  CAF_MESSAGE(
      "reconnected after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms");
  CAF_CHECK_EQUAL(status(d), 0u);
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
