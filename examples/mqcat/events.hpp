#pragma once

// `--events`: an actor subscribed to a socket's events prints each one to
// stderr as `event NAME ENDPOINT [DETAIL]` (socket_event.hpp's
// `to_string`). In `mqcat proxy`, `side=frontend`, `side=backend` or
// `side=capture` leads the detail, so both sides' events tell apart even
// when they share an endpoint.
//
// Protocol:
// - main thread → socket: `(monitor_atom, printer, all_socket_events)`
//   before any bind or connect, so that `listening` and `bind_failed`
//   print too.
// - socket → printer: `(event_atom, socket_event)`. The printer quits after
//   `monitor_stopped` (the socket's last event) or when the socket is down
//   (it monitors the socket, holding it weakly).
// - main thread: at exit, `await_printers` waits (bounded) for the printers
//   to quit, so that the last events print before mqcat's own last line.

#include "caf/monocoque/socket_event.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mqcat {

/// Returns the line `--events` prints for `ev` (without its newline):
/// `event NAME ENDPOINT [DETAIL]`; a non-empty `side` leads the detail as
/// `side=SIDE`.
std::string event_line(const caf::monocoque::socket_event& ev,
                       std::string_view side = {});

/// Spawns a printer for the events of `socket` (see above) and subscribes
/// it to all of them. Returns the printer, or prints why the socket refused
/// and returns a null handle.
caf::actor watch_events(caf::actor_system& sys, caf::scoped_actor& self,
                        const caf::actor& socket, std::string side = {});

/// Waits until every printer in `printers` quit (their sockets are closing
/// or gone), at most about 2 s in total.
void await_printers(caf::scoped_actor& self,
                    const std::vector<caf::actor>& printers);

} // namespace mqcat
