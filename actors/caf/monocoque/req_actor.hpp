#pragma once

#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

namespace caf::monocoque {

/// **req_actor**: a ZeroMQ REQ socket (RFC 28). Strict alternation: `send`
/// one request (round-robin over the peers), then `recv` its reply; a second
/// `send` before the reply fails with `errc::wrong_state` (unless
/// `req_relaxed`), and so does a `recv` with no request out. The empty
/// delimiter is added and removed for you; only the peer that got the
/// request can answer it (with `req_correlate`, only with its request id).
/// Use `(recv_atom, timeout)` so a dead server cannot block forever. Verbs:
/// `socket_base_actor`, `(send_atom, multipart)`, one-way `(post_atom,
/// multipart)` with `window_atom` (see `sending_actor`), `receiving_actor`.
using req_actor = socket_base_actor::extend_with<receiving_actor>::extend<replies_to<send_atom, multipart>::with<ok_atom>,
          reacts_to<window_atom, actor, uint64_t>,
          reacts_to<post_atom, multipart>>;

/// Spawns a REQ socket with the module's default options.
req_actor spawn_req(actor_system& sys);

/// Spawns a REQ socket with `opts`.
req_actor spawn_req(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
