#pragma once

#include "monocoque/zmtp/metadata.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace monocoque::zmtp {

/// The status codes of a ZAP reply (RFC 27); nothing else is a verdict.
enum class auth_status : uint16_t {
  /// Authenticated: the handshake goes on.
  success = 200,
  /// Temporary failure: the connection closes without an ERROR command.
  temporary_failure = 300,
  /// Refused: the peer gets ERROR "400", then the connection closes.
  failure = 400,
  /// The authenticator failed: the peer gets ERROR "500".
  internal_error = 500,
};

/// Returns the three digits of `x` as sent on the wire, e.g. "400".
const char* to_string(auth_status x) noexcept;

/// Describes a refused verdict for a failure's detail: `what` followed by the
/// status code and the authenticator's text (cut to 200 bytes), e.g.
/// "PLAIN authentication refused (400 unknown user)".
std::string describe_verdict(std::string_view what, auth_status status,
                             std::string_view status_text);

/// Returns 300, 400 or 500 when an ERROR `reason` is exactly that ZAP status
/// (libzmq then reports an authentication failure), else 0.
uint16_t zap_failure_status(std::string_view reason) noexcept;

/// The verdict on an `auth_request`, as a ZAP reply carries it.
struct auth_reply {
  /// The verdict.
  auth_status status = auth_status::failure;
  /// Human-readable reason (never sent to the peer).
  std::string status_text;
  /// The authenticated user id (meaningful with `success` only). This, and
  /// never a property the peer sent, becomes `session::user_id()`.
  std::string user_id;
  /// Properties the authenticator attaches to the peer (ZAP metadata).
  metadata properties;
};

} // namespace monocoque::zmtp
