#pragma once

// Hostile ZMTP peers: raw TCP connections that send what an unauthenticated
// attacker may send, from small fixed buffers (the attacker's own memory
// must not show up in the RSS of a test process that hosts it). No CAF, no
// libzmq: used by the hostile_* suites and by the `zmtp-attack` tool.
// Byte layouts follow RFC 23 (ZMTP 3.0) and RFC 37 (ZMTP 3.1).

#include "raw_zmtp.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace hostile {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// One mebibyte.
constexpr uint64_t mib = uint64_t{1} << 20;

// -- payload builders ---------------------------------------------------------

/// Who the attacker claims to be: the socket type it announces and the
/// protocol revision of its greeting. The hostile suites set it from the
/// socket type they attack (a SUB against a PUB, ...), zmtp-attack leaves
/// the default (a ZMTP 3.1 DEALER).
struct peer_profile {
  /// ZMTP socket type name ("DEALER", "SUB", ...).
  std::string type = "DEALER";
  /// Greets with ZMTP 2.0 (RFC 15: signature, revision 1, socket type,
  /// identity frame) instead of 3.1. ZMTP 2.0 has no commands.
  bool zmtp20 = false;
};

/// The profile every builder below follows.
inline peer_profile& profile() {
  static peer_profile instance;
  return instance;
}

/// libzmq's ZMQ_* number of a socket type name (RFC 15's socket-type byte).
inline uint8_t zmq_number(const std::string& type) {
  static const char* names[] = {"PAIR", "PUB",    "SUB",    "REQ",
                                "REP",  "DEALER", "ROUTER", "PULL",
                                "PUSH", "XPUB",   "XSUB"};
  for (uint8_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    if (type == names[i])
      return i;
  return 0xFF;
}

/// The greeting of a NULL client: ZMTP 3.1, or with `profile().zmtp20` the
/// 12 bytes of a ZMTP 2.0 greeting (signature as libzmq 3.x sends it,
/// revision 1, socket type).
inline std::string greeting() {
  if (!profile().zmtp20)
    return interop::greeting(1, false);
  std::string g(12, '\0');
  g[0] = '\xFF';
  g[8] = '\x01';
  g[9] = '\x7F';
  g[10] = '\x01';
  g[11] = static_cast<char>(zmq_number(profile().type));
  return g;
}

/// The greeting plus a READY announcing `type` (ZMTP 2.0: plus an empty
/// identity frame).
inline std::string handshake(const std::string& type = profile().type) {
  if (profile().zmtp20)
    return greeting() + std::string{"\x00\x00", 2};
  return greeting() + interop::ready({{"Socket-Type", type}});
}

/// A command frame: name-size, name, data (RFC 23 3.3).
inline std::string command(const std::string& name, const std::string& data) {
  std::string body;
  body += static_cast<char>(name.size());
  body += name;
  body += data;
  return interop::encode(0x04, body);
}

/// A PING (RFC 37): TTL 0 (in deciseconds) plus `context`.
inline std::string ping(const std::string& context = {}) {
  return command("PING", std::string(2, '\0') + context);
}

/// A frame header with the LONG flag announcing `size` body bytes; `flags`
/// adds MORE (0x01) or COMMAND (0x04).
inline std::string long_header(uint8_t flags, uint64_t size) {
  std::string out;
  out += static_cast<char>(flags | 0x02);
  for (int shift = 56; shift >= 0; shift -= 8)
    out += static_cast<char>((size >> shift) & 0xFF);
  return out;
}

/// The property used to pad a huge READY: name "x", empty value (6 bytes).
inline const std::string& tiny_property() {
  static const std::string prop{"\x01x\x00\x00\x00\x00", 6};
  return prop;
}

/// The start of a READY command of `body_size` bytes (header + name); the
/// rest of the body is `tiny_property()` repeated.
inline std::string big_ready_head(uint64_t body_size) {
  return long_header(0x04, body_size) + "\x05READY";
}

/// The greeting and the first 6 bytes of a huge first frame of `body_size`
/// bytes (a multiple of 6): the READY of `big_ready_head`, with ZMTP 2.0 an
/// identity frame; the rest of the body is `tiny_property()` repeated.
inline std::string big_first_frame(uint64_t body_size) {
  if (profile().zmtp20)
    return greeting() + long_header(0x00, body_size) + tiny_property();
  return greeting() + big_ready_head(body_size);
}

/// Bytes that are no valid ZMTP after a greeting: a fixed pseudo-random
/// pattern (deterministic, so a failure reproduces).
inline std::string garbage(size_t n) {
  std::string out(n, '\0');
  uint32_t x = 0x9E3779B9u;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  // Start with reserved flag bits set, so the first header is wrong already.
  if (!out.empty())
    out[0] = static_cast<char>(0xF0);
  return out;
}

// -- a hostile connection -----------------------------------------------------

/// How a write ended.
enum class outcome {
  /// Everything was written.
  ok,
  /// The target closed or reset the connection.
  dropped,
  /// The target stopped reading: no progress within the stall limit.
  stalled,
};

/// What became of one flooding connection.
struct flood_result {
  /// How its writes ended.
  outcome out = outcome::ok;
  /// Bytes written.
  uint64_t sent = 0;
  /// Whether the target closed it.
  bool closed = false;
};

/// Returns a name for `x`.
inline const char* to_string(outcome x) {
  switch (x) {
  case outcome::ok:
    return "ok";
  case outcome::dropped:
    return "dropped";
  default:
    return "stalled";
  }
}

/// A non-blocking TCP connection whose writes give up when the target
/// closes it or stops reading for `stall_limit`.
class connection {
public:
  connection() = default;

  connection(connection&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), sent_(other.sent_),
        stall_limit_(other.stall_limit_) {
    // nop
  }

  connection& operator=(connection&& other) noexcept {
    close();
    fd_ = std::exchange(other.fd_, -1);
    sent_ = other.sent_;
    stall_limit_ = other.stall_limit_;
    return *this;
  }

  connection(const connection&) = delete;

  connection& operator=(const connection&) = delete;

  ~connection() { close(); }

  /// Connects to `host`:`port` (IPv4 literal); invalid on failure (errno
  /// tells why).
  static connection open(const std::string& host, uint16_t port,
                         std::chrono::milliseconds stall_limit = 5000ms) {
    connection result;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return result;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      auto err = errno;
      ::close(fd);
      errno = err;
      return result;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // Small kernel buffers: a target that stops reading shows up quickly.
    int buf = 64 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    result.fd_ = fd;
    result.stall_limit_ = stall_limit;
    return result;
  }

  /// Connects to 127.0.0.1:`port`.
  static connection open(uint16_t port,
                         std::chrono::milliseconds stall_limit = 5000ms) {
    return open("127.0.0.1", port, stall_limit);
  }

  /// Connects to a ZeroMQ endpoint: "tcp://IPV4:PORT" or "ipc://PATH".
  static connection connect_to(const std::string& endpoint,
                               std::chrono::milliseconds stall_limit = 5000ms) {
    if (endpoint.compare(0, 6, "tcp://") == 0) {
      auto colon = endpoint.rfind(':');
      auto port = std::strtoul(endpoint.c_str() + colon + 1, nullptr, 10);
      return open(endpoint.substr(6, colon - 6), static_cast<uint16_t>(port),
                  stall_limit);
    }
    connection result;
    sockaddr_un addr{};
    auto path = endpoint.substr(6); // "ipc://"
    if (endpoint.compare(0, 6, "ipc://") != 0
        || path.size() >= sizeof(addr.sun_path))
      return result;
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return result;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      auto err = errno;
      ::close(fd);
      errno = err;
      return result;
    }
    return adopt(fd, stall_limit);
  }

  /// Takes over `fd` (e.g. an accepted connection of a hostile server) with
  /// small kernel buffers.
  static connection adopt(int fd,
                          std::chrono::milliseconds stall_limit = 5000ms) {
    connection result;
    int buf = 64 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    result.fd_ = fd;
    result.stall_limit_ = stall_limit;
    return result;
  }

  /// Whether the connection is open.
  bool valid() const noexcept { return fd_ >= 0; }

  /// The descriptor.
  int fd() const noexcept { return fd_; }

  /// Bytes written so far.
  uint64_t sent() const noexcept { return sent_; }

  /// Writes `n` bytes at `data`.
  outcome write(const char* data, size_t n) {
    size_t off = 0;
    while (off < n) {
      auto got = ::send(fd_, data + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (got > 0) {
        off += static_cast<size_t>(got);
        sent_ += static_cast<uint64_t>(got);
        continue;
      }
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd pfd{fd_, POLLOUT, 0};
        auto ms = static_cast<int>(stall_limit_.count());
        int rc = ::poll(&pfd, 1, ms);
        if (rc < 0 && errno == EINTR)
          continue;
        if (rc == 0)
          return outcome::stalled;
        if ((pfd.revents & (POLLERR | POLLHUP)) != 0)
          return outcome::dropped;
        continue;
      }
      return outcome::dropped; // EPIPE, ECONNRESET, ...
    }
    return outcome::ok;
  }

  /// Writes `bytes`.
  outcome write(const std::string& bytes) {
    return write(bytes.data(), bytes.size());
  }

  /// Writes `unit` over and over until `total` bytes went out (rounded down
  /// to whole units), from one buffer of at most 64 KiB.
  outcome repeat(const std::string& unit, uint64_t total) {
    if (unit.empty())
      return outcome::ok;
    std::string chunk;
    auto per_chunk = std::max<size_t>(1, (64 * 1024) / unit.size());
    chunk.reserve(per_chunk * unit.size());
    for (size_t i = 0; i < per_chunk; ++i)
      chunk += unit;
    uint64_t units = total / unit.size();
    while (units > 0) {
      auto n = std::min<uint64_t>(units, per_chunk);
      auto res = write(chunk.data(), static_cast<size_t>(n * unit.size()));
      if (res != outcome::ok)
        return res;
      units -= n;
    }
    return outcome::ok;
  }

  /// Reads and discards (at most 4 KiB at a time) until the target closes
  /// the connection or `limit` passes; returns whether it closed.
  bool await_close(std::chrono::milliseconds limit) {
    auto deadline = clock_type::now() + limit;
    char buf[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      if (left.count() <= 0)
        return false;
      pollfd pfd{fd_, POLLIN, 0};
      int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc <= 0)
        continue;
      auto got = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (got == 0)
        return true;
      if (got < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
        return true; // ECONNRESET
    }
  }

  /// Returns whether the target closed the connection, without waiting
  /// (what it sent meanwhile is read and discarded).
  bool closed_now() {
    char buf[4096];
    for (;;) {
      auto got = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (got > 0)
        continue;
      if (got == 0)
        return true;
      if (errno == EINTR)
        continue;
      return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }

  /// Reads exactly `n` bytes within `limit`; empty with `ok == false` on
  /// EOF, error or timeout.
  std::string read(size_t n, std::chrono::milliseconds limit, bool& ok) {
    std::string result(n, '\0');
    size_t off = 0;
    auto deadline = clock_type::now() + limit;
    ok = false;
    while (off < n) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      if (left.count() <= 0)
        return {};
      pollfd pfd{fd_, POLLIN, 0};
      int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (rc <= 0)
        continue;
      auto got = ::recv(fd_, result.data() + off, n - off, MSG_DONTWAIT);
      if (got == 0)
        return {};
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
          continue;
        return {};
      }
      off += static_cast<size_t>(got);
    }
    ok = true;
    return result;
  }

  /// Reads one frame within `limit`: flags and body (bodies above 1 MiB
  /// count as failure).
  bool read_frame(interop::raw_frame& out, std::chrono::milliseconds limit) {
    bool ok = false;
    auto hdr = read(2, limit, ok);
    if (!ok)
      return false;
    out.flags = static_cast<uint8_t>(hdr[0]);
    uint64_t size = static_cast<uint8_t>(hdr[1]);
    if ((out.flags & 0x02) != 0) {
      auto rest = read(7, limit, ok);
      if (!ok)
        return false;
      for (auto c : rest)
        size = (size << 8) | static_cast<uint8_t>(c);
    }
    if (size > mib)
      return false;
    out.body = read(static_cast<size_t>(size), limit, ok);
    return ok;
  }

  /// Skips the target's 64-byte greeting, then returns its READY (or any
  /// first command) within `limit`. With `profile().zmtp20`: its 12-byte
  /// ZMTP 2.0 greeting and its identity frame.
  bool read_greeting_and_ready(std::chrono::milliseconds limit) {
    bool ok = false;
    auto zmtp20 = profile().zmtp20;
    read(zmtp20 ? 12 : 64, limit, ok);
    interop::raw_frame frm;
    return ok && read_frame(frm, limit) && (zmtp20 || frm.command());
  }

  /// Closes the connection.
  void close() {
    if (fd_ >= 0)
      ::close(std::exchange(fd_, -1));
  }

private:
  int fd_ = -1;
  uint64_t sent_ = 0;
  std::chrono::milliseconds stall_limit_ = 5000ms;
};

// -- many connections ---------------------------------------------------------

/// Opens up to `n` connections to `endpoint` ("tcp://..." or "ipc://...")
/// that send nothing; stops at the first failure (errno tells why).
inline std::vector<connection> open_idle(const std::string& endpoint,
                                         size_t n) {
  std::vector<connection> result;
  result.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto c = connection::connect_to(endpoint);
    if (!c.valid())
      break;
    result.push_back(std::move(c));
  }
  return result;
}

/// Opens up to `n` connections to `host`:`port` (see above).
inline std::vector<connection> open_idle(const std::string& host, uint16_t port,
                                         size_t n) {
  return open_idle("tcp://" + host + ":" + std::to_string(port), n);
}

/// Opens `n` connections one after the other and closes each at once;
/// every second one first sends half a greeting. Returns how many
/// connected.
inline size_t connect_close_flood(const std::string& endpoint, size_t n) {
  size_t connected = 0;
  auto g = greeting();
  auto half = g.substr(0, g.size() / 2);
  for (size_t i = 0; i < n; ++i) {
    auto c = connection::connect_to(endpoint, 200ms);
    if (!c.valid())
      continue;
    ++connected;
    if (i % 2 == 1)
      c.write(half);
  }
  return connected;
}

/// Opens `n` connections to `host`:`port` (see above).
inline size_t connect_close_flood(const std::string& host, uint16_t port,
                                  size_t n) {
  return connect_close_flood("tcp://" + host + ":" + std::to_string(port), n);
}

} // namespace hostile
