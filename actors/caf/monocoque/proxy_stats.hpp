#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>

namespace caf::monocoque {

/// What a proxy moved through one of its sides (libzmq's STATISTICS
/// counters, plus what waits in the proxy).
struct proxy_side_stats {
  /// Messages the proxy took from this socket.
  uint64_t msgs_in = 0;
  /// Payload bytes of the messages taken from this socket.
  uint64_t bytes_in = 0;
  /// Messages the proxy posted into this socket.
  uint64_t msgs_out = 0;
  /// Payload bytes of the messages posted into this socket.
  uint64_t bytes_out = 0;
  /// Messages taken from this socket that wait in the proxy (while paused,
  /// or for the other side's credit). At most the proxy's window.
  uint64_t held = 0;
};

/// Introspection of a proxy actor: `(stats_atom)` answers with it.
struct proxy_stats {
  /// The frontend socket's counters.
  proxy_side_stats frontend;
  /// The backend socket's counters.
  proxy_side_stats backend;
  /// Copies posted to the capture socket.
  uint64_t captured = 0;
  /// Copies dropped because the capture socket had no credit left (or is
  /// gone).
  uint64_t capture_dropped = 0;
  /// Whether the proxy is paused.
  bool paused = false;
};

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::proxy_stats)
