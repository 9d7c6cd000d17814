#pragma once

#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/message.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <cstdint>
#include <vector>

namespace caf::monocoque {

// -- payload types ------------------------------------------------------------

/// One message part: a refcounted, immutable byte slice. Copying it never
/// copies the payload, so frames travel through actor messages for free.
using frame = ::monocoque::zmtp::frame;

/// A multipart ZeroMQ message.
using multipart = ::monocoque::zmtp::message;

/// Builds a multipart message from strings.
using ::monocoque::zmtp::make_message;

// -- atoms of the public interfaces -------------------------------------------

// The atoms of the plugin's own actors (connections, listeners, the engine)
// are in internal/atoms.hpp: users never see them.

/// Binds a socket to an endpoint.
using bind_atom = atom_constant<atom("mqbind")>;

/// Connects a socket to an endpoint.
using connect_atom = atom_constant<atom("mqconnect")>;

/// Sends a message.
using send_atom = atom_constant<atom("mqsend")>;

/// Sends a message one way (no reply; flow control by credit).
using post_atom = atom_constant<atom("mqpost")>;

/// Asks a socket for a credit window for one-way sends.
using window_atom = atom_constant<atom("mqwindow")>;

/// Selects batched push delivery.
using batch_atom = atom_constant<atom("mqbatch")>;

/// Receives a message (request style).
using recv_atom = atom_constant<atom("mqrecv")>;

/// Delivers received messages to an actor (push style).
using deliver_atom = atom_constant<atom("mqdeliver")>;

/// With `recv_atom` or `deliver_atom`: each message comes with who sent it
/// (a `peer_identity_ptr`).
using from_atom = atom_constant<atom("mqfrom")>;

/// Grants push-style delivery credit.
using credit_atom = atom_constant<atom("mqcredit")>;

/// Closes a socket (with linger).
using close_atom = atom_constant<atom("mqclose")>;

/// Tags a message pushed to a delivery target.
using message_atom = atom_constant<atom("mqmsg")>;

/// Asks a socket for its state.
using status_atom = atom_constant<atom("mqstatus")>;

/// Asks a socket for its introspection (`socket_stats`).
using stats_atom = atom_constant<atom("mqstats")>;

/// SUB: subscribes to a topic prefix (`(subscribe_to_atom, prefix)`). Not
/// named `subscribe_atom` or `sub_atom`: CAF has both, and `using namespace caf;` next to
/// `using namespace caf::monocoque;` would make the name ambiguous.
using subscribe_to_atom = atom_constant<atom("mqsubscr")>;

/// SUB: cancels one subscription to a topic prefix.
using unsubscribe_from_atom = atom_constant<atom("mqunsubscr")>;

/// Proxy: stops forwarding and granting credit until `resume_atom`.
using pause_atom = atom_constant<atom("mqpause")>;

/// Proxy: forwards again after `pause_atom`.
using resume_atom = atom_constant<atom("mqresume")>;

/// Proxy: forwards what it holds, lets go of its sockets and exits.
using terminate_atom = atom_constant<atom("mqterm")>;

/// Events: `(monitor_atom, subscriber, mask)` subscribes an actor to a
/// socket's events (`socket_event.hpp`); `(unmonitor_atom, subscriber)`
/// unsubscribes it.
using monitor_atom = atom_constant<atom("mqmonitor")>;

/// Events: see `monitor_atom`.
using unmonitor_atom = atom_constant<atom("mqunmon")>;

/// Events: what a subscriber gets, `(event_atom, socket_event)`.
using event_atom = atom_constant<atom("mqevent")>;

/// Stops listening on a bound endpoint (like `zmq_unbind`).
using unbind_atom = atom_constant<atom("mqunbind")>;

/// Drops a connect endpoint and its connection (like `zmq_disconnect`).
using disconnect_atom = atom_constant<atom("mqdisconn")>;

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::multipart)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<caf::monocoque::multipart>)
