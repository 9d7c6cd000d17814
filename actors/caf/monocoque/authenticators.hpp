#pragma once

#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/authenticator_config.hpp"
#include "caf/monocoque/secret.hpp"

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

/// Re-reads the certificate files and directories of an authenticator.
using reload_atom = atom_constant<atom("mqreload")>;

/// **The ready-made authenticator**: a typed actor that serves as
/// `security_options::authenticator` (it is an `authenticator_actor`) and
/// decides after `authenticator_config`: address allow/deny lists, then per
/// ZAP domain a CURVE allow list (any key, keys, certificates, certificate
/// files and directories) and a PLAIN password table.
///
/// Protocol:
/// - socket → authenticator: `(authenticate_atom, zap_request)` →
///   `zap_reply`: 200 with the user id (PLAIN: the user name; CURVE: the
///   client key in Z85) and, for a key from a certificate, the certificate's
///   metadata as properties; 400 with a reason otherwise. The reason
///   (`status_text`) never quotes a password.
/// - anyone → authenticator: `(reload_atom)` → `ok_atom` after re-reading
///   every certificate path, or an error naming the paths that could not be
///   read (those allow nobody until a later reload succeeds).
/// - anyone → authenticator: `(put_atom, authenticator_config)` → `ok_atom`
///   once the new configuration is in force (later requests use it), or
///   `errc::invalid_option` / `errc::invalid_certificate`, keeping the old
///   one.
///
/// Certificate paths are read in the actor's own context (small files, with
/// `stat` calls on CURVE requests); nothing else blocks. One authenticator
/// may serve any number of sockets.
using configurable_authenticator_actor = authenticator_actor::extend<
  replies_to<reload_atom>::with<ok_atom>,
  replies_to<put_atom, authenticator_config>::with<ok_atom>>;

/// Spawns an authenticator with `cfg`. Fails with `errc::invalid_option`
/// (naming the field) for a malformed key or address, and with
/// `errc::invalid_certificate` for a certificate path that cannot be read.
expected<configurable_authenticator_actor>
spawn_authenticator(actor_system& sys, authenticator_config cfg);

/// Spawns an authenticator that accepts every CURVE client key (in every
/// domain): the user id names the key, which a server may check later.
configurable_authenticator_actor
spawn_curve_allow_any_authenticator(actor_system& sys);

/// Spawns an authenticator that accepts the CURVE clients whose public key
/// is in `keys_or_paths`, in every domain: each item is the path of a
/// certificate file or directory if such a file exists, else a key in Z85
/// if it has 40 characters, else a (missing) path. Raw 32-byte keys go into
/// `authenticator_config::domain_rules::curve_keys` instead.
expected<configurable_authenticator_actor>
spawn_curve_authenticator(actor_system& sys,
                          std::vector<std::string> keys_or_paths);

/// Spawns an authenticator that accepts the PLAIN clients in `passwords`
/// (user name, password; in every domain).
expected<configurable_authenticator_actor>
spawn_plain_authenticator(actor_system& sys,
                          std::vector<std::pair<std::string, secret>>
                            passwords);

} // namespace caf::monocoque
