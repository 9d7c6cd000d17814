#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **pair_actor**: a ZeroMQ PAIR socket (RFC 31): exactly one peer. A
/// second connection is refused (closed) while the first lives; messages
/// wait for the peer up to SNDHWM. Verbs: `socket_base_actor`,
/// `sending_actor`, `receiving_actor`.
using pair_actor = socket_base_actor::extend_with<sending_actor, receiving_actor>;

/// Spawns a PAIR socket with the module's default options.
pair_actor spawn_pair(actor_system& sys);

/// Spawns a PAIR socket with `opts`.
pair_actor spawn_pair(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
