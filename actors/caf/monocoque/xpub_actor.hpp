#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **xpub_actor**: a ZeroMQ XPUB socket (RFC 29): a PUB whose application
/// also receives the subscriptions, as one-frame messages `\x01prefix`
/// (subscribe) and `\x00prefix` (cancel). Only the first subscription of a
/// prefix (over all subscribers) and the cancel that leaves it without
/// subscribers are delivered, unless `xpub_verbose` (every subscribe) or
/// `xpub_verbose_unsubscribe` (every cancel); a subscriber that goes away
/// cancels its prefixes. Other messages from subscribers are delivered as
/// they are. `xpub_nodrop` makes a `send` wait for room instead of
/// dropping; `xpub_welcome_msg` greets each new subscriber. Verbs:
/// `socket_base_actor`, `sending_actor`, `receiving_actor`.
using xpub_actor = socket_base_actor::extend_with<sending_actor,
                                                  receiving_actor>;

/// Spawns an XPUB socket with the module's default options.
xpub_actor spawn_xpub(actor_system& sys);

/// Spawns an XPUB socket with `opts`.
xpub_actor spawn_xpub(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
