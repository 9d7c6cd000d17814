#pragma once

#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace monocoque::zmtp {

/// The security mechanisms a session can speak (RFC 23 "Security").
enum class mechanism_kind : uint8_t {
  /// No security: the peer is not authenticated, nothing is encrypted.
  null,
  /// RFC 24 PLAIN: a user name and a password, sent in clear.
  plain,
};

/// Returns the name of `x` as announced in the greeting (e.g. "PLAIN").
const char* to_string(mechanism_kind x) noexcept;

/// Longest PLAIN user name or password (a one-byte length on the wire).
constexpr size_t max_plain_credential_size = 255;

/// Which mechanism a session speaks and in which role, with its credentials.
/// Roles come from here only: the peer's as-server greeting flag is checked
/// against ours, never obeyed.
struct security_config {
  // -- fields -----------------------------------------------------------------

  /// The mechanism announced in our greeting.
  mechanism_kind mechanism = mechanism_kind::null;

  /// Whether we are the server of the mechanism's handshake (ignored for
  /// NULL): a PLAIN server checks credentials, a PLAIN client sends them.
  bool as_server = false;

  /// PLAIN client: the user name sent in HELLO.
  std::string plain_username;

  /// PLAIN client: the password sent in HELLO.
  secret_buffer plain_password;

  // -- factories --------------------------------------------------------------

  /// Returns a PLAIN client configuration.
  static security_config plain_client(std::string_view username,
                                      std::string_view password) {
    security_config result;
    result.mechanism = mechanism_kind::plain;
    result.plain_username = std::string{username};
    result.plain_password = secret_buffer{password};
    return result;
  }

  /// Returns a PLAIN server configuration.
  static security_config plain_server() {
    security_config result;
    result.mechanism = mechanism_kind::plain;
    result.as_server = true;
    return result;
  }

  // -- validation -------------------------------------------------------------

  /// Returns `invalid_config` when a PLAIN client's user name or password
  /// exceeds 255 bytes, else `none`. Callers check this before creating a
  /// session: the mechanism cuts longer credentials at 255 bytes to keep the
  /// wire well-formed, which the server then refuses.
  local_error validate() const noexcept {
    if (mechanism == mechanism_kind::plain && !as_server
        && (plain_username.size() > max_plain_credential_size
            || plain_password.size() > max_plain_credential_size))
      return local_error::invalid_config;
    return local_error::none;
  }
};

} // namespace monocoque::zmtp
