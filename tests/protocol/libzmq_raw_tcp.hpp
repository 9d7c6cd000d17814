#pragma once

// Shared by the zmtp_libzmq_* suites (see libzmq_peer.hpp): blocking POSIX
// TCP on 127.0.0.1 with SO_RCVTIMEO/SO_SNDTIMEO on every socket, so that no
// read or write waits longer than `socket_timeout_ms`.

#include "protocol/libzmq_wire.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace monocoque::zmtp::libzmq_test {

// -- raw TCP ------------------------------------------------------------------

/// Owns a file descriptor.
class fd_guard {
public:
  explicit fd_guard(int fd = -1) noexcept : fd_(fd) {
    // nop
  }

  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;

  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  int get() const noexcept { return fd_; }

private:
  int fd_;
};

inline void set_timeouts(int fd) {
  timeval tv{socket_timeout_ms / 1000, (socket_timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

inline sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Connects a blocking TCP socket to 127.0.0.1:`port`; -1 on failure.
inline int connect_tcp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  set_timeouts(fd);
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Opens a listening socket on 127.0.0.1 with a kernel-chosen port.
inline int listen_tcp(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  auto addr = loopback(0);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 4) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

/// Accepts one connection within `patience`; -1 on failure.
inline int accept_tcp(int listener) {
  pollfd p{listener, POLLIN, 0};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(patience);
  if (::poll(&p, 1, static_cast<int>(ms.count())) != 1)
    return -1;
  int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0)
    set_timeouts(fd);
  return fd;
}

/// Writes exactly `xs`; false on error or timeout.
inline bool write_all(int fd, byte_span xs) {
  while (!xs.empty()) {
    auto n = ::send(fd, xs.data(), xs.size(), MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    xs.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

/// Reads exactly `n` bytes; returns fewer on EOF, error or timeout.
inline bytes read_exactly(int fd, size_t n) {
  bytes result(n);
  size_t got = 0;
  while (got < n) {
    auto k = ::recv(fd, result.data() + got, n - got, 0);
    if (k <= 0)
      break;
    got += static_cast<size_t>(k);
  }
  result.resize(got);
  return result;
}

/// Returns whether nothing arrives on `fd` for `quiet`.
inline bool stays_silent(int fd, std::chrono::milliseconds quiet) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(quiet.count())) == 0;
}

/// Writes the first `n` pending bytes of `out` and consumes them.
inline bool write_prefix(int fd, output_queue& out, size_t n) {
  auto all = pending_bytes(out);
  n = std::min(n, all.size());
  if (!write_all(fd, byte_span{all.data(), n}))
    return false;
  out.consume(n);
  return true;
}

} // namespace monocoque::zmtp::libzmq_test
