#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **dealer_actor**: a ZeroMQ DEALER socket as a typed actor (RFC 28).
/// Outgoing messages are load-balanced round-robin over the peers with room
/// (messages wait for a first peer up to SNDHWM, as in libzmq); incoming
/// messages are fair-queued across them. Verbs: `socket_base_actor`,
/// `sending_actor`, `receiving_actor`.
using dealer_actor = socket_base_actor::extend_with<sending_actor, receiving_actor>;

/// Spawns a DEALER socket with the module's default options.
dealer_actor spawn_dealer(actor_system& sys);

/// Spawns a DEALER socket with `opts`.
dealer_actor spawn_dealer(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
