#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// Names of the ZMTP commands this layer knows.
namespace command_name {

/// NULL/PLAIN/CURVE: the final handshake command, carrying metadata.
constexpr std::string_view ready = "READY";
/// PLAIN/CURVE: the client's first handshake command.
constexpr std::string_view hello = "HELLO";
/// PLAIN/CURVE: the server's answer to an accepted HELLO.
constexpr std::string_view welcome = "WELCOME";
/// PLAIN/CURVE: the client's metadata, after WELCOME.
constexpr std::string_view initiate = "INITIATE";
/// Handshake failure with a reason (RFC 23).
constexpr std::string_view error = "ERROR";
/// Heartbeat request (RFC 37 / ZMTP 3.1).
constexpr std::string_view ping = "PING";
/// Heartbeat reply.
constexpr std::string_view pong = "PONG";
/// Subscription (ZMTP 3.1).
constexpr std::string_view subscribe = "SUBSCRIBE";
/// Unsubscription (ZMTP 3.1).
constexpr std::string_view cancel = "CANCEL";

} // namespace command_name

/// A parsed command frame body: `name-size name data`.
struct command_view {
  /// Command name, 1..255 bytes.
  std::string_view name;
  /// Everything after the name.
  byte_span data;
};

/// Splits a command frame body; nullopt if it is empty, names an empty
/// command, or is shorter than its name size says.
std::optional<command_view> parse_command(byte_span body) noexcept;

/// The body of a PING command.
struct ping_body {
  /// Time to live the sender asks us to apply, in tenths of a second.
  uint16_t ttl_deciseconds = 0;
  /// Opaque context (at most 16 bytes) to echo in the PONG.
  byte_span context;
};

/// Maximum size of a PING context that is echoed back.
constexpr size_t max_ping_context = 16;

/// Parses PING data; nullopt if it is shorter than the 2-byte TTL. A longer
/// context is truncated to `max_ping_context`, as libzmq does.
std::optional<ping_body> parse_ping(byte_span data) noexcept;

/// Builds PING data.
std::vector<uint8_t> make_ping(uint16_t ttl_deciseconds, byte_span context);

/// Parses ERROR data (`reason-size reason`); nullopt if truncated.
std::optional<std::string_view> parse_error_reason(byte_span data) noexcept;

/// Builds ERROR data; the reason is cut at 255 bytes.
std::vector<uint8_t> make_error(std::string_view reason);

} // namespace monocoque::zmtp
