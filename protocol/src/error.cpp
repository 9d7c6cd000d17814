#include "monocoque/zmtp/error.hpp"

namespace monocoque::zmtp {

const char* to_string(peer_error x) noexcept {
  switch (x) {
    case peer_error::none:
      return "none";
    case peer_error::unversioned_peer:
      return "unversioned_peer";
    case peer_error::unsupported_version:
      return "unsupported_version";
    case peer_error::mechanism_mismatch:
      return "mechanism_mismatch";
    case peer_error::malformed_greeting:
      return "malformed_greeting";
    case peer_error::reserved_flags:
      return "reserved_flags";
    case peer_error::invalid_frame_size:
      return "invalid_frame_size";
    case peer_error::message_too_large:
      return "message_too_large";
    case peer_error::malformed_command:
      return "malformed_command";
    case peer_error::unexpected_command:
      return "unexpected_command";
    case peer_error::invalid_metadata:
      return "invalid_metadata";
    case peer_error::socket_type_mismatch:
      return "socket_type_mismatch";
    case peer_error::error_command:
      return "error_command";
    case peer_error::handshake_timeout:
      return "handshake_timeout";
    case peer_error::heartbeat_timeout:
      return "heartbeat_timeout";
    case peer_error::ttl_expired:
      return "ttl_expired";
    case peer_error::malformed_command_hello:
      return "malformed_command_hello";
    case peer_error::malformed_command_welcome:
      return "malformed_command_welcome";
    case peer_error::malformed_command_initiate:
      return "malformed_command_initiate";
    case peer_error::auth_failed:
      return "auth_failed";
    case peer_error::cryptographic:
      return "cryptographic";
    case peer_error::key_exchange:
      return "key_exchange";
    case peer_error::invalid_sequence:
      return "invalid_sequence";
  }
  return "unknown";
}

const char* to_string(local_error x) noexcept {
  switch (x) {
    case local_error::none:
      return "none";
    case local_error::not_ready:
      return "not_ready";
    case local_error::closed:
      return "closed";
    case local_error::empty_message:
      return "empty_message";
    case local_error::invalid_config:
      return "invalid_config";
    case local_error::wrong_socket_type:
      return "wrong_socket_type";
    case local_error::no_pending_auth:
      return "no_pending_auth";
  }
  return "unknown";
}

} // namespace monocoque::zmtp
