#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <string>

namespace caf::monocoque {

/// **sub_actor**: a ZeroMQ SUB socket (RFC 29), run by the PubSubHub. It
/// fair-queues messages from its publishers and filters them by its own
/// subscriptions as well (a publisher need not filter). It never sends.
/// Verbs: `socket_base_actor`, `receiving_actor`, `subscribing_actor`.
using sub_actor =
  socket_base_actor::extend_with<receiving_actor, subscribing_actor>;

/// Spawns a SUB socket with the module's default options.
sub_actor spawn_sub(actor_system& sys);

/// Spawns a SUB socket with `opts`.
sub_actor spawn_sub(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
