#pragma once

// mqcat's command line: what the user asked for, parsed without CAF so that
// mqcat controls its own usage errors and exit codes.

#include "security_cli.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqcat {

// -- exit codes ---------------------------------------------------------------

/// Success.
constexpr int exit_ok = 0;

/// Timeout or runtime failure.
constexpr int exit_failure = 1;

/// Bad usage.
constexpr int exit_usage = 2;

// -- parsed arguments ---------------------------------------------------------

/// One `--bind` or `--connect`, in command-line order.
struct endpoint_arg {
  /// True for `--bind`, false for `--connect`.
  bool bind = false;
  /// The endpoint string, e.g. `tcp://127.0.0.1:5555`.
  std::string address;
};

/// Everything mqcat was asked to do.
struct args {
  /// Socket type name (one of `socket_types`).
  std::string type;
  /// Endpoints to bind and connect, in order.
  std::vector<endpoint_arg> endpoints;
  /// Send each stdin line as one message.
  bool send = false;
  /// Print each received message as one stdout line.
  bool recv = false;
  /// Send every received message back.
  bool echo = false;
  /// Stop after this many messages (received, or sent with `--send` only).
  std::optional<uint64_t> count;
  /// Splits a line into frames.
  std::optional<char> delimiter;
  /// Routing id announced to peers (already decoded from `0x` hex).
  std::optional<std::string> identity;
  /// Subscription prefixes (already decoded from `0x` hex).
  std::vector<std::string> subscriptions;
  /// Fail when nothing arrives for this long.
  std::optional<std::chrono::milliseconds> timeout;
  /// Flush time on exit; negative waits until everything is sent.
  std::optional<std::chrono::milliseconds> linger;
  /// `--monocoque.NAME=VALUE` options, handed to CAF's parser.
  std::vector<std::string> caf_options;
  /// Print the socket's statistics to stderr on exit.
  bool verbose = false;
  /// Print each event of the socket to stderr (`event NAME ENDPOINT ...`).
  bool events = false;
  /// The security options (--curve-*, --plain-*, --zap-domain).
  security_args security;
  /// `-h` or `--help` was given.
  bool help = false;

  /// Returns whether messages are read from the socket.
  bool receives() const noexcept {
    return recv || echo;
  }
};

/// Every socket type name mqcat accepts, in the order of the usage text.
extern const std::vector<std::string_view> socket_types;

/// Parses `argv[1..argc)` into `out`. Returns an error message for bad usage.
/// Secrets (passwords, Z85 secret keys) are overwritten in `argv`.
std::optional<std::string> parse_args(int argc, char** argv, args& out);

/// Returns the usage text.
std::string usage();

} // namespace mqcat
