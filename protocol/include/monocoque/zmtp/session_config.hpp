#pragma once

#include "monocoque/zmtp/heartbeat.hpp"
#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/time.hpp"

#include <cstdint>
#include <string>

namespace monocoque::zmtp {

/// What each received frame costs, on top of its body, when counted against
/// `max_message_size` and `max_handshake_size`: two `frame` slots (a frame
/// in a message, with the vector's growth), rounded up. Empty frames are not
/// free: a peer sending `01 00` forever hits the limit after
/// `max_message_size / frame_cost_overhead` frames. A message may cost up to
/// the limit plus one overhead, so a single frame of exactly the limit passes
/// (as with libzmq's ZMQ_MAXMSGSIZE).
constexpr uint64_t frame_cost_overhead = 64;

/// Longest identity (routing id) a peer may announce, and we send.
constexpr size_t max_identity_size = 255;

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

  /// Largest message (all frames together, each frame counting its body plus
  /// `frame_cost_overhead`, the first one's overhead free) accepted from the
  /// peer; a larger one fails the session with `message_too_large` before
  /// it is buffered.
  uint64_t max_message_size = uint64_t{256} << 20;

  /// Largest cost of the commands accepted before the handshake completes
  /// (the peer is not authenticated yet), counted like `max_message_size`
  /// over all handshake commands together: a command beyond it fails the
  /// session with `message_too_large` on its header, before anything is
  /// buffered. Capped by `max_message_size`.
  uint64_t max_handshake_size = uint64_t{64} << 10;

  /// How long the greeting and handshake may take; zero waits forever.
  duration handshake_timeout = std::chrono::seconds{30};

  /// PING/PONG settings.
  heartbeat_config heartbeat;

  /// Minor version we announce: 1 (ZMTP 3.1) normally; 0 to act as a ZMTP 3.0
  /// peer (for tests of the fallback).
  uint8_t minor_version = 1;

  /// Revision we announce at greeting byte 10: 3 (ZMTP 3.x) normally; 1 to
  /// act as a ZMTP 2.0 peer (for tests of the 2.0 path against libzmq,
  /// which downgrades to 2.0 for such a peer). Other values act as 3.
  uint8_t revision = 3;

  /// The security mechanism and our role in it (NULL by default).
  security_config security;

  /// Payloads up to this size are copied into the output staging buffer;
  /// larger ones are referenced by the output queue (see `output_queue`).
  size_t copy_threshold = 1024;
};

} // namespace monocoque::zmtp
