// Closing and shutting down with live connections, and bad input on a
// bound socket: (a) close flushes acknowledged messages (linger), (b) an
// actor system with open connections goes away, (c) garbage, silent and
// oversized peers are dropped without disturbing a good peer.
//
// No case asserts how long something took (load changes that, and it is
// the benchmarks' business): each wait is bounded (a request's timeout or a
// watchdog), and where a time is the behaviour (a linger) only the side a
// loaded machine cannot break is checked, with a comment saying why.
#define CAF_SUITE interop_linger_shutdown
#include "interop_fixture.hpp"

#include <future>
#include <memory>

using namespace interop;
using strings = std::vector<std::string>;
using std::chrono::steady_clock;

namespace {

/// Asks `d` to close from a thread of its own; the future says whether the
/// close was acknowledged within `limit`.
std::future<bool> async_close(caf::actor_system& sys, mq::dealer_actor d,
                              caf::timespan limit) {
  return std::async(std::launch::async, [&sys, d, limit] {
    client c{sys};
    return c.close(d, limit);
  });
}

/// A ZMTP 3.1 NULL greeting (as client).
std::string greeting31() { return greeting(1, false); }

/// READY as a DEALER.
std::string ready_dealer() { return ready({{"Socket-Type", "DEALER"}}); }

struct linger_fixture : fixture {
  /// Messages handed to the one connection of `d` that it has not reported
  /// written to the kernel yet (`peer_stats::out_queue`).
  uint64_t out_queue(const mq::dealer_actor& d) {
    auto st = stats(d);
    CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
    return st.peers.front().out_queue;
  }

  /// One message each way between our dealer and a libzmq DEALER.
  void ping_pong(const mq::dealer_actor& d, zmq::socket_t& peer,
                 const std::string& tag) {
    send(d, mp({"ping", tag}));
    CAF_CHECK_EQUAL(zrecv(peer), (strings{"ping", tag}));
    CAF_REQUIRE(zsend(peer, {"pong", tag}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"pong", tag}));
  }

  /// Expects our side to close `sock` (EOF or reset) within `timeout`.
  void expect_dropped(raw_tcp& sock) {
    auto res = sock.drain_until_eof();
    if (res != raw_tcp::eof_result::closed)
      CAF_MESSAGE(
          "not dropped: " << (res == raw_tcp::eof_result::timeout
                                  ? std::string{"timeout"}
                                  : std::string{"error: "} +
                                        std::strerror(sock.last_errno())));
    CAF_CHECK(res == raw_tcp::eof_result::closed);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(linger_shutdown_tests, linger_fixture)

// -- (a) close with linger ----------------------------------------------------

CAF_TEST(close delivers every acknowledged message) {
  constexpr int n = 1000;
  auto router = zsock(ctx, zmq::socket_type::router);
  // A small RCVHWM and receive buffer make libzmq stop reading soon, so
  // most of the 64 MiB still sit in our queues when we ask to close.
  router.set(zmq::sockopt::rcvhwm, 10);
  router.set(zmq::sockopt::rcvbuf, 65536);
  auto ep = zbind(router);
  auto opts = defaults();
  opts.identity = "lingerer";
  opts.sndhwm = n; // all n are acknowledged while the peer does not read
  auto d = dealer(opts); // linger: -1 (until everything is written)
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  auto payload = pattern(64 * 1024, 5);
  for (int i = 0; i < n; ++i)
    send(d, mp({std::to_string(i), payload}));
  // Linger is exercised: messages not yet written to the kernel are there
  // when the close comes, so the close must wait for the peer to deliver
  // all n. The connection reports what it wrote in batches of SNDHWM / 4
  // (at most two of them not yet counted), so more than n / 2 unwritten
  // in the stats means some really were (the kernel buffers hold a few
  // MiB: about 950 of the 1000 are stuck).
  auto unwritten = out_queue(d);
  CAF_MESSAGE(unwritten << " of " << n << " messages unwritten at the close");
  CAF_CHECK_GREATER(unwritten, static_cast<uint64_t>(n / 2));
  auto closed = async_close(sys, d, std::chrono::seconds{20});
  int received = 0;
  int bad = 0;
  for (int i = 0; i < n; ++i) {
    auto msg = zrecv(router);
    if (msg == timed_out)
      break;
    ++received;
    if (msg.size() != 3 || msg[0] != "lingerer" ||
        msg[1] != std::to_string(i) || msg[2] != payload)
      ++bad;
  }
  CAF_CHECK_EQUAL(received, n);
  CAF_CHECK_EQUAL(bad, 0);
  CAF_REQUIRE(closed.wait_for(timeout) == std::future_status::ready);
  CAF_CHECK(closed.get());
  // The dealer is gone after its close: requests fail at once.
  CAF_CHECK_EQUAL(status(d), UINT64_MAX);
}

CAF_TEST(close returns after linger when the peer stops reading) {
  constexpr int n = 1000;
  constexpr auto linger = std::chrono::milliseconds{200};
  auto router = zsock(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::rcvhwm, 1);
  router.set(zmq::sockopt::rcvbuf, 65536);
  auto ep = zbind(router);
  auto opts = defaults();
  opts.linger = linger;
  opts.sndhwm = n;
  auto d = dealer(opts);
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  // 64 MiB: more than the kernel buffers of a loopback connection hold.
  auto payload = pattern(64 * 1024, 6);
  for (int i = 0; i < n; ++i)
    send(d, mp({payload}));
  // The linger has work (see the case above for the n / 2).
  CAF_CHECK_GREATER(out_queue(d), static_cast<uint64_t>(n / 2));
  // The peer never reads: with the linger ignored (-1) the close would
  // never be acknowledged, so its acknowledgement within the request's
  // bound (`timeout`, 25 times the linger) shows that the linger gave up.
  auto t0 = steady_clock::now();
  CAF_CHECK(close(d));
  auto elapsed = steady_clock::now() - t0;
  CAF_MESSAGE(
      "close took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
      << " ms");
  // The linger is a time, and here it is the behaviour: the close may not
  // give up on the unwritten messages before it passed. Only that side is
  // checked (a loaded machine makes a close later, never earlier); the
  // margin allows for timer granularity.
  CAF_CHECK_GREATER_OR_EQUAL(elapsed, linger * 3 / 4);
}

CAF_TEST(close with linger while the peer is away) {
  // Queued messages for a peer that is down: close gives up after linger,
  // and stops reconnecting.
  auto ep = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(ep, "");
  auto opts = defaults();
  opts.linger = std::chrono::milliseconds{100};
  opts.reconnect_ivl = std::chrono::milliseconds{20};
  auto d = dealer(opts);
  connect(d, ep);
  for (int i = 0; i < 5; ++i)
    send(d, mp({"never"}));
  // With no peer the messages can never be written: only the linger ends
  // the close (bounded by the request's `timeout`, 50 times the linger).
  CAF_CHECK(close(d));
  // Nobody connects to a ROUTER that shows up now.
  auto router = zsock(ctx, zmq::socket_type::router);
  router.bind(ep);
  router.set(zmq::sockopt::rcvtimeo, 300);
  CAF_CHECK_EQUAL(zrecv(router), timed_out);
}

// -- (b) shutdown with open connections ---------------------------------------

CAF_TEST(actor system with open connections shuts down) {
  auto router = zsock(ctx, zmq::socket_type::router);
  auto router_ep = zbind(router);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  steady_clock::duration elapsed{};
  {
    auto sys2 = std::make_unique<system_holder>();
    {
      client c{sys2->sys};
      auto opts = c.defaults();
      opts.identity = "short-lived";
      auto connecting = c.dealer(opts);
      c.connect(connecting, router_ep);
      auto bound = c.dealer(c.defaults());
      auto bound_ep = c.bind(bound);
      peer.connect(bound_ep);
      CAF_REQUIRE(c.await_status(connecting, 1));
      CAF_REQUIRE(c.await_status(bound, 1));
      // Traffic in both directions, and some left unread on every side.
      c.send(connecting, mp({"to-router"}));
      CAF_CHECK_EQUAL(zrecv(router), (strings{"short-lived", "to-router"}));
      c.send(bound, mp({"to-peer"}));
      CAF_CHECK_EQUAL(zrecv(peer), (strings{"to-peer"}));
      CAF_REQUIRE(zsend(router, {"short-lived", "unread-1"}));
      CAF_REQUIRE(zsend(peer, {"unread-2"}));
      c.send(connecting, mp({"unread-3"}));
      c.send(bound, mp({"unread-4"}));
      std::this_thread::sleep_for(50ms);
    } // drops both handles and the scoped_actor
    // On this thread: see `watchdog` for why not on a helper thread. The
    // watchdog is the bound: a shutdown held by an open connection aborts.
    watchdog guard{"~actor_system (open connections)",
                   std::chrono::seconds{10}};
    auto t0 = steady_clock::now();
    sys2.reset();
    elapsed = steady_clock::now() - t0;
  }
  CAF_MESSAGE(
      "~actor_system took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
      << " ms");
}

namespace {

/// Connects a dealer with `linger` to a libzmq ROUTER that stopped reading,
/// queues 32 MiB, drops every handle and returns how long ~actor_system took.
steady_clock::duration shutdown_with_stalled_peer(zmq::context_t& ctx,
                                                  caf::timespan linger) {
  auto router = zsock(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::rcvhwm, 1);
  auto router_ep = zbind(router);
  auto sys2 = std::make_unique<system_holder>();
  {
    client c{sys2->sys};
    auto opts = c.defaults();
    opts.linger = linger;
    auto d = c.dealer(opts);
    c.connect(d, router_ep);
    CAF_REQUIRE(c.await_status(d, 1));
    auto payload = pattern(64 * 1024, 7);
    for (int i = 0; i < 500; ++i)
      c.send(d, mp({payload}));
  }
  // On this thread: see `watchdog` for why not on a helper thread.
  watchdog guard{"~actor_system (a connection cannot flush)",
                 std::chrono::seconds{10}};
  auto t0 = steady_clock::now();
  sys2.reset();
  return steady_clock::now() - t0;
}

} // namespace

CAF_TEST(actor system with a stalled peer shuts down after linger) {
  // A peer stopped reading and our side still has megabytes to write: the
  // shutdown waits for the socket's linger (100 ms), not for the peer. The
  // peer never reads, so without the linger the shutdown would never end:
  // the watchdog (10 s, 100 times the linger) aborts then. How long the
  // shutdown took is not asserted, only printed.
  auto elapsed =
      shutdown_with_stalled_peer(ctx, std::chrono::milliseconds{100});
  CAF_MESSAGE(
      "~actor_system took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
      << " ms");
}

// Disabled (run it with -t): with the default linger (-1, as in libzmq) the
// connection never finishes flushing to a peer that does not read, so
// ~actor_system blocks for good, the way zmq_ctx_term does with linger -1.
// The watchdog aborts after 10 s. Reported to the lead as a design hazard:
// nothing caps the linger once the system shuts down.
// With the default linger of -1 and a peer that never reads, the system waits
// for the flush forever, exactly like libzmq's zmq_ctx_term: acknowledged
// messages are never dropped silently. Set a linger to bound shutdown (the
// test above shows it is then honoured).

CAF_TEST(destroying a system does not interrupt its creator thread) {
  // The thread that created (and destroys) an actor system must not get
  // spurious EINTRs afterwards. io_uring sends a TWA_SIGNAL task_work to
  // the task that *created* a ring when the ring is torn down, which
  // interrupts that task's next blocking call (a socket call with a timeout
  // then fails with EINTR instead of restarting).
  { system_holder sys2; }
  int sv[2];
  CAF_REQUIRE_EQUAL(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    0);
  timeval tv{0, 300 * 1000};
  ::setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char c = 0;
  auto n = ::recv(sv[0], &c, 1, 0);
  auto err = errno;
  ::close(sv[0]);
  ::close(sv[1]);
  CAF_CHECK_EQUAL(n, -1);
  CAF_CHECK_EQUAL(std::string{std::strerror(err)},
                  std::string{std::strerror(EAGAIN)});
}

// -- (c) bad input ------------------------------------------------------------

CAF_TEST(an HTTP client is dropped and a libzmq peer keeps working) {
  auto d = dealer();
  auto ep = bind(d);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  ping_pong(d, peer, "before");
  auto http = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(http.valid());
  CAF_REQUIRE(http.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  expect_dropped(http);
  CAF_CHECK_EQUAL(status(d), 1u);
  ping_pong(d, peer, "after");
  CAF_CHECK(close(d));
}

CAF_TEST(bad frames after a valid handshake are dropped) {
  auto d = dealer();
  auto ep = bind(d);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  // Reserved flag bits set in a message frame.
  auto bad = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(bad.valid());
  CAF_REQUIRE(bad.write(greeting31() + ready_dealer()));
  CAF_REQUIRE(await_status(d, 2));
  CAF_REQUIRE(bad.write(std::string{'\xF0', '\x03', 'a', 'b', 'c'}));
  expect_dropped(bad);
  CAF_CHECK(await_status(d, 1));
  // An incompatible socket type (PUB cannot talk to DEALER).
  auto pub = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(pub.valid());
  auto rdy = ready({{"Socket-Type", "PUB"}});
  CAF_REQUIRE(pub.write(greeting31() + rdy));
  expect_dropped(pub);
  CAF_CHECK_EQUAL(status(d), 1u);
  ping_pong(d, peer, "still-alive");
  CAF_CHECK(close(d));
}

CAF_TEST(silent and oversized peers are dropped) {
  auto opts = defaults();
  opts.handshake_timeout = std::chrono::milliseconds{300};
  opts.max_message_size = 1024;
  auto d = dealer(opts);
  auto ep = bind(d);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  // A client that connects and never says anything: only the handshake
  // timeout drops it (the wait for the drop is bounded by `timeout`, 16
  // times the handshake timeout; how long it took is not asserted).
  auto silent = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(silent.valid());
  expect_dropped(silent);
  // A peer announcing a frame above max_message_size.
  auto big = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(big.valid());
  CAF_REQUIRE(big.write(greeting31() + ready_dealer()));
  std::string hdr("\x02\0\0\0\0\0\x10\0\0", 9); // 1 MiB, long form
  CAF_REQUIRE(big.write(hdr + std::string(4096, 'x')));
  expect_dropped(big);
  CAF_CHECK(await_status(d, 1)); // the raw peer may see the close first
  ping_pong(d, peer, "survivor");
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
