#pragma once

#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/time.hpp"

#include <cstdint>
#include <optional>

namespace monocoque::zmtp {

/// Heartbeat settings (the meaning of libzmq's ZMQ_HEARTBEAT_IVL, _TTL and
/// _TIMEOUT).
struct heartbeat_config {
  /// Send a PING this often once the handshake is done; zero disables PINGs.
  duration interval{0};
  /// TTL announced in our PINGs: the peer drops us after that much silence.
  /// Sent in tenths of a second, so it is rounded down and capped at 6553.5 s.
  duration ttl{0};
  /// Drop the peer when nothing arrives this long after a PING; a negative
  /// value means "same as `interval`".
  duration timeout{-1};
};

/// The heartbeat timers of one connection as "next deadline" logic (RFC 37,
/// libzmq's behaviour): a PING every `interval`; after a PING, a timeout that
/// any received frame cancels; when the peer's PING carries a TTL, a TTL timer
/// that any received frame cancels too.
class heartbeat {
public:
  /// Creates the timers; nothing runs before `start`.
  explicit heartbeat(heartbeat_config cfg) noexcept : cfg_(cfg) {
    if (cfg_.timeout.count() < 0)
      cfg_.timeout = cfg_.interval;
  }

  /// Starts the PING schedule at `now` (when the handshake completes).
  void start(timestamp now) noexcept;

  /// Returns true, and schedules the next PING, when a PING is due at `now`.
  /// Arms the PING timeout if none is running.
  bool ping_due(timestamp now) noexcept;

  /// Records a PING from the peer that asks for `ttl_deciseconds`.
  void on_ping(uint16_t ttl_deciseconds, timestamp now) noexcept;

  /// Records that a frame arrived: cancels the PING timeout and the TTL.
  void on_frame() noexcept;

  /// Returns the error if a timer expired at `now`, else `none`.
  peer_error expired(timestamp now) const noexcept;

  /// Returns the earliest pending deadline, if any.
  std::optional<timestamp> next_deadline() const noexcept;

  /// Returns the TTL to put in our PINGs, in tenths of a second.
  uint16_t ttl_deciseconds() const noexcept;

private:
  heartbeat_config cfg_;
  std::optional<timestamp> next_ping_;
  std::optional<timestamp> timeout_at_;
  std::optional<timestamp> ttl_at_;
};

} // namespace monocoque::zmtp
