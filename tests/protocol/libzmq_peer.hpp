#pragma once

// Interop with a real libzmq 4.3.4 peer, on the wire.
//
// Each test opens a libzmq socket (through cppzmq) on tcp://127.0.0.1, talks
// to it over a plain blocking POSIX TCP socket and drives a sans-IO
// `monocoque::zmtp::session` over that socket in this thread. Nothing here can
// hang: every socket has SO_RCVTIMEO/SO_SNDTIMEO, every wait has a deadline of
// a few seconds, and CTest's `-r60` watchdog is the last resort.
//
// Facts about libzmq 4.3.4 these tests pin down (see also the byte vectors in
// the `captured` namespace):
// * Its greeting goes out in three steps: the 10-byte signature, then (after
//   our signature) the major version byte, then (after our major version) the
//   remaining 53 bytes. A peer that waits for 64 bytes before sending its own
//   greeting deadlocks; ours sends all 64 bytes at once.
// * Byte 8 of its signature (RFC 23: "padding, not significant") holds the
//   ZMTP 1.0 length of its routing id, i.e. routing-id size + 1.
// * Only REQ, DEALER and ROUTER put an Identity in READY (empty if unset).
// * A *bound* libzmq socket attaches a new connection's pipe only when its
//   application thread next enters libzmq (send, recv, getsockopt(EVENTS)...):
//   until then a SUB sends no subscriptions and a ROUTER cannot route to us.
// * A SUB sends SUBSCRIBE/CANCEL commands to ZMTP 3.1 peers and `\x01topic` /
//   `\x00topic` messages to ZMTP 3.0 peers.
//
// Shared by the zmtp_libzmq_* suites (libzmq_greeting, libzmq_messages,
// libzmq_subscriptions, libzmq_heartbeats_mismatch): a raw-socket driver
// for our session, libzmq socket helpers, the captured wire bytes and the
// fixture. Everything is inline and lives in its own namespace, so any
// suite may include this file.

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/session.hpp"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace monocoque::zmtp::libzmq_test {

using namespace std::chrono_literals;

// -- constants ----------------------------------------------------------------

/// Upper bound for any single wait in this suite.
inline constexpr auto patience = 3s;

/// Kernel-level timeout on every blocking read and write of a raw socket.
inline constexpr int socket_timeout_ms = 3000;

using bytes = std::vector<uint8_t>;

// -- byte helpers -------------------------------------------------------------

inline std::string hex(byte_span xs) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (size_t i = 0; i < xs.size(); ++i) {
    result += digits[xs[i] >> 4];
    result += digits[xs[i] & 0x0F];
  }
  return result;
}

inline std::string hex(const bytes& xs) {
  return hex(byte_span{xs.data(), xs.size()});
}

inline bytes unhex(std::string_view str) {
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  bytes result;
  for (size_t i = 0; i + 1 < str.size(); i += 2)
    result.push_back(static_cast<uint8_t>(nibble(str[i]) << 4) |
                     nibble(str[i + 1]));
  return result;
}

inline byte_span span_of(const bytes& xs) {
  return byte_span{xs.data(), xs.size()};
}

inline bytes concat(std::initializer_list<bytes> parts) {
  bytes result;
  for (const auto& part : parts)
    result.insert(result.end(), part.begin(), part.end());
  return result;
}

/// Returns `n` bytes of a pattern that makes misplaced bytes visible.
inline std::string pattern(size_t n, unsigned seed) {
  std::string result(n, '\0');
  for (size_t i = 0; i < n; ++i)
    result[i] = static_cast<char>((i * 131 + seed + (i >> 12)) & 0xFF);
  return result;
}

using parts = std::vector<std::string>;

inline parts strings_of(const message& msg) {
  parts result;
  for (const auto& f : msg)
    result.push_back(f.to_string());
  return result;
}

inline message message_of(const parts& xs) {
  message result;
  for (const auto& x : xs)
    result.push_back(frame::from_string(x));
  return result;
}

/// Copies (without consuming) everything `out` holds.
inline bytes pending_bytes(const output_queue& out) {
  std::vector<io_slice> slices(out.slice_count() + 1);
  auto n = out.gather(slices.data(), slices.size());
  bytes result;
  for (size_t i = 0; i < n; ++i)
    result.insert(result.end(), slices[i].data,
                  slices[i].data + slices[i].size);
  return result;
}

/// A frame of a captured stream: its flags and its body.
struct wire_frame {
  bool command = false;
  bool more = false;
  std::string body;
};

/// Splits a captured stream (after the 64-byte greeting) into frames.
inline std::vector<wire_frame> frames_after_greeting(const bytes& stream) {
  std::vector<wire_frame> result;
  if (stream.size() <= greeting::size)
    return result;
  frame_decoder dec;
  auto input = span_of(stream).subspan(greeting::size);
  while (dec.next(input) == frame_decoder::status::frame_ready) {
    auto f = dec.take();
    result.push_back(wire_frame{f.command, f.more, f.body.to_string()});
  }
  return result;
}

/// Returns the names of all command frames in a captured stream.
inline std::vector<std::string> command_names(const bytes& stream) {
  std::vector<std::string> result;
  for (const auto& f : frames_after_greeting(stream))
    if (f.command)
      if (auto cmd = parse_command(byte_span{f.body}))
        result.emplace_back(cmd->name);
  return result;
}

inline size_t count(const std::vector<std::string>& xs, std::string_view x) {
  return static_cast<size_t>(std::count(xs.begin(), xs.end(), x));
}

// -- clock --------------------------------------------------------------------

inline timestamp now() {
  return std::chrono::duration_cast<timestamp>(
      std::chrono::steady_clock::now().time_since_epoch());
}

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

// -- our side: a session over a raw socket ------------------------------------

/// Drives a session over a connected TCP socket: writes its output with
/// vectored sends, reads with poll(2), feeds what arrives, fires its timers,
/// and collects its events. Records every received byte for inspection.
class raw_peer {
public:
  raw_peer(int fd, session_config cfg) : fd_(fd), sess_(std::move(cfg)) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  session& sess() noexcept { return sess_; }

  int fd() const noexcept { return fd_.get(); }

  /// Every byte received so far.
  const bytes& received() const noexcept { return received_; }

  /// Whether the peer closed the connection (or it broke).
  bool eof() const noexcept { return eof_; }

  /// Feed reads as reference-counted chunks (the zero-copy path) instead of
  /// byte spans.
  bool feed_chunks = false;

  /// Stop writing (to simulate a peer that hangs).
  bool mute = false;

  /// Runs on every turn of the loop, e.g. to let a libzmq socket process its
  /// commands.
  std::function<void()> tick;

  // -- driving ----------------------------------------------------------------

  /// Starts the session and writes its greeting.
  void start() {
    sess_.start(now());
    flush();
  }

  /// One turn: flush, wait for input (at most `wait` or until the session's
  /// deadline), feed it, fire timers, collect events, flush again.
  void turn(std::chrono::milliseconds wait = 10ms) {
    flush();
    if (auto deadline = sess_.next_deadline()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - now() + 999us);
      wait = std::clamp(left, 0ms, wait);
    }
    pollfd p{fd_.get(), POLLIN, 0};
    if (eof_)
      ::poll(nullptr, 0, static_cast<int>(wait.count())); // just sleep
    else if (::poll(&p, 1, static_cast<int>(wait.count())) > 0)
      read_once();
    sess_.advance_time(now());
    while (auto ev = sess_.poll())
      events_.push_back(std::move(*ev));
    flush();
    if (tick)
      tick();
  }

  /// Runs turns until `pred()` holds (true) or `limit` passes (false).
  template <class Predicate>
  bool run_until(Predicate pred, std::chrono::milliseconds limit = 3000ms) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      if (eof_ || std::chrono::steady_clock::now() >= end)
        return false;
      turn();
    }
    return true;
  }

  /// Runs turns for `span`, whatever happens.
  void run_for(std::chrono::milliseconds span) {
    auto end = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < end)
      turn();
  }

  /// Runs until the handshake completes or fails; returns the peer's info.
  std::optional<peer_info> handshake() {
    run_until([this] { return has<events::handshake_done>() || failed(); });
    if (auto ev = take<events::handshake_done>())
      return std::move(ev->peer);
    return std::nullopt;
  }

  /// Sends `xs` as one message and writes it out.
  bool send(const parts& xs) {
    if (sess_.send(message_of(xs)) != local_error::none)
      return false;
    return flush();
  }

  /// Waits for the next message.
  std::optional<parts> receive(std::chrono::milliseconds limit = 3000ms) {
    run_until([this] { return has<events::message_received>() || failed(); },
              limit);
    if (auto ev = take<events::message_received>())
      return strings_of(ev->msg);
    return std::nullopt;
  }

  /// Waits for the next subscription event.
  std::optional<events::subscription> subscription() {
    run_until([this] { return has<events::subscription>() || failed(); });
    return take<events::subscription>();
  }

  /// Returns whether the session failed.
  bool failed() const noexcept {
    return sess_.state() == session_state::failed;
  }

  /// Returns whether an event of type `T` is waiting.
  template <class T> bool has() const {
    return std::any_of(events_.begin(), events_.end(), [](const event& ev) {
      return std::holds_alternative<T>(ev);
    });
  }

  /// Removes and returns the first event of type `T`.
  template <class T> std::optional<T> take() {
    for (auto i = events_.begin(); i != events_.end(); ++i)
      if (auto* ev = std::get_if<T>(&*i)) {
        auto result = std::move(*ev);
        events_.erase(i);
        return result;
      }
    return std::nullopt;
  }

  /// Writes all pending output (vectored); false if the socket broke.
  bool flush() {
    auto& out = sess_.output();
    while (!mute && !out.empty()) {
      io_slice slices[64];
      iovec iov[64];
      auto n = out.gather(slices, 64);
      for (size_t i = 0; i < n; ++i)
        iov[i] = iovec{const_cast<uint8_t*>(slices[i].data), slices[i].size};
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = n;
      auto written = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
      if (written <= 0)
        return false;
      out.consume(static_cast<size_t>(written));
      written_total_ += static_cast<uint64_t>(written);
      sess_.written(written_total_);
    }
    return true;
  }

private:
  void read_once() {
    constexpr size_t chunk_size = 64 * 1024;
    ssize_t n;
    if (feed_chunks) {
      auto chunk = frame::allocate(chunk_size);
      n = ::recv(fd_.get(), chunk.mutable_data(), chunk_size, 0);
      if (n > 0) {
        auto part = chunk.slice(0, static_cast<size_t>(n));
        record(part.bytes());
        sess_.feed(part, now());
      }
    } else {
      uint8_t buf[chunk_size];
      n = ::recv(fd_.get(), buf, chunk_size, 0);
      if (n > 0) {
        record(byte_span{buf, static_cast<size_t>(n)});
        sess_.feed(byte_span{buf, static_cast<size_t>(n)}, now());
      }
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      eof_ = true;
  }

  void record(byte_span xs) {
    received_.insert(received_.end(), xs.data(), xs.data() + xs.size());
  }

  fd_guard fd_;
  session sess_;
  std::deque<event> events_;
  bytes received_;
  bool eof_ = false;
  uint64_t written_total_ = 0; // bytes written, reported to the session
};

inline session_config config(socket_type type, std::string identity = {}) {
  session_config cfg;
  cfg.type = type;
  cfg.identity = std::move(identity);
  cfg.handshake_timeout = patience;
  return cfg;
}

// -- libzmq side --------------------------------------------------------------

/// Applies the options every libzmq socket in this suite gets.
inline void bounded(zmq::socket_t& sock) {
  sock.set(zmq::sockopt::linger, 0);
  sock.set(zmq::sockopt::rcvtimeo, socket_timeout_ms);
  sock.set(zmq::sockopt::sndtimeo, socket_timeout_ms);
}

/// Binds `sock` to an ephemeral port on 127.0.0.1 and returns the port.
inline uint16_t bind_ephemeral(zmq::socket_t& sock) {
  sock.bind("tcp://127.0.0.1:0");
  auto endpoint = sock.get(zmq::sockopt::last_endpoint);
  auto colon = endpoint.rfind(':');
  return static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1)));
}

inline void zsend(zmq::socket_t& sock, const parts& xs) {
  for (size_t i = 0; i < xs.size(); ++i)
    sock.send(zmq::buffer(xs[i]), i + 1 < xs.size() ? zmq::send_flags::sndmore
                                                    : zmq::send_flags::none);
}

inline std::optional<parts> zrecv(zmq::socket_t& sock) {
  std::vector<zmq::message_t> msgs;
  if (!zmq::recv_multipart(sock, std::back_inserter(msgs)))
    return std::nullopt;
  parts result;
  for (auto& msg : msgs)
    result.push_back(msg.to_string());
  return result;
}

/// Lets a libzmq socket run its pending commands (e.g. attach a pipe).
inline void nudge(zmq::socket_t& sock) {
  static_cast<void>(sock.get(zmq::sockopt::events));
}

// -- captured wire bytes (libzmq 4.3.4) ---------------------------------------

namespace captured {

// clang-format off

/// Greeting of a DEALER with ZMQ_ROUTING_ID "peer-1": signature (byte 8 =
/// routing-id size + 1), version 3.1, "NULL" padded to 20 bytes, as-server 0,
/// 31 bytes of filler.
inline const bytes dealer_greeting = unhex(
  "ff00000000000000077f" // signature, sent first
  "03"                   // major version, sent after our signature
  "01"                   // minor: this and the rest after our major version
  "4e554c4c00000000000000000000000000000000" // "NULL" + 16 NULs
  "00"                                       // as-server
  "00000000000000000000000000000000000000000000000000000000000000");

/// Signature of a socket without a routing id (byte 8 = 0 + 1).
inline const bytes anonymous_signature = unhex("ff00000000000000017f");

/// READY of that DEALER: Socket-Type DEALER, Identity "peer-1".
inline const bytes dealer_ready = unhex(
  "042f" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "4445414c4552" // Socket-Type DEALER
  "08" "4964656e74697479" "00000006" "706565722d31");     // Identity peer-1

/// READY of a ROUTER without routing id: Identity present but empty.
inline const bytes router_ready = unhex(
  "0429" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "524f55544552" // Socket-Type ROUTER
  "08" "4964656e74697479" "00000000");                    // Identity ""

/// READY of a SUB.
inline const bytes sub_ready = unhex(
  "0419" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000003" "535542");     // Socket-Type SUB

/// SUBSCRIBE "abc" and CANCEL "abc" as a SUB sends them to a ZMTP 3.1 peer.
inline const bytes subscribe_abc = unhex("040d" "09" "535542534352494245" "616263");
inline const bytes cancel_abc = unhex("040a" "06" "43414e43454c" "616263");

/// The same as messages, sent to a ZMTP 3.0 peer.
inline const bytes subscribe_abc_v30 = unhex("0004" "01" "616263");
inline const bytes cancel_abc_v30 = unhex("0004" "00" "616263");

/// PING of a socket with ZMQ_HEARTBEAT_TTL 2000 ms: TTL 20 deciseconds, no
/// context.
inline const bytes ping_ttl_2s = unhex("0407" "04" "50494e47" "0014");

// clang-format on

} // namespace captured

/// Our greeting as a session with `minor` sends it.
inline bytes our_greeting(uint8_t minor = 1) {
  greeting g;
  g.minor = minor;
  auto xs = g.encode();
  return bytes(xs.begin(), xs.end());
}

/// A libzmq context shared by one test; sockets close with linger 0 first.
struct fixture {
  zmq::context_t ctx{1};

  zmq::socket_t make(zmq::socket_type type, std::string routing_id = {}) {
    zmq::socket_t sock{ctx, type};
    bounded(sock);
    if (!routing_id.empty())
      sock.set(zmq::sockopt::routing_id, routing_id);
    return sock;
  }
};

} // namespace monocoque::zmtp::libzmq_test
