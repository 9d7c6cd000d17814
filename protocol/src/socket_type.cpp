#include "monocoque/zmtp/socket_type.hpp"

#include <array>

namespace monocoque::zmtp {

namespace {

constexpr size_t type_count = 11;

constexpr std::array<std::string_view, type_count> names = {
  "PAIR", "PUB",  "SUB",  "REQ", "REP",  "DEALER",
  "ROUTER", "PULL", "PUSH", "XPUB", "XSUB",
};

using st = socket_type;

// One row per local type: the peer types it accepts (RFC 23).
constexpr bool ok(st self, st peer) noexcept {
  switch (self) {
    case st::pair:
      return peer == st::pair;
    case st::pub:
    case st::xpub:
      return peer == st::sub || peer == st::xsub;
    case st::sub:
    case st::xsub:
      return peer == st::pub || peer == st::xpub;
    case st::req:
      return peer == st::rep || peer == st::router;
    case st::rep:
      return peer == st::req || peer == st::dealer;
    case st::dealer:
      return peer == st::rep || peer == st::dealer || peer == st::router;
    case st::router:
      return peer == st::req || peer == st::dealer || peer == st::router;
    case st::pull:
      return peer == st::push;
    case st::push:
      return peer == st::pull;
  }
  return false;
}

} // namespace

std::string_view wire_name(socket_type x) noexcept {
  auto index = static_cast<size_t>(x);
  return index < type_count ? names[index] : std::string_view{"UNKNOWN"};
}

std::optional<socket_type> parse_socket_type(std::string_view name) noexcept {
  for (size_t i = 0; i < type_count; ++i)
    if (names[i] == name)
      return static_cast<socket_type>(i);
  return std::nullopt;
}

bool compatible(socket_type self, socket_type peer) noexcept {
  return ok(self, peer);
}

bool sends_identity(socket_type x) noexcept {
  return x == st::req || x == st::dealer || x == st::router;
}

bool accepts_subscriptions(socket_type x) noexcept {
  return x == st::pub || x == st::xpub;
}

bool sends_subscriptions(socket_type x) noexcept {
  return x == st::sub || x == st::xsub;
}

uint8_t zmq_number(socket_type x) noexcept {
  // The enumerators follow libzmq's numbering.
  return static_cast<uint8_t>(x);
}

std::optional<socket_type> from_zmq_number(uint8_t x) noexcept {
  if (x > static_cast<uint8_t>(socket_type::xsub))
    return std::nullopt;
  return static_cast<socket_type>(x);
}

} // namespace monocoque::zmtp
