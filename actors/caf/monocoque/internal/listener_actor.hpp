#pragma once

#include "caf/monocoque/internal/transport.hpp"
#include "caf/monocoque/internal/atoms.hpp"
#include "caf/monocoque/internal/event_interest.hpp"
#include "caf/monocoque/message_types.hpp"

#include <caf/typed_actor.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <cstdint>

namespace caf::monocoque {

namespace detail {
class uring_multiplexer;
} // namespace detail

/// **ListenerActor**: one per bound endpoint, pinned to a ring. It owns the
/// listening fd and keeps one `accept` in flight; every accepted connection
/// goes to its owner as `(accepted_atom, key, owned_fd)`, where the owner
/// spawns the connection's SocketActor and ZmtpIntegratedActor.
///
/// Who talks to it: its owner (`close`), which it monitors (it holds the
/// owner only weakly and closes when the owner goes); its accept completions.
using listener_actor
  = typed_actor<reacts_to<close_atom>,
                reacts_to<accept_done_atom, int32_t, detail::owned_fd>>;

/// What a ListenerActor sends to its owner.
using listener_owner
  = typed_actor<reacts_to<accepted_atom, uint64_t, detail::owned_fd>>;

/// Spawns a ListenerActor for the listening socket `fd` on `mpx`. While
/// `interest` is non-zero, a failing accept is reported to the owner as
/// `(conn_event_atom, socket_event)` of kind `accept_failed` (once per
/// streak of failures), with `key` naming the listener.
listener_actor spawn_listener_actor(actor_system& sys,
                                    detail::uring_multiplexer* mpx, int fd,
                                    weak_actor_ptr owner, uint64_t key,
                                    detail::event_interest interest = {});

} // namespace caf::monocoque
