#pragma once

// Fixture of the hostile_curve_* suites: the hostile fixture's ROUTER with
// an echo, made a CURVE server (no authenticator: any client key, as
// libzmq without a ZAP handler), and its libzmq canary made a CURVE client
// of it: the legitimate client that must be served while an attack runs.

#include "hostile/curve_attacks.hpp"
#include "hostile/fixture.hpp"
#include "security_fixture.hpp"

#include <sys/resource.h>

namespace hostile {

struct curve_fixture : fixture {
  interop::security_setup setup;

  curve_fixture() { setup.mechanism = interop::mech::curve; }

  /// The ROUTER's options: the defaults plus CURVE server.
  mq::socket_options curve_options() {
    auto opts = options();
    interop::secure(opts, setup, true);
    return opts;
  }

  /// Starts the ROUTER with `opts` and a CURVE canary.
  void start_curve(mq::socket_options opts) {
    start(std::move(opts),
          [this](zmq::socket_t& z) { interop::zsecure(z, setup, false); });
  }

  /// Starts the ROUTER with `curve_options()` and a CURVE canary.
  void start_curve() { start_curve(curve_options()); }

  /// A session config for a legitimate CURVE client of the ROUTER.
  zmtp::session_config client_config(std::string identity = {}) {
    return curve_client_config(setup.server.public_z85, std::move(identity));
  }

  /// Logs how many failures of each CURVE-related code were logged.
  void log_failure_codes() {
    static const char* codes[] = {
        "malformed_command_hello", "malformed_command_initiate",
        "cryptographic",           "key_exchange",
        "message_too_large",       "malformed_command",
        "unexpected_command",      "reserved_flags",
        "invalid_frame_size",      "mechanism_mismatch",
        "invalid_metadata",        "handshake_timeout"};
    std::string line;
    for (auto* c : codes)
      if (auto n = failures->count(c); n > 0)
        line += std::string{" "} + c + "=" + std::to_string(n);
    CAF_MESSAGE("failure codes (" << failures->total() << " total):" << line);
  }
};

/// Raises the descriptor limit to `need` (both ends of every connection
/// live in this process).
inline void raise_fd_limit(rlim_t need) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= need)
    return;
  lim.rlim_cur = std::min(need, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

} // namespace hostile
