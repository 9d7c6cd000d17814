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
// libzmq_subscriptions, libzmq_heartbeats_mismatch, libzmq_zmtp20): a
// raw-socket driver for our session, libzmq socket helpers and the fixture.
// Byte helpers and the captured wire bytes are in libzmq_wire.hpp, raw TCP
// in libzmq_raw_tcp.hpp (both included here). Everything is inline and lives
// in its own namespace, so any suite may include this file.

#include "protocol/libzmq_raw_tcp.hpp"
#include "protocol/libzmq_wire.hpp"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace monocoque::zmtp::libzmq_test {

using namespace std::chrono_literals;

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

  /// Every byte written so far.
  const bytes& sent() const noexcept { return sent_; }

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
      auto left = static_cast<size_t>(written);
      for (size_t i = 0; i < n && left > 0; ++i) {
        auto k = std::min(left, slices[i].size);
        sent_.insert(sent_.end(), slices[i].data, slices[i].data + k);
        left -= k;
      }
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
  bytes sent_;
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
