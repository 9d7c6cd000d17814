#pragma once

// Which of our sockets a hostile suite attacks, and how the attackers reach
// it (issue 21 §5). One test body runs against several targets: a CTest
// entry picks one through the environment (interop/CMakeLists.txt, "hostile
// peers against every socket type"), the plain entry attacks our ROUTER
// over tcp with ZMTP 3.1 attackers.
//
// - MONOCOQUE_HOSTILE_TARGET: router (default), pub, xpub, sub, rep, pull,
//   pair: the type of our socket, bound; the attackers announce the type
//   that may talk to it (a SUB against a PUB, a PUB against a SUB, ...).
// - MONOCOQUE_HOSTILE_TRANSPORT: tcp (default) or ipc.
// - MONOCOQUE_HOSTILE_ZMTP: 3.1 (default) or 2.0: the attackers' greeting.

#include "hostile/attacks.hpp"

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace hostile {

/// The socket types a hostile suite can attack.
enum class target_type { router, pub, xpub, sub, rep, pull, pair };

/// What a suite attacks and how.
struct target_profile {
  /// Our socket's type.
  target_type type = target_type::router;
  /// Bind an ipc endpoint instead of a tcp one.
  bool ipc = false;
  /// The attackers greet with ZMTP 2.0.
  bool zmtp20 = false;

  /// Reads the profile from the environment (see the top of this file).
  static target_profile from_env() {
    target_profile result;
    auto get = [](const char* name) {
      auto* val = std::getenv(name);
      return std::string{val != nullptr ? val : ""};
    };
    static const std::pair<const char*, target_type> names[] = {
        {"router", target_type::router}, {"pub", target_type::pub},
        {"xpub", target_type::xpub},     {"sub", target_type::sub},
        {"rep", target_type::rep},       {"pull", target_type::pull},
        {"pair", target_type::pair}};
    auto type = get("MONOCOQUE_HOSTILE_TARGET");
    for (auto& [name, value] : names)
      if (type == name)
        result.type = value;
    result.ipc = get("MONOCOQUE_HOSTILE_TRANSPORT") == "ipc";
    result.zmtp20 = get("MONOCOQUE_HOSTILE_ZMTP") == "2.0";
    return result;
  }

  /// Our socket's type in ZMTP's spelling.
  const char* type_name() const {
    switch (type) {
    case target_type::router:
      return "ROUTER";
    case target_type::pub:
      return "PUB";
    case target_type::xpub:
      return "XPUB";
    case target_type::sub:
      return "SUB";
    case target_type::rep:
      return "REP";
    case target_type::pull:
      return "PULL";
    default:
      return "PAIR";
    }
  }

  /// The type the attackers (and the canary) announce: one our socket
  /// accepts.
  const char* peer_type() const {
    switch (type) {
    case target_type::router:
      return "DEALER";
    case target_type::pub:
    case target_type::xpub:
      return "SUB";
    case target_type::sub:
      return "PUB";
    case target_type::rep:
      return "REQ";
    case target_type::pull:
      return "PUSH";
    default:
      return "PAIR";
    }
  }

  /// Where our socket binds: a free loopback port, or a socket file of
  /// this process.
  std::string bind_endpoint() const {
    if (!ipc)
      return "tcp://127.0.0.1:*";
    return "ipc:///tmp/monocoque-hostile-" + std::to_string(::getpid())
           + ".sock";
  }

  /// One line for the log.
  std::string describe() const {
    return std::string{type_name()} + (ipc ? " over ipc" : " over tcp")
           + (zmtp20 ? ", attackers greet with ZMTP 2.0" : "");
  }

  /// Makes the attackers of `attacks.hpp` follow this profile.
  void apply() const {
    profile().type = peer_type();
    profile().zmtp20 = zmtp20;
  }
};

} // namespace hostile
