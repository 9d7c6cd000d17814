#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **push_actor**: a ZeroMQ PUSH socket (RFC 30). Messages are
/// load-balanced round-robin over the peers with room; the `send` reply waits
/// while every peer is at SNDHWM, and messages wait for a first peer (up to
/// SNDHWM). It never receives. Verbs: `socket_base_actor`, `sending_actor`.
using push_actor = socket_base_actor::extend_with<sending_actor>;

/// Spawns a PUSH socket with the module's default options.
push_actor spawn_push(actor_system& sys);

/// Spawns a PUSH socket with `opts`.
push_actor spawn_push(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
