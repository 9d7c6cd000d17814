// The liveness options against a network that drops packets silently:
// connect_timeout (ZMQ_CONNECT_TIMEOUT) gives up on a connect whose SYNs
// vanish and retries; tcp_maxrt (ZMQ_TCP_MAXRT, TCP_USER_TIMEOUT, on a
// connecting and on a bound socket) and TCP keepalive drop a connection
// whose packets vanish, where the same connection without them stays up.
//
// Each test runs in a network namespace of its own: before the actor system
// starts, the test thread leaves the machine's namespace (unshare), so every
// thread and socket of the system lives in a fresh one with only `lo`, and
// the nftables rules of the test die with it, even if the test crashes.
// Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and nft; without them the suite
// exits 77, which CTest reports as skipped.

#define CAF_SUITE liveness_netns
#include "liveness_fixture.hpp"

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

using namespace liveness_test;

namespace {

[[noreturn]] void skip(const std::string& why) {
  std::fprintf(stderr, "liveness_netns: SKIPPED: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(77);
}

// Runs a shell command in our (the test thread's) namespace.
bool sh(const std::string& cmd) {
  auto rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return rc == 0;
}

// Moves the calling thread into a fresh network namespace with `lo` up and
// an empty nftables input chain (`inet mqlive in`). Comes first in the
// fixture, so the actor system's threads start inside.
struct private_network {
  private_network() {
    if (::geteuid() != 0)
      skip("needs root for a private network namespace and nftables");
    if (::unshare(CLONE_NEWNET) != 0)
      skip(std::string{"unshare(CLONE_NEWNET): "} + std::strerror(errno));
    if (!sh("ip link set lo up"))
      skip("cannot bring lo up in the private namespace (ip missing?)");
    if (!sh("nft 'add table inet mqlive; add chain inet mqlive in { type "
            "filter hook input priority 0; policy accept; }'"))
      skip("nft cannot create a table (nftables missing?)");
  }

  /// Drops every TCP packet to or from `port`, silently.
  void cut(uint16_t port) {
    auto p = std::to_string(port);
    CAF_REQUIRE(sh("nft 'add rule inet mqlive in tcp dport " + p
                   + " drop; add rule inet mqlive in tcp sport " + p
                   + " drop'"));
  }
};

struct netns_fixture : private_network, fixture {};

// Whether every TCP connection to or from `port` has all its data acked.
bool all_acked(uint16_t port) {
  for (auto& x : connected_tcp_fds()) {
    if (x.local != port && x.remote != port)
      continue;
    tcp_info info{};
    socklen_t len = sizeof(info);
    if (::getsockopt(x.fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0
        || info.tcpi_unacked != 0)
      return false;
  }
  return true;
}

// Open sockets of this process (not every fd: a thread that wakes a ring
// keeps a small io_uring of its own, created at its first wake-up).
size_t open_fds() {
  size_t n = 0;
  if (auto* dir = ::opendir("/proc/self/fd")) {
    while (auto* entry = ::readdir(dir)) {
      auto path = std::string{"/proc/self/fd/"} + entry->d_name;
      char target[64] = {};
      auto len = ::readlink(path.c_str(), target, sizeof(target) - 1);
      if (len > 0 && std::strncmp(target, "socket:", 7) == 0)
        ++n;
    }
    ::closedir(dir);
  }
  return n;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(liveness_netns_tests, netns_fixture)

CAF_TEST(connect timeout gives up on a silent address and retries) {
  // Port 7 of this namespace swallows SYNs: a connect there would wait
  // for the kernel's SYN retries (about two minutes).
  cut(7);
  mq::socket_options opts;
  opts.connect_timeout = 100ms;
  opts.reconnect_ivl = 20ms;
  auto d = mq::spawn_dealer(*sys, opts);
  // No connect timeout (and the default linger: a connection that never
  // came up does not hold the shutdown, see the next test).
  auto control = mq::spawn_dealer(*sys);
  auto fds = open_fds();
  CAF_REQUIRE(!connect(d, "tcp://127.0.0.1:7"));
  CAF_REQUIRE(!connect(control, "tcp://127.0.0.1:7"));
  std::optional<mq::connect_stats> st;
  CAF_CHECK(await([&] {
    st = connecting(d);
    return st && st->attempts >= 8;
  }));
  CAF_REQUIRE(st);
  CAF_MESSAGE("attempts " << st->attempts << ", last error: "
                          << st->last_error);
  CAF_CHECK_NOT_EQUAL(st->last_error.find("connect timed out after 100 ms"),
                      std::string::npos);
  // The control still waits in its first connect.
  auto ctl = connecting(control);
  CAF_REQUIRE(ctl);
  CAF_MESSAGE("control: attempts " << ctl->attempts << ", last error '"
                                   << ctl->last_error << "'");
  CAF_CHECK_EQUAL(ctl->attempts, 1u);
  CAF_CHECK_EQUAL(ctl->last_error, "");
  // Each abandoned attempt closed its socket: at most the current attempt's
  // fd (and the control's) are open beyond those before.
  auto now = open_fds();
  CAF_MESSAGE("fds before " << fds << ", now " << now);
  CAF_CHECK_LESS_OR_EQUAL(now, fds + 3);
  // Once the address answers, the next attempt connects.
  auto a = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto d2 = mq::spawn_dealer(*sys, opts);
  CAF_REQUIRE(!connect(d2, *ep));
  CAF_CHECK(await([&] { return up(d2) == 1; }));
}

// A connect that never completes holds nothing the socket must write: with
// the default linger (wait for every acknowledged message) the socket still
// closes and exits at once, without waiting for its handshake timeout.
CAF_TEST(a socket whose connect never completes closes without waiting) {
  cut(7);
  mq::socket_options opts;
  opts.handshake_timeout = std::chrono::seconds{300};
  auto d = mq::spawn_dealer(*sys, opts);
  CAF_REQUIRE(!connect(d, "tcp://127.0.0.1:7"));
  CAF_REQUIRE(await([&] {
    auto st = connecting(d);
    return st && st->attempts >= 1;
  }));
  (*self)->monitor(d);
  bool closed = false;
  (*self)
    ->request(d, limit, mq::close_atom::value)
    .receive([&](caf::ok_atom) { closed = true; }, [](caf::error&) {});
  CAF_CHECK(closed);
  bool down = false;
  (*self)->receive(
    [&](caf::down_msg& dm) { down = dm.source == d.address(); },
    caf::after(limit) >> [] {});
  CAF_CHECK(down);
}

CAF_TEST(tcp_maxrt drops a connection whose packets vanish) {
  auto a = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  mq::socket_options opts;
  opts.tcp_maxrt = 500ms;
  opts.connect_timeout = 200ms; // the retries after the cut fail visibly
  opts.reconnect_ivl = 50ms;
  auto d = mq::spawn_dealer(*sys, opts);
  auto control = mq::spawn_dealer(*sys); // no tcp_maxrt
  CAF_REQUIRE(!connect(d, *ep));
  CAF_REQUIRE(!connect(control, *ep));
  CAF_REQUIRE(await([&] { return up(d) == 1 && up(control) == 1; }));
  cut(port_of(*ep));
  // Unacknowledged data: TCP_USER_TIMEOUT counts from here.
  CAF_CHECK(send(d, "lost"));
  CAF_CHECK(send(control, "lost too"));
  std::optional<mq::connect_stats> st;
  CAF_CHECK(await([&] {
    st = connecting(d);
    return up(d) == 0 && st && !st->last_error.empty();
  }));
  if (st)
    CAF_MESSAGE("after the cut: attempts " << st->attempts << ", last error: "
                                           << st->last_error);
  // Same cut, same unacknowledged data, no tcp_maxrt: still up (the kernel
  // retransmits for about 15 minutes).
  CAF_CHECK_EQUAL(up(control), 1u);
}

CAF_TEST(tcp_maxrt drops an accepted connection whose packets vanish) {
  mq::socket_options opts;
  opts.tcp_maxrt = 500ms;
  auto a = mq::spawn_dealer(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto b = mq::spawn_dealer(*sys); // no tcp_maxrt
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  cut(port_of(*ep));
  CAF_CHECK(send(a, "lost"));
  CAF_CHECK(send(b, "lost too"));
  // The bound side forgets the accepted connection; the connecting side,
  // without tcp_maxrt, keeps retransmitting.
  CAF_CHECK(await([&] {
    auto st = stats(a);
    return st && st->peers.empty();
  }));
  CAF_CHECK_EQUAL(up(b), 1u);
}

CAF_TEST(tcp keepalive drops an idle connection whose packets vanish) {
  auto a = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  mq::socket_options opts;
  opts.tcp_keepalive = 1;
  opts.tcp_keepalive_idle = 1;
  opts.tcp_keepalive_intvl = 1;
  opts.tcp_keepalive_cnt = 1;
  opts.connect_timeout = 200ms;
  opts.reconnect_ivl = 50ms;
  auto d = mq::spawn_dealer(*sys, opts);
  auto control = mq::spawn_dealer(*sys); // keepalive: OS default (off)
  CAF_REQUIRE(!connect(d, *ep));
  CAF_REQUIRE(!connect(control, *ep));
  CAF_REQUIRE(await([&] { return up(d) == 1 && up(control) == 1; }));
  // Keepalive probes start only on a connection with nothing in flight:
  // wait for the last ACKs of the handshake (delayed by up to 40 ms).
  CAF_REQUIRE(await([&] { return all_acked(port_of(*ep)); }));
  cut(port_of(*ep));
  // Nothing sent: only keepalive probes can find out.
  std::optional<mq::connect_stats> st;
  CAF_CHECK(await([&] {
    st = connecting(d);
    return up(d) == 0 && st && !st->last_error.empty();
  }));
  if (st)
    CAF_MESSAGE("after the cut: attempts " << st->attempts << ", last error: "
                                           << st->last_error);
  CAF_CHECK_EQUAL(up(control), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
