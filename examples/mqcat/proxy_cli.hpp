#pragma once

// The command line of `mqcat proxy FRONTEND BACKEND [--capture SPEC]`.

#include "cli.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqcat {

/// One proxy socket: `TYPE,bind,ENDPOINT` or `TYPE,connect,ENDPOINT`.
struct socket_spec {
  /// Socket type name (one of `socket_types`).
  std::string type;
  /// Where it binds or connects.
  endpoint_arg endpoint;
  /// Its security options (those that follow it on the command line).
  security_args security;
};

/// Everything `mqcat proxy` was asked to do.
struct proxy_args {
  /// The socket the proxy reads from (it must receive).
  socket_spec frontend;
  /// The socket the proxy writes into (it must send).
  socket_spec backend;
  /// Gets a copy of every forwarded message (it must send).
  std::optional<socket_spec> capture;
  /// Print the proxy's statistics to stderr on exit.
  bool verbose = false;
  /// Print each event of the three sockets to stderr, the side named.
  bool events = false;
  /// `--monocoque.NAME=VALUE` options, handed to CAF's parser.
  std::vector<std::string> caf_options;
  /// `-h` or `--help` was given.
  bool help = false;
};

/// Parses `TYPE,bind,ENDPOINT` or `TYPE,connect,ENDPOINT` into `out`.
/// Returns an error message for bad usage.
std::optional<std::string> parse_socket_spec(std::string_view text,
                                             socket_spec& out);

/// Parses `argv[2..argc)` (after `mqcat proxy`) into `out`. Returns an
/// error message for bad usage.
std::optional<std::string> parse_proxy_args(int argc, char** argv,
                                            proxy_args& out);

/// Returns the usage text of `mqcat proxy`.
std::string proxy_usage();

} // namespace mqcat
