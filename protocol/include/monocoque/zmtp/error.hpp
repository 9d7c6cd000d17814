#pragma once

#include <cstdint>
#include <string>

namespace monocoque::zmtp {

/// Protocol violations and failures caused by the remote peer (or by the
/// peer's silence). Any of them ends the session; the peer gets dropped.
enum class peer_error : uint8_t {
  /// No error.
  none = 0,
  /// The peer sent no ZMTP signature: it speaks ZMTP 1.0, which is refused.
  unversioned_peer,
  /// The peer announced a revision we refuse: 0 (versioned ZMTP 1.0) or 2
  /// (revision 1 is ZMTP 2.0 and 3 is ZMTP 3.x, both accepted).
  unsupported_version,
  /// The peer's greeting names another security mechanism than ours.
  mechanism_mismatch,
  /// The greeting carries an invalid field (e.g. the as-server flag).
  malformed_greeting,
  /// A frame header sets reserved flag bits.
  reserved_flags,
  /// A frame header announces an impossible size (≥ 2^63).
  invalid_frame_size,
  /// A message (all of its frames together) exceeds the maximum size.
  message_too_large,
  /// A command frame that cannot be parsed (bad name, bad body length, MORE
  /// flag set, or a command in the middle of a multipart message).
  malformed_command,
  /// A frame or command that is not valid in the current state.
  unexpected_command,
  /// The metadata of a READY command cannot be parsed or is invalid.
  invalid_metadata,
  /// The peer's socket type cannot talk to ours.
  socket_type_mismatch,
  /// The peer sent an ERROR command; its reason is in the detail.
  error_command,
  /// The handshake did not finish in time.
  handshake_timeout,
  /// The peer did not answer our PING in time.
  heartbeat_timeout,
  /// The peer went silent for longer than the TTL it asked us to apply.
  ttl_expired,
  // Values above are mirrored by caf::monocoque::errc: append only.
  /// A HELLO that cannot be parsed (PLAIN: the user name and password
  /// lengths do not add up to the command's size).
  malformed_command_hello,
  /// A WELCOME that cannot be parsed (PLAIN: WELCOME carries data).
  malformed_command_welcome,
  /// An INITIATE that cannot be parsed (CURVE: wrong size; PLAIN reports
  /// malformed INITIATE metadata as `invalid_metadata`, as for READY).
  malformed_command_initiate,
  /// Authentication refused the peer (ZAP status 300, 400 or 500, in
  /// `failure::auth_status`): as server, our authenticator said so; as
  /// client, the server's ERROR carried that status.
  auth_failed,
  /// CURVE: a box, the cookie or a key does not open or check (a wrong
  /// server key, corrupted bytes, an all-zero key); libzmq's
  /// ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC.
  cryptographic,
  /// CURVE: the vouch in INITIATE does not name the client's transient key
  /// (or our long-term key); ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE.
  key_exchange,
  /// CURVE: a MESSAGE nonce not greater than the previous one (a replay);
  /// ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE.
  invalid_sequence,
};

/// Mistakes of the local user of the protocol layer. They never end a
/// session: the call is refused and has no effect.
enum class local_error : uint8_t {
  /// No error.
  none = 0,
  /// The operation needs a completed handshake.
  not_ready,
  /// The session has failed or was closed.
  closed,
  /// A message must have at least one frame.
  empty_message,
  /// The configured identity or a property does not fit the wire format.
  invalid_config,
  /// The operation does not fit the socket type (e.g. subscribe on a PUSH).
  wrong_socket_type,
  /// An authentication verdict arrived while no credentials wait for one.
  no_pending_auth,
};

/// Returns a stable lowercase name of `x` (e.g. "mechanism_mismatch").
const char* to_string(peer_error x) noexcept;

/// Returns a stable lowercase name of `x` (e.g. "not_ready").
const char* to_string(local_error x) noexcept;

/// A terminal failure of a session: the code plus a human-readable detail.
struct failure {
  /// What went wrong.
  peer_error code = peer_error::none;
  /// Why, in words (e.g. the reason of a received ERROR command).
  std::string detail;
  /// The ZAP status (300, 400 or 500) when `code` is `auth_failed`, else 0
  /// (libzmq's monitor reports it as the value of HANDSHAKE_FAILED_AUTH).
  uint16_t auth_status = 0;
};

} // namespace monocoque::zmtp
