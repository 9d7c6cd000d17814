#pragma once

// A recording, tampering TCP relay for wire tests: it listens on a free
// loopback port and connects every accepted client to a target port, copies
// bytes both ways, records them (bounded) and, on request, duplicates one
// ZMTP data frame after the handshake (a replayed CURVE MESSAGE) or freezes
// every connection (a silent partition).
//
// It knows ZMTP 3.x framing (RFC 23): a 64-byte greeting, then frames of
// flags (MORE 0x01, LONG 0x02, COMMAND 0x04), a 1- or 8-byte size and the
// body. Handshake commands are frames with COMMAND set; CURVE's MESSAGEs
// are data frames (outer flags 0x00/0x02, body "\x07MESSAGE..."), so "the
// n-th data frame" of a direction is the n-th message frame, whatever the
// mechanism.
//
// Threads and blocking sockets with poll(2) timeouts: nothing waits longer
// than 50 ms without looking at the stop flag, and the destructor joins every
// thread. No CAF, no libzmq.

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace interop {

/// The two directions through the relay.
enum class relay_dir : uint8_t {
  /// From the connecting side (the relay's client) to the target.
  upstream = 0,
  /// From the target back to the connecting side.
  downstream = 1,
};

/// See the file comment.
class tcp_relay {
public:
  /// Most bytes recorded per direction over all connections; the rest is
  /// forwarded but not recorded (and `truncated()` turns true).
  static constexpr size_t record_limit = size_t{32} << 20;

  /// Largest frame the relay can duplicate (it keeps one copy of the frame
  /// being parsed while it is a candidate).
  static constexpr size_t dup_limit = size_t{1} << 20;

  /// Relays a free loopback port to 127.0.0.1:`target_port`.
  explicit tcp_relay(uint16_t target_port) : target_(target_port) {
    lfd_ = listen_any(port_);
    if (lfd_ >= 0)
      acceptor_ = std::thread{[this] { accept_loop(); }};
  }

  tcp_relay(const tcp_relay&) = delete;

  tcp_relay& operator=(const tcp_relay&) = delete;

  ~tcp_relay() { stop(); }

  // -- properties -------------------------------------------------------------

  /// Whether the relay listens.
  bool valid() const noexcept { return lfd_ >= 0; }

  /// The relay's port.
  uint16_t port() const noexcept { return port_; }

  /// The relay's endpoint, e.g. "tcp://127.0.0.1:40000".
  std::string endpoint() const {
    return "tcp://127.0.0.1:" + std::to_string(port_);
  }

  /// Connections accepted so far.
  size_t connections() const noexcept { return accepted_; }

  /// Connections that ended so far.
  size_t closed() const noexcept { return closed_; }

  /// Connections whose first end came from the target's side (the target
  /// closed or reset its socket first).
  size_t closed_by_target() const noexcept { return closed_by_target_; }

  /// Frames duplicated so far.
  size_t duplicated() const noexcept { return duplicated_; }

  /// Every recorded byte of direction `d` (all connections, in order of
  /// arrival per connection, connections one after the other).
  std::string recorded(relay_dir d) const {
    std::lock_guard<std::mutex> guard{mtx_};
    return recorded_[static_cast<size_t>(d)];
  }

  /// Whether recording stopped at `record_limit` in some direction.
  bool truncated() const noexcept { return truncated_; }

  /// Whether `needle` occurs in the recorded bytes of either direction.
  bool saw(const std::string& needle) const {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& r : recorded_)
      if (r.find(needle) != std::string::npos)
        return true;
    return false;
  }

  /// Data frames (message frames) seen in direction `d` after greetings.
  size_t data_frames(relay_dir d) const noexcept {
    return data_frames_[static_cast<size_t>(d)];
  }

  // -- tampering --------------------------------------------------------------

  /// Duplicates the `nth` (from 1) data frame of direction `d` of the first
  /// connection: the copy follows the original at once. One frame only.
  void duplicate_data_frame(relay_dir d, size_t nth) {
    dup_dir_ = static_cast<int>(d);
    dup_nth_ = nth;
  }

  /// Closes every live connection (both sides) and refuses none later.
  void drop_all() {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& c : conns_)
      c->kill = true;
  }

  /// Stops forwarding in both directions on every connection, now and
  /// later, while keeping them open: a silent partition (nothing arrives,
  /// nobody hears a FIN).
  void freeze() { frozen_ = true; }

  /// Stops accepting, closes every connection and joins every thread.
  void stop() {
    stop_ = true;
    if (acceptor_.joinable())
      acceptor_.join();
    std::vector<std::thread> pumps;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      pumps.swap(pumps_);
    }
    for (auto& t : pumps)
      t.join();
    if (lfd_ >= 0)
      ::close(std::exchange(lfd_, -1));
  }

private:
  // -- per-direction ZMTP parsing ---------------------------------------------

  /// Follows the frame boundaries of one direction of one connection.
  struct parser {
    uint64_t greeting_left = 64;
    // Current frame: header bytes seen, header, body bytes left.
    size_t hdr_have = 0;
    uint8_t hdr[9]{};
    uint64_t body_left = 0;
    bool in_body = false;
    size_t data_count = 0;  // data frames so far
    bool candidate = false; // the frame to duplicate: keep a copy
    std::string copy;
  };

  struct conn {
    int client = -1;
    int target = -1;
    std::atomic<bool> kill{false};
    parser parsers[2];
    bool first = false; // the first connection: the one to tamper with
  };

  static size_t header_size(uint8_t flags) {
    return (flags & 0x02) != 0 ? 9 : 2;
  }

  /// Runs `bytes` of direction `d` through the parser and appends what to
  /// forward (the bytes themselves, plus a copy of a duplicated frame) to
  /// `out`.
  void parse(conn& c, size_t d, const char* bytes, size_t n,
             std::string& out) {
    auto& p = c.parsers[d];
    size_t i = 0;
    while (i < n) {
      if (p.greeting_left > 0) {
        auto k = std::min<uint64_t>(p.greeting_left, n - i);
        out.append(bytes + i, static_cast<size_t>(k));
        p.greeting_left -= k;
        i += static_cast<size_t>(k);
        continue;
      }
      if (!p.in_body) {
        out += bytes[i];
        p.hdr[p.hdr_have++] = static_cast<uint8_t>(bytes[i++]);
        if (p.hdr_have < header_size(p.hdr[0]))
          continue;
        uint64_t size = 0;
        if (p.hdr_have == 2)
          size = p.hdr[1];
        else
          for (size_t j = 1; j < 9; ++j)
            size = (size << 8) | p.hdr[j];
        bool data = (p.hdr[0] & 0x04) == 0;
        if (data) {
          ++data_frames_[d];
          ++p.data_count;
        }
        p.candidate = data && c.first && dup_dir_ == static_cast<int>(d)
                      && p.data_count == dup_nth_ && size <= dup_limit;
        p.copy.clear();
        if (p.candidate)
          p.copy.assign(reinterpret_cast<const char*>(p.hdr), p.hdr_have);
        p.hdr_have = 0;
        p.body_left = size;
        p.in_body = true;
      } else {
        auto k = static_cast<size_t>(std::min<uint64_t>(p.body_left, n - i));
        out.append(bytes + i, k);
        if (p.candidate)
          p.copy.append(bytes + i, k);
        p.body_left -= k;
        i += k;
      }
      if (p.in_body && p.body_left == 0) {
        p.in_body = false;
        if (p.candidate) {
          p.candidate = false;
          dup_dir_ = -1; // once
          out += p.copy; // right after the original
          ++duplicated_;
        }
      }
    }
  }

  void record(size_t d, const char* bytes, size_t n) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& r = recorded_[d];
    if (r.size() + n > record_limit) {
      truncated_ = true;
      n = record_limit - r.size();
    }
    r.append(bytes, n);
  }

  // -- threads ----------------------------------------------------------------

  static int connect_target(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd);
      return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  }

  void accept_loop() {
    int lfd = lfd_;
    while (!stop_) {
      pollfd pfd{lfd, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0)
        continue;
      int cfd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
      if (cfd < 0)
        continue;
      int one = 1;
      ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      auto c = std::make_shared<conn>();
      c->client = cfd;
      c->target = connect_target(target_);
      c->first = accepted_ == 0;
      ++accepted_;
      if (c->target < 0) { // the target is down: refuse like it would
        ::close(cfd);
        ++closed_;
        continue;
      }
      std::lock_guard<std::mutex> guard{mtx_};
      conns_.push_back(c);
      pumps_.emplace_back([this, c] { pump(*c); });
    }
  }

  /// A listening socket on a free loopback port (-1 on failure).
  static int listen_any(uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0
        || ::listen(fd, 128) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return -1;
    }
    port = ntohs(addr.sin_port);
    return fd;
  }

  /// Writes all of `out` to `fd`, polling while the kernel buffer is full;
  /// false when the socket broke or the relay stops.
  bool write_all(conn& c, int fd, const std::string& out) {
    size_t off = 0;
    while (off < out.size()) {
      auto n = ::send(fd, out.data() + off, out.size() - off,
                      MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (stop_ || c.kill)
          return false;
        pollfd pfd{fd, POLLOUT, 0};
        ::poll(&pfd, 1, 50);
        continue;
      }
      return false;
    }
    return true;
  }

  void pump(conn& c) {
    int fds[2] = {c.client, c.target}; // source of upstream / downstream
    std::vector<char> buf(64 * 1024);
    std::string out;
    bool by_target = false;
    while (!stop_ && !c.kill) {
      if (frozen_) {
        ::poll(nullptr, 0, 50);
        continue;
      }
      pollfd pfd[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
      int rc = ::poll(pfd, 2, 50);
      if (rc < 0 && errno != EINTR)
        break;
      if (rc <= 0)
        continue;
      bool done = false;
      for (size_t d = 0; d < 2 && !done; ++d) {
        if ((pfd[d].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
          continue;
        auto n = ::recv(fds[d], buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
          continue;
        if (n <= 0) {
          by_target = d == 1;
          done = true;
          break;
        }
        auto len = static_cast<size_t>(n);
        record(d, buf.data(), len);
        out.clear();
        parse(c, d, buf.data(), len, out);
        if (!write_all(c, fds[1 - d], out)) {
          by_target = d == 0; // the target's side broke while we wrote
          done = true;
        }
      }
      if (done)
        break;
    }
    if (by_target)
      ++closed_by_target_;
    ++closed_;
    ::close(c.client);
    ::close(c.target);
  }

  uint16_t target_;
  uint16_t port_ = 0;
  int lfd_ = -1;
  std::thread acceptor_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> frozen_{false};
  mutable std::mutex mtx_;
  std::vector<std::shared_ptr<conn>> conns_;
  std::vector<std::thread> pumps_;
  std::string recorded_[2];
  std::atomic<bool> truncated_{false};
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> closed_{0};
  std::atomic<size_t> closed_by_target_{0};
  std::atomic<size_t> duplicated_{0};
  std::atomic<size_t> data_frames_[2]{};
  std::atomic<int> dup_dir_{-1};
  std::atomic<size_t> dup_nth_{0};
};

} // namespace interop
