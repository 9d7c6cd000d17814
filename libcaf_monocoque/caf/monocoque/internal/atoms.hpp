#pragma once

// The messages between the plugin's own actors (SocketActor,
// ZmtpIntegratedActor, ListenerActor, the hub engine and the rings): users
// never send or receive them, so they stay out of the installed headers
// (the public ones are in caf/monocoque/message_types.hpp). They keep the
// `caf::monocoque` namespace so the implementation reads the same as before.

#include "caf/monocoque/internal/shared_burst.hpp"
#include "caf/monocoque/message_types.hpp"

#include "monocoque/zmtp/event.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>
#include <vector>

namespace caf::monocoque {

// -- payload types ------------------------------------------------------------

/// What the handshake told us about a peer.
using peer_info = ::monocoque::zmtp::peer_info;

/// Messages shared by several connections (PUB fan-out: each connection
/// gets the indices of its messages in one burst, not copies).
using shared_batch = std::shared_ptr<const shared_burst>;

// -- connection: SocketActor <-> ZmtpIntegratedActor --------------------------

/// SocketActor → ZmtpIntegratedActor: bytes arrived.
using data_atom = atom_constant<atom("mqdata")>;

/// ZmtpIntegratedActor → SocketActor: bytes to write.
using write_atom = atom_constant<atom("mqwrite")>;

/// SocketActor → ZmtpIntegratedActor: bytes written, with what is pending.
using wrote_atom = atom_constant<atom("mqwrote")>;

/// ZmtpIntegratedActor → SocketActor: start or stop reading.
using read_atom = atom_constant<atom("mqread")>;

/// SocketActor introspection: answers with the bytes queued for writing
/// and not written yet.
using unwritten_atom = atom_constant<atom("mqunwrit")>;

// -- io_uring completions and ring timers -------------------------------------

/// io_uring completion of a recv.
using recv_done_atom = atom_constant<atom("mqrecvd")>;

/// io_uring completion of a send.
using send_done_atom = atom_constant<atom("mqsentd")>;

/// io_uring completion of a connect.
using connect_done_atom = atom_constant<atom("mqconnd")>;

/// io_uring completion of an accept.
using accept_done_atom = atom_constant<atom("mqacceptd")>;

/// Session timer.
using timer_atom = atom_constant<atom("mqtimer")>;

// -- connections and listeners -> the hub engine ------------------------------

/// A connection finished its handshake (to its owner).
using peer_up_atom = atom_constant<atom("mqpeerup")>;

/// A connection delivers a message (to its owner).
using peer_msg_atom = atom_constant<atom("mqpeermsg")>;

/// A connection reports flushed messages (to its owner).
using peer_sent_atom = atom_constant<atom("mqpeersent")>;

/// A listener accepted a connection (to its owner).
using accepted_atom = atom_constant<atom("mqaccepted")>;

/// A connection or listener reports a lifecycle fact for the socket's event
/// subscribers (to its owner): `(conn_event_atom, socket_event)`, sent only
/// while the socket has subscribers.
using conn_event_atom = atom_constant<atom("mqconnev")>;

/// inproc: a connector → the bound socket: `(inproc_atom, listener, pipe)`,
/// adopt this pipe; the bound socket → the pipe: `(inproc_atom, key,
/// epoch)`, adopted under these.
using inproc_atom = atom_constant<atom("mqinproc")>;

// -- the hub engine and the ZmtpIntegratedActor to themselves -----------------

/// Deferred flush of an actor's output (coalesces many small writes).
using drain_atom = atom_constant<atom("mqflush")>;

/// Re-try a connect endpoint.
using reconnect_atom = atom_constant<atom("mqreconn")>;

// -- test hooks ---------------------------------------------------------------

/// Registers an externally created connection with its owner (unit tests
/// drive a hub with connections they create themselves).
using adopt_atom = atom_constant<atom("mqadopt")>;

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::peer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::shared_batch)
// Bytes between a ZmtpIntegratedActor and its SocketActor (`write_atom`).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<::monocoque::zmtp::frame>)
