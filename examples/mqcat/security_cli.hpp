#pragma once

// mqcat's security options (--curve-*, --plain-*, --zap-domain): parsed
// into a socket's `security_options` plus what its authenticator allows.
// Keys and certificate files are read while parsing, so that a bad key or a
// missing file is a usage error (exit 2) naming the option.
//
// Secrets given on the command line (--curve-secret as a Z85 key, not as a
// file; --plain-password; the password of --plain-allow) are wiped from
// mqcat's copies and overwritten in argv once parsed, which also blanks them in
// /proc/PID/cmdline; they are readable there (and in `ps`) for the moment
// before that, and stay in the shell's history. Prefer a certificate file
// for --curve-secret.

#include "caf/monocoque/authenticators.hpp"
#include "caf/monocoque/secret.hpp"
#include "caf/monocoque/security_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include <functional>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mqcat {

/// The security options of one socket.
struct security_args {
  /// Socket options to apply (no authenticator yet: see
  /// `spawn_authenticator_for`).
  caf::monocoque::security_options options;
  /// --curve-allow entries, resolved: Z85 keys and certificate paths.
  std::vector<std::string> curve_allow;
  /// --plain-allow entries.
  std::vector<std::pair<std::string, caf::monocoque::secret>> plain_allow;
  /// A --curve-* option was given.
  bool curve = false;
  /// A --plain-* option was given.
  bool plain = false;
  /// --curve-secret was given (else a CURVE client makes a fresh keypair).
  bool has_curve_secret = false;
  /// --zap-domain was given.
  bool has_zap_domain = false;
};

/// Where a command-line value came from: `argv[index]`, its value starting
/// at `offset` (after `--name=`). Used to blank secrets in argv.
struct arg_origin {
  /// Index into argv.
  int index = 0;
  /// First byte of the value within argv[index].
  size_t offset = 0;
};

/// Handles `name` if it is a security option: reads its value (for options
/// that take one) through `value`, which returns the value and where it
/// came from (nullopt at the end of the command line), and stores the
/// result in `out`. Returns nullopt if `name` is not a security option;
/// else an empty string on success or a usage error. Secret values are
/// overwritten in `argv`.
std::optional<std::string> parse_security_option(
  const std::string& name, bool has_inline_value,
  const std::function<std::optional<std::pair<std::string, arg_origin>>()>&
    value,
  char** argv, security_args& out);

/// Checks the combination of the security options of one socket (e.g.
/// --curve-server needs --curve-secret); returns a usage error or nullopt.
std::optional<std::string> check_security(const security_args& out);

/// Applies `args` to `opts`, spawning an authenticator when the socket is a
/// server with --curve-allow or --plain-allow entries. Fails only if the
/// authenticator cannot start (e.g. a certificate directory vanished).
caf::error apply_security(caf::actor_system& sys, const security_args& args,
                          caf::monocoque::security_options& opts);

/// Returns the usage text of the security options.
std::string security_usage();

/// `mqcat keygen [FILE]`: prints a new keypair as a certificate, or saves
/// it to FILE and FILE_secret (mode 0600) and prints the public one.
/// Returns the exit code.
int keygen_main(int argc, char** argv);

} // namespace mqcat
