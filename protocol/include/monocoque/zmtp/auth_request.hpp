#pragma once

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <string>

namespace monocoque::zmtp {

/// Credentials a server-side mechanism received and wants checked: what a
/// ZAP request (RFC 27) carries besides the domain and the peer's address,
/// which the caller knows. The session hands it out once (see
/// `session::take_auth_request`) and then waits for `session::authenticated`.
struct auth_request {
  /// The mechanism asking, e.g. "PLAIN" or "CURVE".
  std::string mechanism;
  /// PLAIN: the user name from HELLO (0..255 bytes).
  std::string username;
  /// PLAIN: the password from HELLO (0..255 bytes), wiped when dropped.
  secret_buffer password;
  /// CURVE: the client's long-term public key C, proven by its vouch.
  curve_key client_key{};
  /// CURVE: the Identity property of the client's INITIATE metadata (its
  /// routing id, 0..255 bytes), empty without one. PLAIN clients announce
  /// theirs in INITIATE, after the verdict: empty there.
  std::string routing_id;
};

} // namespace monocoque::zmtp
