#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include <string>

namespace caf::monocoque {

/// The subscription verbs of a SUB socket.
///
/// - `(subscribe_to_atom, prefix)` → `ok`: receive messages whose first frame
///   starts with `prefix` (the empty prefix: everything). Sent to every
///   publisher now and replayed to every publisher that connects later.
/// - `(unsubscribe_from_atom, prefix)` → `ok`: cancels one subscription;
///   subscriptions are counted, so the last cancel of a prefix reaches the
///   publishers (an unknown prefix changes nothing).
using subscribing_actor =
  typed_actor<replies_to<subscribe_to_atom, std::string>::with<ok_atom>,
              replies_to<unsubscribe_from_atom, std::string>::with<ok_atom>>;

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
