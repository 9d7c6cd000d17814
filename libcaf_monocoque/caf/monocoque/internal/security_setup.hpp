#pragma once

// From the public `security_options` of a socket to the protocol's
// `security_config`: checks (for `socket_options::validate`) and the
// conversion the hub engine does once per socket.

#include "caf/monocoque/security_options.hpp"

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/security_config.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace caf::monocoque::detail {

/// Returns the 32 bytes of a public key given as 32 raw bytes or 40 Z85
/// characters, or nullopt (also for an all-zero key; decoded by
/// `curve_keypair::decode_public_key`).
std::optional<::monocoque::zmtp::curve_key>
decode_public_key(std::string_view text);

/// Returns the 32 bytes of a secret key given as 32 raw bytes or 40 Z85
/// characters (`curve_keypair::decode_secret_key`: no unwiped copy), or an
/// empty buffer (also for an all-zero key).
secret decode_secret_key(const secret& text);

/// Returns the mechanism `x` selects.
::monocoque::zmtp::mechanism_kind mechanism_of(const security_options& x);

/// Checks `x` as `socket_options::validate` does; returns
/// `errc::invalid_option` naming the field, or no error.
error check_security(const security_options& x);

/// Converts checked options into a session's security configuration. A
/// CURVE client without a secret key gets a fresh keypair (call this once
/// per socket: every connection of the socket then shares it). Fails with
/// `invalid_option` for options `check_security` refuses, or
/// `backend_unavailable` when libsodium cannot make a keypair.
expected<::monocoque::zmtp::security_config>
make_security_config(const security_options& x);

/// Returns the IP address of a connection's remote endpoint text without
/// scheme and port ("tcp://192.0.2.7:4000" -> "192.0.2.7",
/// "tcp://[::1]:4000" -> "::1"); empty for IPC and anything else.
std::string zap_address(std::string_view where);

} // namespace caf::monocoque::detail
