#include "caf/monocoque/internal/transport.hpp"

#include "caf/monocoque/errc.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace caf::monocoque::detail {

namespace {

std::string errno_text(const char* what) {
  return std::string{what} + ": " + std::strerror(errno);
}

connect_target ipc_target(const endpoint& ep) {
  connect_target result;
  auto* sun = reinterpret_cast<sockaddr_un*>(&result.addr);
  sun->sun_family = AF_UNIX;
  size_t offset = ep.abstract ? 1 : 0; // abstract: leading NUL byte
  std::memcpy(sun->sun_path + offset, ep.path.data(), ep.path.size());
  result.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + offset
                                      + ep.path.size()
                                      + (ep.abstract ? 0 : 1));
  return result;
}

bool literal_target(const std::string& host, uint16_t port,
                    connect_target& out) {
  out = connect_target{};
  auto* sin = reinterpret_cast<sockaddr_in*>(&out.addr);
  if (host == "*" || inet_pton(AF_INET, host.c_str(), &sin->sin_addr) == 1) {
    if (host == "*")
      sin->sin_addr.s_addr = htonl(INADDR_ANY);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    out.len = sizeof(sockaddr_in);
    return true;
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    out.len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

expected<std::vector<connect_target>> getaddrinfo_targets(const endpoint& ep,
                                                          bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
  addrinfo* res = nullptr;
  auto port = std::to_string(ep.port);
  auto rc = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0)
    return make_error(errc::resolve_failed,
                      ep.to_string() + ": " + gai_strerror(rc));
  std::vector<connect_target> result;
  for (auto* i = res; i != nullptr; i = i->ai_next) {
    connect_target t;
    std::memcpy(&t.addr, i->ai_addr, i->ai_addrlen);
    t.len = i->ai_addrlen;
    result.push_back(t);
  }
  ::freeaddrinfo(res);
  if (result.empty())
    return make_error(errc::resolve_failed, ep.to_string() + ": no address");
  return result;
}

endpoint bound_endpoint(int fd, const endpoint& ep) {
  if (ep.proto == endpoint::transport::ipc)
    return ep;
  endpoint result = ep;
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return result;
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
    result.port = ntohs(sin->sin_port);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
    result.port = ntohs(sin6->sin6_port);
  }
  result.host = buf;
  return result;
}

} // namespace

fd_guard::~fd_guard() {
  if (fd_ >= 0)
    ::close(fd_);
}

expected<listening_socket> listen_on(const endpoint& ep) {
  connect_target target;
  if (ep.proto == endpoint::transport::ipc) {
    target = ipc_target(ep);
    if (!ep.abstract)
      ::unlink(ep.path.c_str());
  } else if (!literal_target(ep.host, ep.port, target)) {
    auto targets = getaddrinfo_targets(ep, true);
    if (!targets)
      return targets.error();
    target = targets->front();
  }
  int fd = ::socket(target.addr.ss_family,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return make_error(errc::bind_failed, errno_text("socket"));
  fd_guard guard{fd};
  if (ep.proto == endpoint::transport::tcp) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&target.addr), target.len)
      != 0)
    return make_error(errc::bind_failed,
                      ep.to_string() + ": " + errno_text("bind"));
  if (::listen(fd, SOMAXCONN) != 0)
    return make_error(errc::bind_failed,
                      ep.to_string() + ": " + errno_text("listen"));
  listening_socket result;
  result.bound = bound_endpoint(fd, ep);
  result.fd = guard.release();
  return result;
}

expected<std::vector<connect_target>> resolve_numeric(const endpoint& ep) {
  std::vector<connect_target> result;
  if (ep.proto == endpoint::transport::ipc) {
    result.push_back(ipc_target(ep));
    return result;
  }
  if (ep.port == 0)
    return make_error(errc::invalid_endpoint,
                      ep.to_string() + ": connect needs a port");
  if (ep.host == "*")
    return make_error(errc::invalid_endpoint,
                      ep.to_string() + ": connect needs a host");
  connect_target t;
  if (literal_target(ep.host, ep.port, t))
    result.push_back(t);
  return result;
}

expected<std::vector<connect_target>> resolve_blocking(const endpoint& ep) {
  auto numeric = resolve_numeric(ep);
  if (!numeric || !numeric->empty())
    return numeric;
  return getaddrinfo_targets(ep, false);
}

expected<int> make_connect_socket(const connect_target& target) {
  int fd = ::socket(target.addr.ss_family,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return make_error(errc::connect_failed, errno_text("socket"));
  tune_accepted(fd);
  return fd;
}

void tune_accepted(int fd) {
  int one = 1;
  // Fails with EOPNOTSUPP on Unix sockets, which is fine.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

namespace {

// Sets an int option; appends what failed to `failed`.
void set_int(int fd, int level, int name, const char* what, int value,
             std::string& failed) {
  if (::setsockopt(fd, level, name, &value, sizeof(value)) == 0)
    return;
  if (!failed.empty())
    failed += ", ";
  failed += std::string{what} + "=" + std::to_string(value) + ": "
            + std::strerror(errno);
}

} // namespace

std::string tune_liveness(int fd, const socket_options& opts) {
  int domain = 0;
  socklen_t len = sizeof(domain);
  if (::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0
      || (domain != AF_INET && domain != AF_INET6))
    return {};
  std::string failed;
  // As libzmq: the three details only apply with SO_KEEPALIVE set (to 0 or
  // 1); -1 leaves everything to the OS.
  if (opts.tcp_keepalive != -1) {
    set_int(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", opts.tcp_keepalive,
            failed);
    if (opts.tcp_keepalive_cnt != -1)
      set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT",
              opts.tcp_keepalive_cnt, failed);
    if (opts.tcp_keepalive_idle != -1)
      set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE",
              opts.tcp_keepalive_idle, failed);
    if (opts.tcp_keepalive_intvl != -1)
      set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL",
              opts.tcp_keepalive_intvl, failed);
  }
  auto maxrt = std::chrono::ceil<std::chrono::milliseconds>(opts.tcp_maxrt);
  if (maxrt.count() > 0)
    set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT",
            static_cast<int>(maxrt.count()), failed);
  return failed;
}

} // namespace caf::monocoque::detail

namespace caf::monocoque::detail {

std::string remote_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    return "?";
  char host[INET6_ADDRSTRLEN] = {0};
  switch (ss.ss_family) {
    case AF_INET: {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
      return "tcp://" + std::string{host} + ":"
             + std::to_string(ntohs(in->sin_port));
    }
    case AF_INET6: {
      auto* in = reinterpret_cast<sockaddr_in6*>(&ss);
      ::inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof(host));
      return "tcp://[" + std::string{host} + "]:"
             + std::to_string(ntohs(in->sin6_port));
    }
    case AF_UNIX:
      return "ipc://(peer)";
    default:
      return "?";
  }
}

} // namespace caf::monocoque::detail
