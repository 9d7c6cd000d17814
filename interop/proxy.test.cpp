// Our proxy actor between libzmq peers: a ROUTER/DEALER broker between
// libzmq REQ clients and REP workers, a PULL/PUSH streamer with a capture,
// pause/resume and statistics, backpressure from a backend peer that does
// not read, and an XSUB/XPUB forwarder between libzmq PUBs and SUBs.
#define CAF_SUITE interop_proxy
#include "interop_fixture.hpp"

#include <atomic>
#include <future>
#include <set>
#include <unistd.h>

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

struct proxy_fixture : fixture {
  watchdog guard{"interop_proxy test", std::chrono::seconds{60}};

  mq::socket_options fast(size_t hwm = 1000) {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.sndhwm = hwm;
    opts.rcvhwm = hwm;
    opts.linger = caf::timespan{0};
    return opts;
  }

  /// Spawns a proxy; fails the test if it is refused.
  mq::proxy_actor proxy(mq::proxy_socket frontend, mq::proxy_socket backend,
                        mq::proxy_socket capture = {},
                        uint64_t window = 1000, bool on_ring = false) {
    mq::proxy_options opts;
    opts.window = window;
    opts.on_ring = on_ring;
    auto res = mq::spawn_proxy(sys, std::move(frontend), std::move(backend),
                               std::move(capture), opts);
    if (!res)
      CAF_FAIL("spawn_proxy failed: " << sys.render(res.error()));
    return std::move(*res);
  }

  mq::proxy_stats proxy_stats(const mq::proxy_actor& p) {
    mq::proxy_stats result;
    self->request(p, timeout, mq::stats_atom::value)
      .receive([&](mq::proxy_stats& x) { result = x; },
               [&](caf::error& err) {
                 CAF_FAIL("proxy stats failed: " << sys.render(err));
               });
    return result;
  }

  /// Sends a steering verb; returns whether the proxy acknowledged it.
  template <class Atom> bool steer(const mq::proxy_actor& p, Atom verb) {
    bool result = false;
    self->request(p, timeout, verb)
      .receive([&](caf::ok_atom) { result = true; },
               [&](caf::error& err) {
                 CAF_MESSAGE("proxy verb failed: " << sys.render(err));
               });
    return result;
  }

  /// Terminates `p` and waits until it is gone.
  void terminate(const mq::proxy_actor& p) {
    self->monitor(p);
    CAF_CHECK(steer(p, mq::terminate_atom::value));
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(timeout) >> [] {});
    CAF_CHECK(down);
  }

  /// Messages waiting in `s` (all peers) for the application.
  template <class Handle> uint64_t in_queue(const Handle& s) {
    uint64_t total = 0;
    for (auto& p : stats(s).peers)
      total += p.in_queue;
    return total;
  }

  /// A fresh ipc endpoint (unix sockets buffer little in the kernel, so a
  /// stalled reader shows quickly).
  static std::string ipc_endpoint(const char* tag) {
    static int next = 0;
    return "ipc:///tmp/mq-proxy-" + std::to_string(::getpid()) + "-" + tag
           + "-" + std::to_string(next++);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(proxy_tests, proxy_fixture)

CAF_TEST(spawn_proxy refuses sockets that cannot do their part) {
  auto pull = pull_socket(fast());
  auto push = push_socket(fast());
  auto refused = [&](mq::proxy_socket f, mq::proxy_socket b,
                     mq::proxy_socket c = {}, uint64_t window = 10) {
    mq::proxy_options opts;
    opts.window = window;
    auto res = mq::spawn_proxy(sys, f, b, c, opts);
    return !res && is_errc(res.error(), mq::errc::invalid_operation);
  };
  CAF_CHECK(refused(push, pull));      // PUSH cannot receive, PULL send
  CAF_CHECK(refused(pull, pull));      // one socket twice
  CAF_CHECK(refused(pull, push, pull)); // a capture that cannot send
  CAF_CHECK(refused(pull, push, {}, 0));
  CAF_CHECK(refused({}, push));
  // Capabilities of typed handles are read from their interfaces.
  mq::proxy_socket p{pull};
  CAF_CHECK(p.receives() && !p.sends());
  mq::proxy_socket r{router_socket(fast())};
  CAF_CHECK(r.receives() && r.sends());
  CAF_CHECK(close(pull));
  CAF_CHECK(close(push));
  self->send_exit(r.handle(), caf::exit_reason::user_shutdown);
}

CAF_TEST(a ROUTER / DEALER broker between libzmq REQ clients and REP workers) {
  constexpr int clients = 4;
  constexpr int workers = 3;
  constexpr int rounds = 25;
  auto frontend = router_socket(fast());
  auto backend = dealer(fast());
  auto fep = bind(frontend);
  auto bep = bind(backend);
  auto p = proxy(frontend, backend);
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::vector<std::future<std::set<int>>> worker_threads;
  for (int w = 0; w < workers; ++w)
    worker_threads.push_back(std::async(std::launch::async, [&, w] {
      std::set<int> seen_clients;
      auto rep = zsock(ctx, zmq::socket_type::rep);
      rep.connect(bep);
      while (!stop) {
        auto req = zrecv_for(rep, 50ms);
        if (req == timed_out)
          continue;
        seen_clients.insert(std::stoi(req.at(0)));
        req.push_back("w" + std::to_string(w));
        ++served;
        if (!zsend(rep, req))
          break;
      }
      return seen_clients;
    }));
  CAF_REQUIRE(await_status(backend, workers));
  std::atomic<int> ok{0};
  std::atomic<int> bad{0};
  std::vector<std::future<void>> client_threads;
  for (int c = 0; c < clients; ++c)
    client_threads.push_back(std::async(std::launch::async, [&, c] {
      auto req = zsock(ctx, zmq::socket_type::req);
      req.connect(fep);
      for (int k = 0; k < rounds; ++k) {
        auto body = std::to_string(k);
        if (!zsend(req, {std::to_string(c), body})) {
          ++bad;
          return;
        }
        auto reply = zrecv(req);
        if (reply.size() == 3 && reply[0] == std::to_string(c)
            && reply[1] == body) {
          ++ok;
        } else {
          ++bad;
          if (reply == timed_out)
            return;
        }
      }
    }));
  for (auto& t : client_threads)
    t.get();
  stop = true;
  size_t busy_workers = 0;
  for (auto& t : worker_threads)
    if (!t.get().empty())
      ++busy_workers;
  CAF_CHECK_EQUAL(ok.load(), clients * rounds);
  CAF_CHECK_EQUAL(bad.load(), 0);
  CAF_CHECK_EQUAL(served.load(), clients * rounds);
  CAF_CHECK_EQUAL(busy_workers, static_cast<size_t>(workers)); // balanced
  auto st = proxy_stats(p);
  constexpr auto total = static_cast<uint64_t>(clients * rounds);
  CAF_CHECK_EQUAL(st.frontend.msgs_in, total);
  CAF_CHECK_EQUAL(st.backend.msgs_out, total);
  CAF_CHECK_EQUAL(st.backend.msgs_in, total);
  CAF_CHECK_EQUAL(st.frontend.msgs_out, total);
  CAF_CHECK_EQUAL(st.frontend.bytes_in, st.backend.bytes_out);
  CAF_CHECK_EQUAL(st.backend.bytes_in, st.frontend.bytes_out);
  CAF_CHECK_EQUAL(st.frontend.held + st.backend.held, 0u);
  terminate(p);
  // Terminate leaves the sockets open.
  CAF_CHECK_NOT_EQUAL(status(frontend), UINT64_MAX);
  CAF_CHECK_NOT_EQUAL(status(backend), UINT64_MAX);
  CAF_CHECK(close(frontend));
  CAF_CHECK(close(backend));
}

CAF_TEST(a PULL / PUSH streamer on a ring with a capture delivers all once) {
  constexpr int n = 500;
  auto frontend = pull_socket(fast());
  auto backend = push_socket(fast());
  auto capture = push_socket(fast());
  auto fep = bind(frontend);
  auto bep = bind(backend);
  auto cep = bind(capture);
  // Pinned to a ring (proxy_options::on_ring) like its sockets.
  auto p = proxy(frontend, backend, capture, 1000, true);
  std::vector<zmq::socket_t> outs;
  for (int i = 0; i < 2; ++i) {
    outs.push_back(zsock(ctx, zmq::socket_type::pull));
    outs.back().connect(bep);
  }
  auto tap = zsock(ctx, zmq::socket_type::pull);
  tap.connect(cep);
  auto in = zsock(ctx, zmq::socket_type::push);
  in.connect(fep);
  CAF_REQUIRE(await_status(backend, 2));
  CAF_REQUIRE(await_status(capture, 1));
  for (int i = 0; i < n; ++i)
    CAF_REQUIRE(zsend(in, {"job", std::to_string(i)}));
  std::multiset<int> got;
  std::vector<int> per_out(2, 0);
  while (got.size() < static_cast<size_t>(n)) {
    std::vector<zmq::socket_t*> socks{&outs[0], &outs[1]};
    auto i = zreadable(socks, 2000ms);
    if (i < 0)
      break;
    auto msg = zrecv(outs[static_cast<size_t>(i)]);
    CAF_REQUIRE_EQUAL(msg.size(), 2u);
    got.insert(std::stoi(msg[1]));
    ++per_out[static_cast<size_t>(i)];
  }
  CAF_CHECK_EQUAL(got.size(), static_cast<size_t>(n));
  CAF_CHECK_EQUAL(std::set<int>(got.begin(), got.end()).size(),
                  static_cast<size_t>(n));
  CAF_CHECK_GREATER(per_out[0], 0);
  CAF_CHECK_GREATER(per_out[1], 0);
  // The capture saw a copy of each, in forwarding order.
  int in_order = 0;
  for (int i = 0; i < n; ++i)
    if (zrecv(tap) == strings{"job", std::to_string(i)})
      ++in_order;
  CAF_CHECK_EQUAL(in_order, n);
  auto st = proxy_stats(p);
  CAF_CHECK_EQUAL(st.frontend.msgs_in, static_cast<uint64_t>(n));
  CAF_CHECK_EQUAL(st.backend.msgs_out, static_cast<uint64_t>(n));
  CAF_CHECK_EQUAL(st.backend.msgs_in, 0u);
  CAF_CHECK_EQUAL(st.captured, static_cast<uint64_t>(n));
  CAF_CHECK_EQUAL(st.capture_dropped, 0u);
  terminate(p);
  CAF_CHECK(close(frontend));
  CAF_CHECK(close(backend));
  CAF_CHECK(close(capture));
}

CAF_TEST(pause holds messages and resume forwards them; statistics) {
  constexpr uint64_t window = 4;
  constexpr int n = 10;
  auto frontend = pull_socket(fast());
  auto backend = push_socket(fast());
  auto fep = bind(frontend);
  auto bep = bind(backend);
  auto p = proxy(frontend, backend, {}, window);
  auto out = zsock(ctx, zmq::socket_type::pull);
  out.connect(bep);
  auto in = zsock(ctx, zmq::socket_type::push);
  in.connect(fep);
  CAF_REQUIRE(await_status(backend, 1));
  CAF_REQUIRE(await_status(frontend, 1));
  CAF_REQUIRE(zsend(in, {"before"}));
  CAF_CHECK_EQUAL(zrecv(out), strings{"before"});
  CAF_REQUIRE(steer(p, mq::pause_atom::value));
  CAF_CHECK(proxy_stats(p).paused);
  for (int i = 0; i < n; ++i)
    CAF_REQUIRE(zsend(in, {std::to_string(i)}));
  // Paused: at most a window's worth waits in the proxy, the rest in the
  // frontend socket; nothing goes out.
  CAF_CHECK(await([&] {
    return proxy_stats(p).frontend.held + in_queue(frontend)
           == static_cast<uint64_t>(n);
  }));
  auto st = proxy_stats(p);
  CAF_CHECK_LESS_OR_EQUAL(st.frontend.held, window);
  CAF_CHECK_EQUAL(st.backend.msgs_out, 1u);
  CAF_CHECK_EQUAL(zrecv_for(out, 200ms), timed_out);
  CAF_REQUIRE(steer(p, mq::resume_atom::value));
  int in_order = 0;
  for (int i = 0; i < n; ++i)
    if (zrecv(out) == strings{std::to_string(i)})
      ++in_order;
  CAF_CHECK_EQUAL(in_order, n);
  st = proxy_stats(p);
  CAF_CHECK(!st.paused);
  CAF_CHECK_EQUAL(st.frontend.msgs_in, static_cast<uint64_t>(n + 1));
  CAF_CHECK_EQUAL(st.backend.msgs_out, static_cast<uint64_t>(n + 1));
  // "before" (6 bytes) + ten one-digit numbers.
  CAF_CHECK_EQUAL(st.frontend.bytes_in, 16u);
  CAF_CHECK_EQUAL(st.backend.bytes_out, 16u);
  CAF_CHECK_EQUAL(st.frontend.held, 0u);
  CAF_CHECK_EQUAL(st.captured + st.capture_dropped, 0u);
  terminate(p);
  CAF_CHECK(close(frontend));
  CAF_CHECK(close(backend));
}

CAF_TEST(a backend peer that does not read stops the proxy taking) {
  constexpr int n = 400;
  constexpr uint64_t window = 16;
  constexpr size_t hwm = 10;
  auto frontend = pull_socket(fast(hwm));
  auto backend = push_socket(fast(hwm));
  auto fep = bind(frontend, ipc_endpoint("in"));
  auto bep = bind(backend, ipc_endpoint("out"));
  auto p = proxy(frontend, backend, {}, window);
  auto out = zsock(ctx, zmq::socket_type::pull);
  out.set(zmq::sockopt::rcvhwm, static_cast<int>(hwm));
  out.connect(bep);
  CAF_REQUIRE(await_status(backend, 1));
  auto sender = std::async(std::launch::async, [&] {
    auto in = zsock(ctx, zmq::socket_type::push);
    in.set(zmq::sockopt::sndhwm, static_cast<int>(hwm));
    in.set(zmq::sockopt::sndtimeo, 30000);
    in.set(zmq::sockopt::linger, 30000); // the last ones are still queued
    in.connect(fep);
    for (int i = 0; i < n; ++i)
      if (!zsend(in, {std::to_string(i), pattern(16 * 1024, i)}))
        return i;
    return n;
  });
  // The proxy takes messages until every buffer on the way is full, then
  // stops: its count stands still, far below n.
  uint64_t last = UINT64_MAX;
  int still = 0;
  for (int i = 0; i < 100 && still < 4; ++i) {
    std::this_thread::sleep_for(100ms);
    auto now = proxy_stats(p).frontend.msgs_in;
    still = now == last ? still + 1 : 0;
    last = now;
  }
  CAF_CHECK_EQUAL(still, 4);
  CAF_CHECK_LESS(last, static_cast<uint64_t>(n) / 2);
  auto st = proxy_stats(p);
  CAF_CHECK_LESS_OR_EQUAL(st.frontend.held, window);
  CAF_CHECK_GREATER(in_queue(frontend), 0u); // waits in the socket
  CAF_CHECK(sender.wait_for(0ms) == std::future_status::timeout);
  CAF_MESSAGE("stalled after " << last << " messages taken, "
                               << in_queue(frontend)
                               << " waiting in the frontend");
  // Once the peer reads, everything arrives, in order and intact.
  int good = 0;
  for (int i = 0; i < n; ++i) {
    auto msg = zrecv(out);
    if (msg == timed_out)
      break;
    if (msg == strings{std::to_string(i), pattern(16 * 1024, i)})
      ++good;
  }
  CAF_CHECK_EQUAL(good, n);
  CAF_CHECK_EQUAL(sender.get(), n);
  CAF_CHECK_EQUAL(proxy_stats(p).backend.msgs_out, static_cast<uint64_t>(n));
  terminate(p);
  CAF_CHECK(close(frontend));
  CAF_CHECK(close(backend));
}

CAF_TEST(the proxy stops when its frontend closes) {
  auto frontend = pull_socket(fast());
  auto backend = push_socket(fast());
  auto p = proxy(frontend, backend);
  self->monitor(p);
  CAF_CHECK(close(frontend));
  bool down = false;
  self->receive([&](caf::down_msg& dm) { down = !dm.reason; },
                caf::after(timeout) >> [] {});
  CAF_CHECK(down);
  CAF_CHECK(close(backend));
}

CAF_TEST(an XSUB / XPUB forwarder between libzmq PUBs and SUBs) {
  auto frontend = mq::spawn_xsub(sys, fast());
  auto backend = mq::spawn_xpub(sys, fast());
  auto fep = bind(frontend);
  auto bep = bind(backend);
  auto p = proxy(frontend, backend);
  // Publishers: a libzmq XPUB, which shows what subscriptions reach it,
  // and a plain PUB.
  auto zx = zsock(ctx, zmq::socket_type::xpub);
  zx.connect(fep);
  auto zp = zsock(ctx, zmq::socket_type::pub);
  zp.connect(fep);
  CAF_REQUIRE(await_status(frontend, 2));
  auto sa = zsock(ctx, zmq::socket_type::sub);
  sa.set(zmq::sockopt::subscribe, "A");
  sa.connect(bep);
  auto sb = zsock(ctx, zmq::socket_type::sub);
  sb.set(zmq::sockopt::subscribe, "B");
  sb.connect(bep);
  // Subscriptions flow upstream.
  std::set<string> subs;
  for (int i = 0; i < 2; ++i) {
    auto msg = zrecv(zx);
    if (msg == timed_out)
      break;
    subs.insert(msg.at(0));
  }
  CAF_CHECK_EQUAL(subs, (std::set<string>{"\x01" "A", "\x01" "B"}));
  // Messages flow downstream, each to its subscribers only.
  for (auto& m : {strings{"A1"}, strings{"B1"}, strings{"C1"},
                  strings{"A2", "more"}})
    CAF_REQUIRE(zsend(zx, m));
  CAF_CHECK_EQUAL(zrecv(sa), strings{"A1"});
  CAF_CHECK_EQUAL(zrecv(sa), (strings{"A2", "more"}));
  CAF_CHECK_EQUAL(zrecv(sb), strings{"B1"});
  CAF_CHECK_EQUAL(zrecv_for(sb, 100ms), timed_out);
  // The plain PUB has the subscriptions as well.
  CAF_CHECK(await([&] {
    zsend(zp, {"Ap"});
    zsend(zp, {"Cp"});
    return zrecv_for(sa, 20ms) == strings{"Ap"};
  }));
  CAF_CHECK_EQUAL(zrecv_for(sb, 100ms), timed_out);
  // A subscriber that leaves cancels its subscription upstream.
  sb.close();
  CAF_CHECK_EQUAL(zrecv(zx), (strings{string{"\0B", 2}}));
  auto st = proxy_stats(p);
  CAF_CHECK_EQUAL(st.backend.msgs_in, 3u); // two subscribes, one cancel
  CAF_CHECK_EQUAL(st.frontend.msgs_out, 3u);
  CAF_CHECK_GREATER_OR_EQUAL(st.frontend.msgs_in, 4u);
  CAF_CHECK_EQUAL(st.frontend.msgs_in, st.backend.msgs_out);
  terminate(p);
  CAF_CHECK(close(frontend));
  CAF_CHECK(close(backend));
}

CAF_TEST_FIXTURE_SCOPE_END()
