#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace monocoque::zmtp {

/// The classic ZeroMQ socket types (RFC 28, 29, 30, 31 and 47 define their
/// semantics; RFC 23 lists which pairs may talk).
enum class socket_type : uint8_t {
  pair,
  pub,
  sub,
  req,
  rep,
  dealer,
  router,
  pull,
  push,
  xpub,
  xsub,
};

/// Returns the wire name of `x` as sent in the Socket-Type property, e.g.
/// "DEALER".
std::string_view wire_name(socket_type x) noexcept;

/// Parses a wire name (exact, uppercase, as RFC 23 spells it).
std::optional<socket_type> parse_socket_type(std::string_view name) noexcept;

/// Returns the libzmq ZMQ_* number of `x` (PAIR 0, PUB 1, ... XSUB 10), as
/// sent in a ZMTP 2.0 greeting (RFC 15).
uint8_t zmq_number(socket_type x) noexcept;

/// Parses a ZMQ_* number; nullopt for numbers beyond XSUB (10).
std::optional<socket_type> from_zmq_number(uint8_t x) noexcept;

/// Returns whether a socket of type `self` accepts a peer of type `peer`
/// (RFC 23, "The Socket-Type Property"). The relation is symmetric.
bool compatible(socket_type self, socket_type peer) noexcept;

/// Returns whether sockets of type `x` announce an Identity property
/// (REQ, DEALER and ROUTER, as libzmq does).
bool sends_identity(socket_type x) noexcept;

/// Returns whether sockets of type `x` receive subscriptions (PUB, XPUB).
bool accepts_subscriptions(socket_type x) noexcept;

/// Returns whether sockets of type `x` send subscriptions (SUB, XSUB).
bool sends_subscriptions(socket_type x) noexcept;

} // namespace monocoque::zmtp
