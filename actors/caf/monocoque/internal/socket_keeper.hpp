#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/weak_intrusive_ptr.hpp>

namespace caf::monocoque::detail {

// -- socket keeper
// ----------------------------------------------------------------

/// Spawns the keeper of a socket (hub engine): a small hidden actor that
/// runs the socket's reconnect and `recv` timeout timers and, once asked, holds the socket
/// alive until it exits.
///
/// Why: in CAF 0.17 an actor lives while a strong handle to it exists, and a
/// `delayed_send` to oneself holds one until it fires. A socket that ran its
/// reconnect timers itself would never be destroyed while it keeps retrying
/// a refused or unresolvable endpoint, so a dropped handle would not let it
/// go and `~actor_system` would wait forever. The keeper holds `owner` only
/// weakly for timers (a timer of a destroyed socket fires into nothing) and
/// strongly only after `keep_atom` (a closing socket lingers by design). It
/// monitors the owner and exits with it.
actor spawn_socket_keeper(actor_system& sys, weak_actor_ptr owner);

} // namespace caf::monocoque::detail
