#pragma once

// A blocking TCP socket for hand-written ZMTP peers and garbage clients in
// the interop suites. Every call is bounded by `interop::timeout`.

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <utility>

namespace interop {

/// How long any single request or receive may take before it counts as lost.
constexpr auto timeout = std::chrono::seconds{5};

/// A blocking TCP socket with receive/send timeouts of `timeout`. Calls
/// retry on EINTR: tearing down an io_uring interrupts a blocking call of
/// the thread that created the ring (see the linger_shutdown suite).
class raw_tcp {
public:
  raw_tcp() = default;

  explicit raw_tcp(int fd) : fd_(fd) { set_timeouts(); }

  raw_tcp(raw_tcp&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

  raw_tcp& operator=(raw_tcp&& other) noexcept {
    close();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }

  ~raw_tcp() { close(); }

  /// Connects to 127.0.0.1:`port`; invalid on failure.
  static raw_tcp connect(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd);
      return raw_tcp{};
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return raw_tcp{fd};
  }

  /// Creates a listening socket on a free loopback port.
  static raw_tcp listen(uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd, 8) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return raw_tcp{};
    }
    port = ntohs(addr.sin_port);
    return raw_tcp{fd};
  }

  /// Accepts one connection (bounded by `timeout` via SO_RCVTIMEO).
  raw_tcp accept() {
    int fd = -1;
    do {
      fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd >= 0 ? raw_tcp{fd} : raw_tcp{};
  }

  bool valid() const noexcept { return fd_ >= 0; }

  /// The descriptor (e.g. to poll a listener).
  int fd() const noexcept { return fd_; }

  /// Writes all of `bytes`; false on error.
  bool write(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      auto n =
          ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  /// Reads exactly `n` bytes; nullopt on EOF, error or timeout.
  std::optional<std::string> read(size_t n) {
    std::string result(n, '\0');
    size_t off = 0;
    while (off < n) {
      auto got = ::recv(fd_, result.data() + off, n - off, 0);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        return std::nullopt;
      off += static_cast<size_t>(got);
    }
    return result;
  }

  /// How a read-until-EOF ended.
  enum class eof_result { closed, timeout, error };

  /// Reads and discards until the peer closes; bounded by `timeout` per read.
  eof_result drain_until_eof() {
    char buf[4096];
    for (;;) {
      auto got = ::recv(fd_, buf, sizeof(buf), 0);
      if (got == 0)
        return eof_result::closed;
      if (got < 0) {
        if (errno == EINTR)
          continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
          return eof_result::timeout;
        if (errno == ECONNRESET)
          return eof_result::closed;
        last_errno_ = errno;
        return eof_result::error;
      }
    }
  }

  /// The errno of the last failed `drain_until_eof`.
  int last_errno() const noexcept { return last_errno_; }

  void close() {
    if (fd_ >= 0)
      ::close(std::exchange(fd_, -1));
  }

private:
  void set_timeouts() {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(us.count() / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(us.count() % 1000000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  int fd_ = -1;
  int last_errno_ = 0;
};

} // namespace interop
