#pragma once

#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/message.hpp"
#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/subscription.hpp"

#include <cstdint>
#include <string>
#include <variant>

namespace monocoque::zmtp {

/// What the handshake told us about the peer.
struct peer_info {
  /// Protocol revision spoken with the peer (greeting byte 10, capped by
  /// ours): 3 for ZMTP 3.x, 1 for ZMTP 2.0 (RFC 15: no commands, no
  /// metadata, no heartbeats).
  uint8_t revision = 3;
  /// Negotiated minor version: 1 for ZMTP 3.1, 0 for ZMTP 3.0 and 2.0.
  uint8_t minor = 1;
  /// The peer's socket type.
  socket_type type = socket_type::dealer;
  /// The Identity the peer announced (empty if none): its READY property
  /// (3.x) or its identity frame (2.0).
  std::string identity;
  /// All properties of the peer's READY, as received (empty for 2.0 peers).
  /// Copies of a `peer_info` share these bytes.
  metadata_view properties;
};

/// Events a session reports, in the order they happened.
namespace events {

/// The handshake finished; messages may flow.
struct handshake_done {
  /// Who the peer is.
  peer_info peer;
};

/// A complete multipart message arrived.
struct message_received {
  /// Its frames.
  message msg;
};

/// A SUBSCRIBE or CANCEL arrived (as a 3.1 command or a 3.0 message), for
/// sockets that accept subscriptions (PUB, XPUB). The one subscription type
/// (subscription.hpp), which also converts it to and from ZeroMQ's message
/// form `\x01prefix` / `\x00prefix`.
using subscription = zmtp::subscription;

/// The session failed; no further events follow. Flush `output()` (it may
/// hold an ERROR command for the peer) and close the connection.
struct failed {
  /// Why.
  failure reason;
};

} // namespace events

/// One session event.
using event = std::variant<events::handshake_done, events::message_received,
                           events::subscription, events::failed>;

} // namespace monocoque::zmtp
