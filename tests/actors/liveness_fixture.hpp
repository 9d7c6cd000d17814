#pragma once

// Shared by the liveness suites (liveness_options, liveness_netns): a real
// actor system with the module, bounded requests to our sockets, and a way
// to reach the kernel sockets of our connections: this process owns their
// fds, so a test finds them in /proc/self/fd by their ports and asks the
// kernel with getsockopt what was really set.

#include "error_helpers.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/test/unit_test.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace liveness_test {

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

/// How long any single wait of a test may take.
constexpr auto limit = std::chrono::seconds{10};

/// Returns the port of an endpoint like "tcp://127.0.0.1:5555".
inline uint16_t port_of(const std::string& ep) {
  auto pos = ep.rfind(':');
  return static_cast<uint16_t>(std::stoi(ep.substr(pos + 1)));
}

/// The TCP port of a socket address (0 if not IPv4/IPv6).
inline uint16_t port_of(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
  return 0;
}

/// A connected TCP socket of this process, by its ports.
struct tcp_fd {
  int fd = -1;
  uint16_t local = 0;
  uint16_t remote = 0;
};

/// Lists the connected TCP sockets of this process.
inline std::vector<tcp_fd> connected_tcp_fds() {
  std::vector<tcp_fd> result;
  auto* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr)
    return result;
  while (auto* entry = ::readdir(dir)) {
    char* end = nullptr;
    auto fd = static_cast<int>(std::strtol(entry->d_name, &end, 10));
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir))
      continue;
    int domain = 0;
    socklen_t len = sizeof(domain);
    if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0
        || (domain != AF_INET && domain != AF_INET6))
      continue;
    sockaddr_storage local{};
    sockaddr_storage remote{};
    socklen_t llen = sizeof(local);
    socklen_t rlen = sizeof(remote);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0
        || ::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &rlen)
             != 0)
      continue; // a listener or an unconnected socket
    result.push_back(tcp_fd{fd, port_of(local), port_of(remote)});
  }
  ::closedir(dir);
  return result;
}

/// Returns the fd of our connected TCP socket whose local port (or, with
/// `remote`, peer port) is `port`; -1 if none or several.
inline int find_tcp_fd(uint16_t port, bool remote) {
  int result = -1;
  for (auto& x : connected_tcp_fds()) {
    if ((remote ? x.remote : x.local) != port)
      continue;
    if (result != -1)
      return -1;
    result = x.fd;
  }
  return result;
}

/// Reads an int socket option; -99 if the kernel refuses.
inline int sockopt(int fd, int level, int name) {
  int value = -99;
  socklen_t len = sizeof(value);
  if (::getsockopt(fd, level, name, &value, &len) != 0)
    return -99;
  return value;
}

/// The liveness settings of a socket as the kernel reports them.
struct kernel_liveness {
  int keepalive = -99;
  int idle = -99;
  int intvl = -99;
  int cnt = -99;
  int user_timeout = -99;

  static kernel_liveness of(int fd) {
    kernel_liveness x;
    x.keepalive = sockopt(fd, SOL_SOCKET, SO_KEEPALIVE);
    x.idle = sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE);
    x.intvl = sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL);
    x.cnt = sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT);
    x.user_timeout = sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
    return x;
  }

  /// What a fresh TCP socket gets from the OS.
  static kernel_liveness os_default() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto x = of(fd);
    ::close(fd);
    return x;
  }

  bool operator==(const kernel_liveness& y) const {
    return keepalive == y.keepalive && idle == y.idle && intvl == y.intvl
           && cnt == y.cnt && user_timeout == y.user_timeout;
  }
};

inline std::string to_string(const kernel_liveness& x) {
  return "keepalive " + std::to_string(x.keepalive) + " idle "
         + std::to_string(x.idle) + " intvl " + std::to_string(x.intvl)
         + " cnt " + std::to_string(x.cnt) + " user_timeout "
         + std::to_string(x.user_timeout);
}

/// Polls `pred` every 10 ms until it holds or `limit` passes.
inline bool await(const std::function<bool()>& pred,
                  std::chrono::milliseconds within = limit) {
  auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    if (pred())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
}

/// A real actor system with the module and a scoped actor for requests.
struct fixture {
  mq::config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;

  fixture() {
    cfg.load<mq::module>();
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
  }

  ~fixture() {
    self.reset();
  }

  caf::expected<std::string> bind(const mq::dealer_actor& d,
                                  const std::string& ep) {
    caf::expected<std::string> result{caf::error{}};
    (*self)
      ->request(d, limit, mq::bind_atom::value, ep)
      .receive([&](std::string& s) { result = std::move(s); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  caf::error connect(const mq::dealer_actor& d, const std::string& ep) {
    caf::error result;
    (*self)
      ->request(d, limit, mq::connect_atom::value, ep)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  std::optional<mq::socket_stats> stats(const mq::dealer_actor& d) {
    std::optional<mq::socket_stats> result;
    (*self)
      ->request(d, limit, mq::stats_atom::value)
      .receive([&](mq::socket_stats& x) { result = std::move(x); },
               [](caf::error&) {});
    return result;
  }

  /// Returns how many peers of `d` finished their handshake.
  size_t up(const mq::dealer_actor& d) {
    auto st = stats(d);
    size_t n = 0;
    if (st)
      for (auto& p : st->peers)
        n += p.up ? 1 : 0;
    return n;
  }

  /// Returns the connect statistics of `d`'s first connect endpoint that
  /// has no connection up, if any.
  std::optional<mq::connect_stats> connecting(const mq::dealer_actor& d) {
    auto st = stats(d);
    if (!st || st->connecting.empty())
      return std::nullopt;
    return st->connecting.front();
  }

  /// Sends one message from `d` (the reply says it was queued).
  bool send(const mq::dealer_actor& d, const std::string& text) {
    bool ok = false;
    (*self)
      ->request(d, limit, mq::send_atom::value, mq::make_message({text}))
      .receive([&](caf::ok_atom) { ok = true; }, [](caf::error&) {});
    return ok;
  }

  /// Receives one message at `d` and returns its first frame ("" if none).
  std::string recv(const mq::dealer_actor& d) {
    std::string result;
    (*self)
      ->request(d, limit, mq::recv_atom::value)
      .receive([&](mq::multipart& m) { result = m.front().to_string(); },
               [](caf::error&) {});
    return result;
  }
};

} // namespace liveness_test
