#pragma once

#include "monocoque/zmtp/curve_key.hpp"
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
  /// RFC 26 CurveZMQ: encryption and authentication with Curve25519 keys.
  curve,
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

  /// CURVE: our long-term public key (client: C, sent inside the vouch;
  /// server: S, which clients must know).
  curve_key curve_public_key{};

  /// CURVE: our long-term secret key (32 bytes).
  secret_buffer curve_secret_key;

  /// CURVE client: the server's long-term public key S.
  curve_key curve_server_key{};

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

  /// Returns a CURVE client configuration: our keypair and the server's key.
  static security_config curve_client(const curve_key& server_key,
                                      const curve_key& public_key,
                                      byte_span secret_key) {
    security_config result;
    result.mechanism = mechanism_kind::curve;
    result.curve_server_key = server_key;
    result.curve_public_key = public_key;
    result.curve_secret_key = secret_buffer{secret_key};
    return result;
  }

  /// Returns a CURVE server configuration with our long-term keypair.
  static security_config curve_server(const curve_key& public_key,
                                      byte_span secret_key) {
    security_config result;
    result.mechanism = mechanism_kind::curve;
    result.as_server = true;
    result.curve_public_key = public_key;
    result.curve_secret_key = secret_buffer{secret_key};
    return result;
  }

  // -- validation -------------------------------------------------------------

  /// Returns `invalid_config` when a PLAIN client's user name or password
  /// exceeds 255 bytes, or when a CURVE secret key is not 32 bytes, is all
  /// zero, or a CURVE client's server key is all zero; else `none`. Callers check this before creating a
  /// session: the mechanism cuts longer credentials at 255 bytes to keep the
  /// wire well-formed, which the server then refuses.
  local_error validate() const noexcept {
    if (mechanism == mechanism_kind::plain && !as_server
        && (plain_username.size() > max_plain_credential_size
            || plain_password.size() > max_plain_credential_size))
      return local_error::invalid_config;
    if (mechanism == mechanism_kind::curve
        && (curve_secret_key.size() != curve_key_size
            || is_zero_key(curve_secret_key.reveal())
            || is_zero_key(byte_span{curve_public_key.data(), curve_key_size})
            || (!as_server
                && is_zero_key(byte_span{curve_server_key.data(),
                                         curve_key_size}))))
      return local_error::invalid_config;
    return local_error::none;
  }
};

} // namespace monocoque::zmtp
