#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **pull_actor**: a ZeroMQ PULL socket (RFC 30). Messages of all peers
/// are fair-queued; it never sends. Verbs: `socket_base_actor`,
/// `receiving_actor`.
using pull_actor = socket_base_actor::extend_with<receiving_actor>;

/// Spawns a PULL socket with the module's default options.
pull_actor spawn_pull(actor_system& sys);

/// Spawns a PULL socket with `opts`.
pull_actor spawn_pull(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
