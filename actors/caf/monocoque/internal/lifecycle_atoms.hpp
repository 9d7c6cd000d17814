#pragma once

// Internal messages of a socket's lifecycle: name resolution, reconnect
// timers and keeping a closing socket alive. Never sent by users.

#include "caf/monocoque/internal/atoms.hpp"

#include <caf/atom.hpp>

namespace caf::monocoque::detail {

// -- lifecycle atoms
// ------------------------------------------------------------

/// A resolver's one-way answer for a connect endpoint: `(resolved_atom, key,
/// targets)` or `(resolved_atom, key, error)`.
using resolved_atom = atom_constant<atom("mqresolvd")>;

// The keeper's timers use `timer_atom` (internal/atoms.hpp):
// `(timer_atom, key, delay)` sends the socket `(reconnect_atom, key)` after
// `delay` if the socket still exists; `(timer_atom, key)` is that timer
// firing in the keeper.

/// The deadline of a timed `recv` passed: `(recv_timeout_atom, id)` to the
/// socket. Timed through the keeper too: `(recv_timeout_atom, id, delay)`
/// sends it to the socket after `delay` if the socket still exists.
using recv_timeout_atom = atom_constant<atom("mqrecvto")>;

/// To a socket's keeper: `(keep_atom, strong_actor_ptr)` holds the socket
/// until it exits (a closing socket lingers even when its last handle is
/// gone).
using keep_atom = atom_constant<atom("mqkeep")>;

} // namespace caf::monocoque::detail
