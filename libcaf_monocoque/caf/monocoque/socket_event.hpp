#pragma once

#include "caf/monocoque/peer_identity.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <caf/timespan.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque {

// -- event kinds --------------------------------------------------------------

/// What happened on a socket: libzmq's `ZMQ_EVENT_*` set, with libzmq's
/// names (lower case) and bit values, so a mask means the same as in
/// `zmq_socket_monitor`.
enum class socket_event_type : uint32_t {
  /// A connection to a connect endpoint was established (before its
  /// handshake).
  connected = 0x0001,
  /// A connect is in progress (the kernel did not complete it at once).
  connect_delayed = 0x0002,
  /// A connect endpoint will try again after `retry_in`.
  connect_retried = 0x0004,
  /// A bind endpoint listens.
  listening = 0x0008,
  /// A bind failed (`error` says why).
  bind_failed = 0x0010,
  /// A listener accepted a connection.
  accepted = 0x0020,
  /// A listener failed to accept, or refused a connection at once
  /// (`max_connections`).
  accept_failed = 0x0040,
  /// A listener was closed (`unbind_atom` or the socket closing).
  closed = 0x0080,
  /// A listener could not be closed cleanly.
  close_failed = 0x0100,
  /// A connection ended (`reason` says why when known).
  disconnected = 0x0200,
  /// The last event a subscriber gets: it unsubscribed, or the socket is
  /// gone.
  monitor_stopped = 0x0400,
  /// A handshake failed without a protocol or authentication reason (e.g.
  /// the peer closed during it, or it timed out).
  handshake_failed_no_detail = 0x0800,
  /// A handshake completed: messages may flow (`peer` is set).
  handshake_succeeded = 0x1000,
  /// A handshake failed on a protocol error (`error` is the ZMTP failure).
  handshake_failed_protocol = 0x2000,
  /// Authentication refused the peer (`status` is the ZAP status code).
  handshake_failed_auth = 0x4000,
};

/// A set of `socket_event_type` bits.
using socket_event_mask = uint32_t;

/// Every event kind.
constexpr socket_event_mask all_socket_events = 0x7FFF;

/// Returns the bit of `x` (to build masks: `bit(a) | bit(b)`).
constexpr socket_event_mask bit(socket_event_type x) noexcept {
  return static_cast<socket_event_mask>(x);
}

/// Returns the name of `x` in lower case, as in libzmq without the
/// `ZMQ_EVENT_` prefix (e.g. "handshake_failed_auth").
std::string to_string(socket_event_type x);

// -- the event ----------------------------------------------------------------

/// One event of a socket, as subscribers get it: `(event_atom,
/// socket_event)`. Fields that do not apply to an event are empty or zero.
struct socket_event {
  /// What happened.
  socket_event_type type = socket_event_type::connected;
  /// The endpoint as the socket knows it: the connect endpoint as given to
  /// `connect_atom`, or the bound endpoint (with its real port) for
  /// listener events and for accepted connections.
  std::string endpoint;
  /// Local address of the connection or listener ("ip:port"), when known.
  std::string local_address;
  /// Remote address of the connection ("ip:port"), when known.
  std::string remote_address;
  /// Connection slot and incarnation, matching `peer_stats::key/epoch`
  /// (zero for listener and resolver events).
  uint64_t key = 0;
  /// See `key`.
  uint64_t epoch = 0;
  /// Why, in words, when known: "heartbeat timeout", "peer closed",
  /// "connection reset", "handshake timeout", "name resolution failed:
  /// <resolver message>", the ZMTP failure, the ZAP status text...
  std::string reason;
  /// The typed cause when one is known (an `errc`), else default.
  caf::error error;
  /// `handshake_failed_auth`: the ZAP status code (300, 400, 500).
  /// `handshake_failed_protocol`: libzmq's ZMQ_PROTOCOL_ERROR_* value when
  /// one maps, else 0.
  uint32_t status = 0;
  /// `connect_retried`: the delay before the next attempt.
  timespan retry_in{0};
  /// `handshake_succeeded` and `disconnected` of a connection that was up:
  /// who the peer is (the same object `from_atom` delivers).
  peer_identity_ptr peer;
};

/// Renders `x` as mqcat prints it: `NAME ENDPOINT [DETAIL]`, the detail being
/// `peer=ADDR key=K epoch=E retry_in=Nms status=S user=U reason=WHY` (the
/// parts that apply, the reason last; `status` in hex for
/// `handshake_failed_protocol`, as libzmq lists its protocol errors).
std::string to_string(const socket_event& x);

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::socket_event)
