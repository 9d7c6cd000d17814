#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **xsub_actor**: a ZeroMQ XSUB socket (RFC 29): a SUB whose application
/// subscribes by sending one-frame messages `\x01prefix` (subscribe) and
/// `\x00prefix` (cancel). They reach every publisher, including publishers
/// that connect later (each distinct prefix replayed once); cancels are
/// counted like SUB's. Other sent messages go to every publisher as they
/// are. Received messages are filtered by the subscriptions. Verbs:
/// `socket_base_actor`, `sending_actor`, `receiving_actor`.
using xsub_actor = socket_base_actor::extend_with<sending_actor,
                                                  receiving_actor>;

/// Spawns an XSUB socket with the module's default options.
xsub_actor spawn_xsub(actor_system& sys);

/// Spawns an XSUB socket with `opts`.
xsub_actor spawn_xsub(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
