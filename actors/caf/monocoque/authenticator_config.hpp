#pragma once

#include "caf/monocoque/certificate.hpp"
#include "caf/monocoque/secret.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

/// What the ready-made authenticator (`spawn_authenticator`) accepts,
/// modelled on pyzmq's `zmq.auth` and CZMQ's `zauth`.
///
/// **Order of checks** for each request: first the peer's address (a
/// listed `deny_addresses` entry refuses; with `allow_addresses`, only
/// listed addresses go on; deny wins over allow), then the rules of the
/// request's ZAP domain for its mechanism. NULL peers that pass the address
/// check are accepted (as pyzmq).
///
/// **Domains.** `domains` maps a ZAP domain (`security_options::zap_domain`)
/// to its rules; the entry `"*"` serves every domain without an entry of its
/// own. An own entry replaces `"*"` for its domain, it is not merged with it.
/// A domain with no rules refuses every PLAIN and CURVE peer.
struct authenticator_config {
  /// The credentials accepted in one ZAP domain.
  struct domain_rules {
    // -- CURVE ----------------------------------------------------------------

    /// Accept every client key: the handshake proved that the client holds
    /// the secret key of the public key it sent, but anyone can make a key
    /// (pyzmq's `CURVE_ALLOW_ANY`). The reply's user id is the key in Z85.
    bool curve_allow_any = false;

    /// Client public keys to accept, each 32 raw bytes or 40 Z85 characters.
    std::vector<std::string> curve_keys;

    /// Certificates of clients to accept (their public key counts; their
    /// metadata become the reply's properties).
    std::vector<certificate> curve_certificates;

    /// Certificate files and directories of public certificates (see
    /// `certificate::load_directory`) of clients to accept. The
    /// authenticator loads them at spawn (failing if one cannot be read),
    /// again on `reload_atom`, and when a path's modification time changed
    /// since it was loaded (checked with one `stat` per path on each CURVE
    /// request: adding, removing or renaming a file in a directory changes
    /// the directory's time; editing a file inside it in place does not,
    /// send `reload_atom` then). A path that cannot be read on reload
    /// allows nobody until it can (fail closed).
    std::vector<std::string> curve_certificate_paths;

    // -- PLAIN ----------------------------------------------------------------

    /// User names and their passwords. Passwords are compared in constant
    /// time (`secret::matches`); an unknown user costs the same comparison.
    /// The reply's user id is the user name.
    std::vector<std::pair<std::string, secret>> plain_passwords;
  };

  // -- addresses --------------------------------------------------------------

  /// If not empty, only these peers pass: IPv4 or IPv6 addresses, or
  /// networks in CIDR notation (`10.0.0.0/8`, `fd00::/8`). IPv4-mapped IPv6
  /// peers (`::ffff:192.0.2.7`) count as their IPv4 address.
  std::vector<std::string> allow_addresses;

  /// Peers refused regardless of `allow_addresses` (same notation).
  std::vector<std::string> deny_addresses;

  // -- credentials ------------------------------------------------------------

  /// Rules per ZAP domain; `"*"` serves every other domain.
  std::map<std::string, domain_rules> domains;

  /// Returns the rules of the `"*"` domain (creating them).
  domain_rules& any_domain() {
    return domains["*"];
  }
};

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::authenticator_config)
