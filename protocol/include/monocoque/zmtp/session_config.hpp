#pragma once

#include "monocoque/zmtp/heartbeat.hpp"
#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/time.hpp"

#include <cstdint>
#include <string>

namespace monocoque::zmtp {

/// Everything a session needs to know about the local socket.
struct session_config {
  /// Our socket type, announced as Socket-Type and checked against the peer's.
  socket_type type = socket_type::dealer;

  /// Routing id announced as Identity (REQ, DEALER and ROUTER only; at most
  /// 255 bytes; empty means "let the peer pick one").
  std::string identity;

  /// Extra properties for our READY, e.g. application `X-` properties.
  /// Socket-Type and Identity are added by the session.
  metadata properties;

  /// Largest message (all frames together) accepted from the peer; a larger
  /// one fails the session with `message_too_large` before it is buffered.
  uint64_t max_message_size = uint64_t{256} << 20;

  /// Largest command frame accepted before the handshake completes (the
  /// peer is not authenticated yet): a larger one fails the session with
  /// `message_too_large` on its header, before anything is buffered. Capped
  /// by `max_message_size`.
  uint64_t max_handshake_size = uint64_t{64} << 10;

  /// How long the greeting and handshake may take; zero waits forever.
  duration handshake_timeout = std::chrono::seconds{30};

  /// PING/PONG settings.
  heartbeat_config heartbeat;

  /// Minor version we announce: 1 (ZMTP 3.1) normally; 0 to act as a ZMTP 3.0
  /// peer (for tests of the fallback).
  uint8_t minor_version = 1;

  /// Payloads up to this size are copied into the output staging buffer;
  /// larger ones are referenced by the output queue (see `output_queue`).
  size_t copy_threshold = 1024;
};

} // namespace monocoque::zmtp
