#pragma once

// How a socket words its events (`socket_event::reason`, `status`): shared
// by the hub engine and the ZmtpIntegratedActor, so that both say the same
// thing about the same failure.

#include "caf/monocoque/internal/transport.hpp"
#include "caf/monocoque/socket_event.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque::detail {

/// Returns why a connection ended with `reason`, in words: "peer closed",
/// "connection reset", "heartbeat timeout", "handshake timeout",
/// "connection timed out", "connect failed: <system message>", or the
/// failure's name and detail (e.g. "socket_type_mismatch: ..."). Empty for
/// an empty `reason`.
std::string describe_end(const error& reason);

/// Returns whether `reason` says the TCP/IPC connect itself failed (so no
/// connection existed: no `disconnected`, no handshake event).
bool is_connect_failure(const error& reason);

/// Returns the `handshake_failed_*` kind of a handshake that ended with
/// `reason`: `auth` for a refused authentication, `protocol` for a peer's
/// protocol violation, `no_detail` otherwise (closed, reset, timed out).
socket_event_type handshake_failure_kind(const error& reason);

/// Returns libzmq's `ZMQ_PROTOCOL_ERROR_*` value of a protocol failure, or
/// 0 when none maps.
uint32_t protocol_status(const error& reason);

/// Returns the local (or remote) address of `fd` as "ip:port" ("[ip]:port"
/// for IPv6, the path for IPC), or "" when unknown.
std::string socket_address(int fd, bool local);

/// Returns `x` as "ip:port" (see `socket_address`).
std::string target_address(const connect_target& x);

} // namespace caf::monocoque::detail
