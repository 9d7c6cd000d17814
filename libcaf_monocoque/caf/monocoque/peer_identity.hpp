#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

/// Who sent a message: the connection it came from and what authentication
/// established about it. One per connection incarnation, shared by every
/// message it delivered (a refcount per message, no copy).
struct peer_identity {
  /// Connection slot at the socket (as in `peer_stats::key`).
  uint64_t key = 0;
  /// Connection incarnation (as in `peer_stats::epoch`).
  uint64_t epoch = 0;
  /// Connect endpoint, or the remote address of an accepted connection.
  std::string endpoint;
  /// Routing id (as in `peer_stats::routing_id`).
  std::string routing_id;
  /// The security mechanism of the connection: "NULL", "PLAIN" or "CURVE".
  std::string mechanism;
  /// The user id our authenticator gave the peer (PLAIN: the user name,
  /// CURVE: the client key in Z85, unless the authenticator said otherwise);
  /// empty for NULL and for the client side of a connection. Never taken
  /// from anything the peer sent about itself.
  std::string user_id;
  /// The properties our authenticator attached (ZAP metadata).
  std::vector<std::pair<std::string, std::string>> properties;
};

/// A shared, immutable `peer_identity`.
using peer_identity_ptr = std::shared_ptr<const peer_identity>;

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::peer_identity_ptr)
