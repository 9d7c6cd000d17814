#pragma once

#include "caf/monocoque/socket_interfaces.hpp"

#include <caf/typed_actor.hpp>

namespace caf::monocoque {

// -- the PubSubHub family -----------------------------------------------------

/// **PubSubHub**: the interface of the engine running the publish-subscribe
/// socket types (PUB, XPUB, SUB, XSUB): the hub engine
/// (`internal/hub_engine.hpp`) with a prefix-trie subscription index and
/// zero-copy fan-out. This is the subset of the engine's verbs the family
/// uses: `socket_base_actor`, `sending_actor`, `receiving_actor` and
/// `subscribing_actor`. The user handles (`pub_actor`, `sub_actor`,
/// `xpub_actor`, `xsub_actor`) are narrowed from it.
using pubsub_hub_actor = socket_base_actor::extend_with<
  sending_actor, receiving_actor, subscribing_actor>;

} // namespace caf::monocoque
