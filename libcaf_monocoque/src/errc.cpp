#include "caf/monocoque/errc.hpp"

namespace caf::monocoque {

namespace {

using detail::peer_error;

// The `errc` of every `peer_error`. No `default`: a `peer_error` added
// without its `errc` is a -Wswitch warning (an error with -Werror) here, and
// the static_assert below proves each mapping keeps the code, so `errc`
// and `peer_error` cannot drift apart.
constexpr errc from_peer(peer_error x) noexcept {
  switch (x) {
    case peer_error::none:
      return errc::none;
    case peer_error::unversioned_peer:
      return errc::unversioned_peer;
    case peer_error::unsupported_version:
      return errc::unsupported_version;
    case peer_error::mechanism_mismatch:
      return errc::mechanism_mismatch;
    case peer_error::malformed_greeting:
      return errc::malformed_greeting;
    case peer_error::reserved_flags:
      return errc::reserved_flags;
    case peer_error::invalid_frame_size:
      return errc::invalid_frame_size;
    case peer_error::message_too_large:
      return errc::message_too_large;
    case peer_error::malformed_command:
      return errc::malformed_command;
    case peer_error::unexpected_command:
      return errc::unexpected_command;
    case peer_error::invalid_metadata:
      return errc::invalid_metadata;
    case peer_error::socket_type_mismatch:
      return errc::socket_type_mismatch;
    case peer_error::error_command:
      return errc::error_command;
    case peer_error::handshake_timeout:
      return errc::handshake_timeout;
    case peer_error::heartbeat_timeout:
      return errc::heartbeat_timeout;
    case peer_error::ttl_expired:
      return errc::ttl_expired;
    case peer_error::malformed_command_hello:
      return errc::malformed_command_hello;
    case peer_error::malformed_command_welcome:
      return errc::malformed_command_welcome;
    case peer_error::malformed_command_initiate:
      return errc::malformed_command_initiate;
    case peer_error::auth_failed:
      return errc::auth_failed;
    case peer_error::cryptographic:
      return errc::cryptographic;
    case peer_error::key_exchange:
      return errc::key_exchange;
    case peer_error::invalid_sequence:
      return errc::invalid_sequence;
  }
  return errc::none;
}

// Each peer code maps to the `errc` with the same value, below 32 (where the
// local and transport failures start).
constexpr bool same_codes() noexcept {
  for (auto x : {peer_error::unversioned_peer,
                 peer_error::unsupported_version,
                 peer_error::mechanism_mismatch,
                 peer_error::malformed_greeting,
                 peer_error::reserved_flags,
                 peer_error::invalid_frame_size,
                 peer_error::message_too_large,
                 peer_error::malformed_command,
                 peer_error::unexpected_command,
                 peer_error::invalid_metadata,
                 peer_error::socket_type_mismatch,
                 peer_error::error_command,
                 peer_error::handshake_timeout,
                 peer_error::heartbeat_timeout,
                 peer_error::ttl_expired,
                 peer_error::malformed_command_hello,
                 peer_error::malformed_command_welcome,
                 peer_error::malformed_command_initiate,
                 peer_error::auth_failed,
                 peer_error::cryptographic,
                 peer_error::key_exchange,
                 peer_error::invalid_sequence}) {
    auto code = detail::peer_code(x);
    if (code >= 32 || static_cast<uint8_t>(from_peer(x)) != code)
      return false;
  }
  return true;
}

static_assert(same_codes(), "errc and zmtp::peer_error are out of step");

} // namespace

std::string to_string(errc x) {
  // Peer codes have the protocol's names (same value, see same_codes).
  auto code = static_cast<uint8_t>(x);
  if (code >= 1 && code < 32)
    return ::monocoque::zmtp::to_string(static_cast<peer_error>(code));
  switch (x) {
    case errc::none:
      return "none";
    case errc::invalid_endpoint:
      return "invalid_endpoint";
    case errc::unsupported_transport:
      return "unsupported_transport";
    case errc::resolve_failed:
      return "resolve_failed";
    case errc::bind_failed:
      return "bind_failed";
    case errc::connect_failed:
      return "connect_failed";
    case errc::connection_closed:
      return "connection_closed";
    case errc::io_failure:
      return "io_failure";
    case errc::backend_unavailable:
      return "backend_unavailable";
    case errc::socket_closed:
      return "socket_closed";
    case errc::invalid_option:
      return "invalid_option";
    case errc::invalid_operation:
      return "invalid_operation";
    case errc::timed_out:
      return "timed_out";
    case errc::wrong_state:
      return "wrong_state";
    case errc::host_unreachable:
      return "host_unreachable";
    case errc::invalid_certificate:
      return "invalid_certificate";
    case errc::unknown_endpoint:
      return "unknown_endpoint";
    case errc::address_in_use:
      return "address_in_use";
    default:
      return "unknown";
  }
}

error make_error(errc x) {
  return error{static_cast<uint8_t>(x), errc_category};
}

error make_error(errc x, std::string context) {
  return error{static_cast<uint8_t>(x), errc_category,
               caf::make_message(std::move(context))};
}

error to_error(const ::monocoque::zmtp::failure& x) {
  return make_error(from_peer(x.code), x.detail);
}

} // namespace caf::monocoque
