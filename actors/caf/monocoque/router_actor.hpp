#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **router_actor**: a ZeroMQ ROUTER socket (RFC 28). Every received message
/// starts with the routing id of its peer (the peer's `Identity`, else a
/// generated 5-byte id `00` + uint32); a sent message starts with the id of
/// its destination. An unknown id is dropped (`router_mandatory`:
/// `errc::host_unreachable`); a full peer drops (`router_mandatory`: the
/// `send` reply waits for room). A peer announcing an id already in use is
/// refused, or takes the id over with `router_handover`.
/// `(connect_atom, ep, routing_id)` connects and names that peer
/// (libzmq's ZMQ_CONNECT_ROUTING_ID). Verbs: `socket_base_actor`,
/// `sending_actor`, `receiving_actor`, connect with routing id.
using router_actor = socket_base_actor::extend_with<sending_actor, receiving_actor>::extend<replies_to<connect_atom, std::string, std::string>::with<ok_atom>>;

/// Spawns a ROUTER socket with the module's default options.
router_actor spawn_router(actor_system& sys);

/// Spawns a ROUTER socket with `opts`.
router_actor spawn_router(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
