// More than one ring (`monocoque.io-threads`): 2 by default, or
// $MONOCOQUE_TEST_IO_THREADS (CTest runs it as `multi_ring` with 2 rings and
// as `rings3.multi_ring` with 3). Asserts that the connections of one
// socket, bound or connecting, spread over every ring (`peer_stats::ring`,
// reported by each connection from the thread it runs on); that a ROUTER
// routes between peers on different rings and a PUB fans out to SUBs on
// different rings; that each connection runs on its ring's thread and the
// socket itself on a ring thread; and that destroying the actor system while
// every ring has traffic in flight both ways completes, bounded, and leaves
// no thread or descriptor behind.
#define CAF_SUITE multi_ring
#include "interop_fixture.hpp"

#include <algorithm>
#include <dirent.h>
#include <functional>
#include <map>
#include <memory>
#include <set>

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

/// Rings of the systems of this suite: $MONOCOQUE_TEST_IO_THREADS, else 2.
size_t rings_wanted() {
  return test_io_threads(2);
}

/// A module config with `rings_wanted()` rings and `linger`.
struct rings_config : mq::config {
  explicit rings_config(caf::timespan linger = caf::timespan{-1}) {
    load<mq::module>();
    use_test_io_threads(*this, 2);
    caf::put(content, "monocoque.linger", linger);
  }
};

struct rings_holder {
  rings_config cfg;
  caf::actor_system sys;

  explicit rings_holder(caf::timespan linger = caf::timespan{-1})
    : cfg(linger), sys(cfg) {
    // nop
  }
};

/// Number of entries of a /proc/self directory (threads, descriptors).
size_t count_entries(const char* dir) {
  size_t n = 0;
  if (auto* d = opendir(dir)) {
    while (auto* e = readdir(d))
      if (e->d_name[0] != '.')
        ++n;
    closedir(d);
  }
  return n;
}

struct rings_fixture : rings_holder, client {
  zmq::context_t ctx;
  /// Thread id hash of each ring, by ring index.
  std::vector<uint64_t> ring_threads;

  rings_fixture() : client(rings_holder::sys) {
    auto* mod = mq::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    CAF_REQUIRE_EQUAL(mod->status(), caf::none);
    for (auto id : mod->ring_threads())
      ring_threads.push_back(std::hash<std::thread::id>{}(id));
    CAF_REQUIRE_EQUAL(ring_threads.size(), rings_wanted());
    CAF_REQUIRE_GREATER_OR_EQUAL(ring_threads.size(), 2u);
  }

  size_t rings() const {
    return ring_threads.size();
  }

  /// The peers of `hdl` that are up.
  template <class Handle>
  std::vector<mq::peer_stats> up_peers(const Handle& hdl) {
    std::vector<mq::peer_stats> result;
    for (auto& p : stats(hdl).peers)
      if (p.up)
        result.push_back(p);
    return result;
  }

  /// Peers per ring index; fails the test for a peer that reports no ring
  /// (its connection ran on a thread that is no ring's) or a ring out of
  /// range.
  std::vector<size_t> per_ring(const std::vector<mq::peer_stats>& peers) {
    std::vector<size_t> result(rings(), 0);
    for (auto& p : peers) {
      CAF_CHECK_GREATER_OR_EQUAL(p.ring, 0);
      CAF_CHECK_LESS(p.ring, static_cast<int32_t>(rings()));
      if (p.ring >= 0 && p.ring < static_cast<int32_t>(rings()))
        ++result[static_cast<size_t>(p.ring)];
    }
    return result;
  }

  /// Checks that `peers` cover every ring, evenly (counts differ by at most
  /// one: a socket's connections take the rings in turn).
  void check_spread(const std::vector<mq::peer_stats>& peers,
                    const char* what) {
    auto counts = per_ring(peers);
    std::string text;
    for (auto n : counts)
      text += std::to_string(n) + " ";
    CAF_MESSAGE(what << ": peers per ring: " << text);
    auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    CAF_CHECK_GREATER(*lo, 0u);
    CAF_CHECK_LESS_OR_EQUAL(*hi - *lo, 1u);
  }

  /// Whether `hashed` is the thread of one of the rings.
  bool on_a_ring(uint64_t hashed) const {
    return std::find(ring_threads.begin(), ring_threads.end(), hashed)
           != ring_threads.end();
  }

  /// Connects a libzmq socket of `type` to `ep`, identity `id`.
  zmq::socket_t zconnect(zmq::socket_type type, const string& ep,
                         const string& id = "") {
    auto s = zsock(ctx, type);
    if (!id.empty())
      s.set(zmq::sockopt::routing_id, id);
    s.connect(ep);
    return s;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(multi_ring_tests, rings_fixture)

CAF_TEST(the connections of one socket spread over every ring) {
  // A bound ROUTER: 2 connections per ring, accepted one after the other.
  auto r = router_socket();
  auto ep = bind(r);
  std::vector<zmq::socket_t> dealers;
  for (size_t i = 0; i < 2 * rings(); ++i)
    dealers.push_back(zconnect(zmq::socket_type::dealer, ep,
                               "d" + std::to_string(i)));
  CAF_REQUIRE(await_status(r, dealers.size()));
  check_spread(up_peers(r), "bound ROUTER");
  // A connecting DEALER: one connect per libzmq ROUTER. Each connect takes
  // one ring (a check of the backend that took one too put every connect
  // of a socket on the same ring with 2 rings).
  std::vector<zmq::socket_t> routers;
  auto d = dealer();
  for (size_t i = 0; i < 2 * rings(); ++i) {
    routers.push_back(zsock(ctx, zmq::socket_type::router));
    connect(d, zbind(routers.back()));
  }
  CAF_REQUIRE(await_status(d, routers.size()));
  check_spread(up_peers(d), "connecting DEALER");
  // Other sockets picking rings in between do not break a socket's turn:
  // our own DEALERs, each picking rings for itself, connect to one ROUTER.
  auto r2 = router_socket();
  auto ep2 = bind(r2);
  std::vector<mq::dealer_actor> ours;
  for (size_t i = 0; i < 2 * rings(); ++i) {
    ours.push_back(dealer());
    connect(ours.back(), ep2);
    CAF_REQUIRE(await_status(r2, i + 1));
  }
  check_spread(up_peers(r2), "ROUTER with our DEALERs");
  for (auto& x : ours)
    close(x);
  close(d);
  close(r2);
  close(r);
}

CAF_TEST(a ROUTER routes between peers on different rings) {
  // Our DEALERs (identities d0, d1, ...) talk to each other through our
  // ROUTER: the test forwards [from, to, body] as [to, from, body].
  auto r = router_socket();
  auto ep = bind(r);
  std::vector<mq::dealer_actor> ds;
  for (size_t i = 0; i < 2 * rings(); ++i) {
    auto opts = defaults();
    opts.identity = "d" + std::to_string(i);
    ds.push_back(dealer(opts));
    connect(ds.back(), ep);
  }
  CAF_REQUIRE(await_status(r, ds.size()));
  std::map<string, int32_t> ring_of;
  for (auto& p : up_peers(r))
    ring_of[p.routing_id] = p.ring;
  CAF_REQUIRE_EQUAL(ring_of.size(), ds.size());
  size_t cross = 0;
  for (size_t a = 0; a < ds.size(); ++a) {
    for (size_t b = 0; b < ds.size(); ++b) {
      if (a == b)
        continue;
      auto from = "d" + std::to_string(a);
      auto to = "d" + std::to_string(b);
      if (ring_of[from] == ring_of[to])
        continue;
      ++cross;
      auto body = from + ">" + to;
      send(ds[a], mp({to, body}));
      auto got = recv_strs(r);
      CAF_REQUIRE_EQUAL(got, (strings{from, to, body}));
      send(r, mp({to, from, body}));
      CAF_CHECK_EQUAL(recv_strs(ds[b]), (strings{from, body}));
    }
  }
  // With every ring used, most ordered pairs cross rings.
  CAF_MESSAGE(cross << " ordered pairs on different rings");
  CAF_CHECK_GREATER_OR_EQUAL(cross, ds.size() * (ds.size() - 2));
  for (auto& x : ds)
    close(x);
  close(r);
}

CAF_TEST(a PUB fans out to SUBs on different rings) {
  auto pub = mq::spawn_pub(sys, defaults());
  auto ep = bind(pub);
  std::vector<zmq::socket_t> subs;
  for (size_t i = 0; i < 2 * rings(); ++i) {
    subs.push_back(zconnect(zmq::socket_type::sub, ep));
    subs.back().set(zmq::sockopt::subscribe, "all");
    subs.back().set(zmq::sockopt::subscribe, "only" + std::to_string(i) + ":");
  }
  // Every SUB is up with both of its subscriptions.
  CAF_REQUIRE(await([&] {
    auto peers = up_peers(pub);
    return peers.size() == subs.size()
           && std::all_of(peers.begin(), peers.end(),
                          [](auto& p) { return p.subscriptions == 2; });
  }));
  check_spread(up_peers(pub), "PUB");
  constexpr int n = 50;
  for (int k = 0; k < n; ++k)
    send(pub, mp({"all", std::to_string(k)}));
  for (size_t i = 0; i < subs.size(); ++i)
    send(pub, mp({"only" + std::to_string(i) + ":", "x"}));
  for (size_t i = 0; i < subs.size(); ++i) {
    for (int k = 0; k < n; ++k)
      CAF_CHECK_EQUAL(zrecv(subs[i]), (strings{"all", std::to_string(k)}));
    CAF_CHECK_EQUAL(zrecv(subs[i]),
                    (strings{"only" + std::to_string(i) + ":", "x"}));
  }
  // Each SUB was sent its own messages and no other's.
  for (auto& p : up_peers(pub))
    CAF_CHECK_EQUAL(p.msgs_out, n + 1u);
  close(pub);
}

CAF_TEST(each connection runs on its ring and each socket on a ring) {
  // A PULL with our PUSHes: both ends of every connection are ours.
  auto pull = pull_socket();
  auto ep = bind(pull);
  std::vector<mq::push_actor> pushes;
  for (size_t i = 0; i < 2 * rings(); ++i) {
    pushes.push_back(push_socket());
    connect(pushes.back(), ep);
    send(pushes.back(), mp({std::to_string(i)}));
  }
  std::set<string> got;
  for (size_t i = 0; i < pushes.size(); ++i) {
    auto msg = recv_strs(pull);
    CAF_REQUIRE_EQUAL(msg.size(), 1u);
    got.insert(msg[0]);
  }
  CAF_CHECK_EQUAL(got.size(), pushes.size());
  // `ring` is what each connection's ZmtpIntegratedActor saw from the
  // thread it ran on: -1 had that not been its ring's thread.
  check_spread(up_peers(pull), "PULL");
  std::set<int32_t> push_rings;
  for (auto& x : pushes) {
    auto peers = up_peers(x);
    CAF_REQUIRE_EQUAL(peers.size(), 1u);
    per_ring(peers);
    push_rings.insert(peers[0].ring);
  }
  CAF_CHECK_EQUAL(push_rings.size(), rings());
  // The sockets' hub engines answer from a ring thread, spread too.
  std::set<uint64_t> hub_threads;
  auto st = stats(pull);
  CAF_CHECK(on_a_ring(st.thread));
  hub_threads.insert(st.thread);
  for (auto& x : pushes) {
    auto t = stats(x).thread;
    CAF_CHECK(on_a_ring(t));
    hub_threads.insert(t);
  }
  CAF_CHECK_EQUAL(hub_threads.size(), rings());
  for (auto& x : pushes)
    close(x);
  close(pull);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(shutdown with traffic in flight on every ring completes) {
  // Its own system, destroyed in the test with linger 200 ms: what cannot be
  // written is dropped (with linger -1 the system waits for it by design).
  auto threads0 = count_entries("/proc/self/task");
  auto fds0 = count_entries("/proc/self/fd");
  {
    zmq::context_t ctx;
    std::vector<zmq::socket_t> peers;
    auto holder = std::make_unique<rings_holder>(caf::timespan{200ms});
    {
      auto rings = rings_wanted();
      client cl{holder->sys};
      // Out: our PUB to SUBs that read nothing (small buffers).
      auto pub = mq::spawn_pub(holder->sys, cl.defaults());
      auto pub_ep = cl.bind(pub);
      // In: libzmq DEALERs that send to our ROUTER, which nobody reads.
      auto r = cl.router_socket();
      auto r_ep = cl.bind(r);
      // Out and queued: our DEALER to libzmq ROUTERs that read nothing.
      auto d = cl.dealer();
      for (size_t i = 0; i < 2 * rings; ++i) {
        auto s = zsock(ctx, zmq::socket_type::sub);
        s.set(zmq::sockopt::rcvhwm, 1);
        s.set(zmq::sockopt::rcvbuf, 4096);
        s.set(zmq::sockopt::subscribe, "");
        s.connect(pub_ep);
        peers.push_back(std::move(s));
        auto z = zsock(ctx, zmq::socket_type::dealer);
        z.set(zmq::sockopt::sndhwm, 0);
        z.connect(r_ep);
        peers.push_back(std::move(z));
        auto zr = zsock(ctx, zmq::socket_type::router);
        zr.set(zmq::sockopt::rcvhwm, 1);
        zr.set(zmq::sockopt::rcvbuf, 4096);
        cl.connect(d, zbind(zr));
        peers.push_back(std::move(zr));
      }
      CAF_REQUIRE(cl.await([&] {
        auto ps = cl.stats(pub).peers;
        return cl.status(r) == 2 * rings && cl.status(d) == 2 * rings
               && ps.size() == 2 * rings
               && std::all_of(ps.begin(), ps.end(), [](auto& p) {
                    return p.up && p.subscriptions == 1;
                  });
      }));
      // Traffic: 8 MB to each SUB through the PUB (shared payloads: more
      // than the kernel buffers), 4 MB from each libzmq DEALER, 4 MB spread
      // over the libzmq ROUTERs.
      auto blob = pattern(16 * 1024);
      for (int k = 0; k < 512; ++k)
        cl.send(pub, mp({blob}));
      for (int k = 0; k < 256; ++k)
        cl.send(d, mp({blob}));
      for (size_t i = 1; i < peers.size(); i += 3)
        for (int k = 0; k < 256; ++k)
          CAF_REQUIRE(zsend(peers[i], {blob}));
      // Wait until every ring has a connection with messages queued out
      // (PUB) and one with messages queued in (ROUTER).
      std::vector<bool> out(rings, false);
      std::vector<bool> in(rings, false);
      auto every = [](const std::vector<bool>& xs) {
        return std::all_of(xs.begin(), xs.end(), [](bool x) { return x; });
      };
      auto mark = [rings](std::vector<bool>& xs, const mq::peer_stats& p) {
        if (p.ring >= 0 && static_cast<size_t>(p.ring) < rings)
          xs[static_cast<size_t>(p.ring)] = true;
      };
      cl.await([&] {
        for (auto& p : cl.stats(pub).peers)
          if (p.out_queue > 0)
            mark(out, p);
        for (auto& p : cl.stats(r).peers)
          if (p.in_queue > 0)
            mark(in, p);
        return every(out) && every(in);
      });
      CAF_REQUIRE(every(out));
      CAF_REQUIRE(every(in));
      // Leaving this scope drops every handle while the traffic is in
      // flight.
    }
    {
      watchdog guard{"~actor_system with traffic on every ring", 30s};
      holder.reset();
    }
    for (auto& s : peers)
      s.close();
    ctx.close();
  }
  // Every ring thread, CAF thread and descriptor of the system is gone (at
  // most as many as before: a thread of the previous test may still have
  // been on its way out when the baseline was taken).
  client::await([&] {
    return count_entries("/proc/self/task") <= threads0
           && count_entries("/proc/self/fd") <= fds0;
  });
  CAF_CHECK_LESS_OR_EQUAL(count_entries("/proc/self/task"), threads0);
  CAF_CHECK_LESS_OR_EQUAL(count_entries("/proc/self/fd"), fds0);
}
