#pragma once

#include "caf/monocoque/socket_interfaces.hpp"

#include <caf/typed_actor.hpp>

#include <string>

namespace caf::monocoque {

// -- the RouterHub family -----------------------------------------------------

/// **RouterHub**: the interface of the engine running the point-to-point
/// socket types (DEALER, ROUTER, REQ, REP, PUSH, PULL, PAIR). One hub engine
/// (`internal/hub_engine.hpp`) runs every socket type; this is the subset of
/// its verbs this family uses: `socket_base_actor`, `sending_actor`,
/// `receiving_actor` and the ROUTER's connect with a routing id. Each user
/// handle of the family (`dealer_actor`, `router_actor`, ...) is narrowed
/// from it; a verb a type does not have (a PULL's `send`) is refused at
/// compile time by that handle, and at run time by its policy.
using router_hub_actor = socket_base_actor::extend_with<
  sending_actor, receiving_actor>::
  extend<replies_to<connect_atom, std::string, std::string>::with<ok_atom>>;

} // namespace caf::monocoque
