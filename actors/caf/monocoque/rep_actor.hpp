#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **rep_actor**: a ZeroMQ REP socket (RFC 28). Requests of all peers are
/// fair-queued; `recv` yields the request body, and the next `send` is its
/// reply: the envelope (every frame up to the empty delimiter) is kept per
/// request and put back, so the reply reaches the requester (dropped if it
/// has gone). `recv` while a reply is owed, or `send` with none owed, fails
/// with `errc::wrong_state`. Push-style delivery hands out the next request
/// only after the reply. Verbs: `socket_base_actor`, `(send_atom,
/// multipart)`, one-way `(post_atom, multipart)` with `window_atom` (see
/// `sending_actor`), `receiving_actor`.
using rep_actor = socket_base_actor::extend_with<receiving_actor>::extend<replies_to<send_atom, multipart>::with<ok_atom>,
          reacts_to<window_atom, actor, uint64_t>,
          reacts_to<post_atom, multipart>>;

/// Spawns a REP socket with the module's default options.
rep_actor spawn_rep(actor_system& sys);

/// Spawns a REP socket with `opts`.
rep_actor spawn_rep(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
