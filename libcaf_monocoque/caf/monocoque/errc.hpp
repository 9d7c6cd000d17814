#pragma once

#include "monocoque/zmtp/error.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque {

namespace detail {

/// The protocol's peer violations, which `errc` mirrors.
using peer_error = ::monocoque::zmtp::peer_error;

/// Returns the code of `x` (the value of the `errc` of the same name).
constexpr uint8_t peer_code(peer_error x) noexcept {
  return static_cast<uint8_t>(x);
}

} // namespace detail

/// Error codes of the `monocoque` error category. Codes 1..31 mirror
/// `monocoque::zmtp::peer_error` (the peer broke the protocol or went
/// silent): each takes its value from the `peer_error` of the same name, and
/// errc.cpp maps every `peer_error` (a new one without an `errc` does not
/// compile). Codes from 32 on are local or transport failures.
enum class errc : uint8_t {
  /// No error.
  none = 0,
  // -- peer violations (same values as zmtp::peer_error) ----------------------
  /// ZMTP 1.0 peer refused.
  unversioned_peer = detail::peer_code(detail::peer_error::unversioned_peer),
  /// Peer refused for its protocol revision (0: versioned ZMTP 1.0, or 2;
  /// revision 1, ZMTP 2.0, and 3.x are accepted).
  unsupported_version
    = detail::peer_code(detail::peer_error::unsupported_version),
  /// Different security mechanism.
  mechanism_mismatch
    = detail::peer_code(detail::peer_error::mechanism_mismatch),
  /// Invalid greeting field.
  malformed_greeting
    = detail::peer_code(detail::peer_error::malformed_greeting),
  /// Reserved frame flag bits set.
  reserved_flags = detail::peer_code(detail::peer_error::reserved_flags),
  /// Impossible frame size.
  invalid_frame_size
    = detail::peer_code(detail::peer_error::invalid_frame_size),
  /// Message above the maximum size.
  message_too_large = detail::peer_code(detail::peer_error::message_too_large),
  /// Unparsable command.
  malformed_command = detail::peer_code(detail::peer_error::malformed_command),
  /// Command or frame not valid in this state.
  unexpected_command
    = detail::peer_code(detail::peer_error::unexpected_command),
  /// Invalid READY metadata.
  invalid_metadata = detail::peer_code(detail::peer_error::invalid_metadata),
  /// Incompatible socket types.
  socket_type_mismatch
    = detail::peer_code(detail::peer_error::socket_type_mismatch),
  /// The peer sent an ERROR command.
  error_command = detail::peer_code(detail::peer_error::error_command),
  /// The handshake took too long.
  handshake_timeout = detail::peer_code(detail::peer_error::handshake_timeout),
  /// No answer to a PING.
  heartbeat_timeout = detail::peer_code(detail::peer_error::heartbeat_timeout),
  /// The peer's TTL elapsed.
  ttl_expired = detail::peer_code(detail::peer_error::ttl_expired),
  /// A HELLO that cannot be parsed (PLAIN, CURVE).
  malformed_command_hello
    = detail::peer_code(detail::peer_error::malformed_command_hello),
  /// A WELCOME that cannot be parsed (PLAIN, CURVE).
  malformed_command_welcome
    = detail::peer_code(detail::peer_error::malformed_command_welcome),
  /// An INITIATE that cannot be parsed (CURVE).
  malformed_command_initiate
    = detail::peer_code(detail::peer_error::malformed_command_initiate),
  /// The authenticator refused the peer (status 300, 400 or 500), or the
  /// server refused us with an ERROR during the security handshake.
  auth_failed = detail::peer_code(detail::peer_error::auth_failed),
  /// A CURVE box, cookie or vouch failed to open (or a key is all zeros).
  cryptographic = detail::peer_code(detail::peer_error::cryptographic),
  /// A CURVE vouch names another transient key (or another server).
  key_exchange = detail::peer_code(detail::peer_error::key_exchange),
  /// A CURVE MESSAGE nonce did not increase (a replay).
  invalid_sequence = detail::peer_code(detail::peer_error::invalid_sequence),
  // -- local and transport failures -------------------------------------------
  /// An endpoint string could not be parsed.
  invalid_endpoint = 32,
  /// The endpoint's transport is not supported (e.g. `pgm://`).
  unsupported_transport,
  /// Host name resolution failed.
  resolve_failed,
  /// bind/listen failed (e.g. address in use).
  bind_failed,
  /// The connection could not be established.
  connect_failed,
  /// The peer closed the connection.
  connection_closed,
  /// A read or write failed.
  io_failure,
  /// io_uring lacks an operation or feature we need, or the module is not
  /// loaded.
  backend_unavailable,
  /// The socket is closing (requests while its linger runs).
  socket_closed,
  /// An option has an invalid value.
  invalid_option,
  /// The operation does not fit the socket type or state.
  invalid_operation,
  /// Nothing happened within the requested time.
  timed_out,
  /// The call does not fit the socket's state machine (libzmq's EFSM), e.g.
  /// a second REQ send before the reply.
  wrong_state,
  /// No peer has that routing id (ROUTER with `router_mandatory`).
  host_unreachable,
  /// A certificate file could not be read, or is not a valid CURVE
  /// certificate (see `certificate.hpp`).
  invalid_certificate,
  /// `unbind_atom` or `disconnect_atom` named an endpoint the socket does
  /// not have (libzmq's ENOENT), or a bind string that matches several.
  unknown_endpoint,
  /// An `inproc://` name is bound by a live socket already (libzmq's
  /// EADDRINUSE; tcp and ipc report `bind_failed` with the system's text).
  address_in_use,
};

/// Returns the name of `x`.
std::string to_string(errc x);

/// The atom naming this error category.
constexpr atom_value errc_category = atom("monocoque");

/// Makes a `caf::error` of the monocoque category.
error make_error(errc x);

/// Makes a `caf::error` of the monocoque category with a context string.
error make_error(errc x, std::string context);

/// Converts a protocol-layer failure into a `caf::error`.
error to_error(const ::monocoque::zmtp::failure& x);

} // namespace caf::monocoque
