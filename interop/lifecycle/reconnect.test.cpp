// Each reconnect path ends with the actor system: a dealer that keeps
// failing to connect (refused, unresolvable, timed out, reset during the
// handshake), whose handle is dropped, lets `~actor_system` return. Before
// that, `stats_atom` shows the endpoint as connecting, with its attempts
// and last error.
#define CAF_SUITE lifecycle.reconnect
#include "lifecycle_fixture.hpp"

#include <cstring>
#include <functional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lifecycle;

namespace {

/// A TCP listener on loopback whose thread accepts connections and hands
/// each fd to `fun` until destroyed. Plain fds: `fun` may keep one open
/// (in `held`, closed at the end) or reset it.
class raw_listener {
public:
  template <class F> explicit raw_listener(F fun) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    timeval tv{0, 100 * 1000}; // bounds each accept
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      CAF_FAIL("cannot listen: " << std::strerror(errno));
    ep_ = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    thread_ = std::thread{[this, fun] {
      while (!done_) {
        auto conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (conn >= 0)
          fun(conn, held_);
      }
    }};
  }

  ~raw_listener() {
    done_ = true;
    thread_.join();
    for (auto fd : held_)
      ::close(fd);
    ::close(fd_);
  }

  const std::string& endpoint() const noexcept { return ep_; }

private:
  int fd_ = -1;
  std::string ep_;
  std::atomic<bool> done_{false};
  std::vector<int> held_;
  std::thread thread_;
};

/// Spawns a dealer with fast retries, connects it to `ep`, waits until
/// `stats_atom` shows at least two attempts for it (the reconnect path
/// ran), drops the handle and destroys the system under a watchdog.
void shutdown_while_reconnecting(
    const std::string& ep,
    std::function<void(mq::socket_options&)> tweak = nullptr) {
  auto holder = std::make_unique<system_holder>();
  auto cl = std::make_unique<client>(holder->sys);
  auto opts = cl->defaults();
  opts.reconnect_ivl = std::chrono::milliseconds{20};
  opts.reconnect_ivl_max = std::chrono::milliseconds{100};
  if (tweak)
    tweak(opts);
  auto d = cl->dealer(opts);
  cl->connect(d, ep);
  mq::connect_stats seen;
  auto retried = client::await(
      [&] {
        auto st = cl->stats(d);
        if (st.connecting.size() != 1)
          return false;
        seen = st.connecting.front();
        return seen.attempts >= 2 && !seen.last_error.empty();
      },
      std::chrono::seconds{10});
  CAF_MESSAGE(ep << ": attempts " << seen.attempts << ", last error "
                 << seen.last_error);
  CAF_CHECK(retried);
  CAF_CHECK_EQUAL(seen.endpoint, ep);
  d = nullptr; // the last handle
  cl.reset();
  watchdog guard{"~actor_system (reconnecting, handle dropped)",
                 std::chrono::seconds{20}};
  holder.reset();
}

} // namespace

CAF_TEST(refused) { shutdown_while_reconnecting(free_endpoint()); }

CAF_TEST(unresolvable) { shutdown_while_reconnecting(unresolvable_ep); }

// Timed out in the handshake: the peer accepts and never says a word.
// (A connect that times out in the kernel needs an address that drops SYNs,
// which needs root to set up; a silent peer takes the same reconnect path
// through the connection's timeout.)
CAF_TEST(timed out) {
  raw_listener silent{
      [](int fd, std::vector<int>& held) { held.push_back(fd); }};
  shutdown_while_reconnecting(silent.endpoint(), [](mq::socket_options& x) {
    x.handshake_timeout = std::chrono::milliseconds{100};
  });
}

// Reset during the handshake: the peer accepts, reads the greeting's first
// bytes and resets the connection (SO_LINGER 0).
CAF_TEST(reset during handshake) {
  raw_listener resetter{[](int fd, std::vector<int>&) {
    char buf[10];
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    static_cast<void>(::recv(fd, buf, sizeof(buf), 0));
    linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    ::close(fd);
  }};
  shutdown_while_reconnecting(resetter.endpoint());
}

// A connect that is in flight to an address that never answers (TEST-NET-1,
// RFC 5737): on most hosts the SYN goes unanswered, on hosts without a
// default route it fails at once. Either way, shutdown must not wait for it.
CAF_TEST(in flight to a blackholed address) {
  auto holder = std::make_unique<system_holder>();
  auto cl = std::make_unique<client>(holder->sys);
  auto d = cl->dealer();
  cl->connect(d, "tcp://192.0.2.1:5611");
  auto st = cl->stats(d);
  CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
  CAF_CHECK_GREATER_OR_EQUAL(st.connecting.front().attempts, 1u);
  CAF_MESSAGE("192.0.2.1: last error '" << st.connecting.front().last_error
                                        << "'");
  d = nullptr;
  cl.reset();
  watchdog guard{"~actor_system (connect in flight, handle dropped)",
                 std::chrono::seconds{20}};
  holder.reset();
}

// The stats name a connect that keeps failing and forget it once it is up.
CAF_TEST(stats show connecting endpoints until they are up) {
  zmq::context_t ctx;
  system_holder h;
  client cl{h.sys};
  auto opts = cl.defaults();
  opts.reconnect_ivl = std::chrono::milliseconds{20};
  opts.reconnect_ivl_max = std::chrono::milliseconds{100};
  auto d = cl.dealer(opts);
  auto ep = free_endpoint();
  cl.connect(d, ep);
  CAF_CHECK(client::await([&] {
    auto st = cl.stats(d);
    return st.connecting.size() == 1 && st.connecting[0].attempts >= 2 &&
           !st.connecting[0].last_error.empty();
  }));
  auto router = zrebind(ctx, zmq::socket_type::router, ep);
  CAF_REQUIRE(cl.await_status(d, 1));
  CAF_CHECK(client::await([&] { return cl.stats(d).connecting.empty(); }));
  CAF_CHECK(cl.close(d));
}
