#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **pub_actor**: a ZeroMQ PUB socket (RFC 29), run by the PubSubHub. Each
/// message goes to every subscriber with a matching prefix subscription
/// (first frame starts with the prefix; the empty prefix matches all),
/// exactly once however many of its prefixes match, as one refcounted
/// payload (no copy per subscriber). A subscriber at SNDHWM loses the
/// message (counted in its `peer_stats::drops`); the others are not slowed
/// and a `send` never waits. Subscriptions arrive as SUBSCRIBE/CANCEL
/// commands (ZMTP 3.1) or `\x01`/`\x00` messages (3.0) and vanish with the
/// subscriber's connection. A subscriber holds a prefix once, however often
/// it subscribed, and one cancel removes it, as in libzmq: subscribers count
/// their own subscriptions (SUB: subscribe twice, cancel once, still
/// subscribed) and send the cancel when the last one goes. It never receives. Verbs:
/// `socket_base_actor`, `sending_actor`.
using pub_actor = socket_base_actor::extend_with<sending_actor>;

/// Spawns a PUB socket with the module's default options.
pub_actor spawn_pub(actor_system& sys);

/// Spawns a PUB socket with `opts`.
pub_actor spawn_pub(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
