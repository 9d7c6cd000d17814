#pragma once

#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/peer_identity.hpp"
#include "caf/monocoque/socket_event.hpp"
#include "caf/monocoque/socket_stats.hpp"

#include <caf/actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caf::monocoque {

/// The verbs every socket has (whatever its type).
///
/// - `(bind_atom, ep)` → the bound endpoint (a `*`/`0` port becomes the real
///   port); `(connect_atom, ep)` → `ok` once the endpoint is valid: the
///   connection is made in the background and re-made after failures with
///   `reconnect_ivl` / `reconnect_ivl_max` backoff. Several of each allowed.
/// - `(close_atom)` → `ok` after every acknowledged message was written (or
///   `linger` expired); then the actor exits.
/// - `(status_atom)` → number of peers whose handshake completed.
/// - `(stats_atom)` → per-peer introspection (`socket_stats`).
/// - `(monitor_atom, subscriber, mask)` → `ok`: `subscriber` gets `(event_atom,
///   socket_event)` for every event of a kind in `mask` (bits of
///   `socket_event_type`, libzmq's values; `all_socket_events` for all).
///   Several subscribers are allowed; subscribing again replaces the mask.
///   The socket monitors its subscribers: a dead one is dropped. Events are
///   connection lifecycle only (nothing per message), and without
///   subscribers they cost nothing. Every subscriber gets `monitor_stopped`
///   as its last event (after `unmonitor_atom`, or when the socket exits:
///   best effort, as in libzmq). Reasons read "peer closed", "connection
///   reset", "connection timed out", "heartbeat timeout", "handshake
///   timeout", "connect failed: <system message>", "name resolution
///   failed: <resolver message>", the ZMTP failure as "<errc name>:
///   <detail>", the authenticator's text for `handshake_failed_auth`, and
///   for connections the socket itself ends "disconnect", "unbind",
///   "socket closed", "refused by the socket" or "replaced". A closing
///   socket reports `closed` for its listeners; the `disconnected` of its
///   own connections is best effort (with linger 0 it exits first).
/// - `(unmonitor_atom, subscriber)` → `ok` (also for a non-subscriber): ends
///   the subscription; `subscriber` gets `monitor_stopped`.
/// - `(unbind_atom, ep)` → `ok`, like `zmq_unbind`: closes the listener of
///   `ep`, the endpoint as `bind_atom` answered it (the string given to
///   `bind_atom` works too while it names one listener). Event `closed`. As
///   in libzmq, the connections accepted on it close too (within `linger`;
///   events `disconnected`, reason "unbind"). An unknown endpoint fails with
///   `errc::unknown_endpoint`.
/// - `(disconnect_atom, ep)` → `ok`, like `zmq_disconnect`: forgets the
///   connect endpoint `ep` (as given to `connect_atom`, or normalized): no
///   more reconnects; its connection closes within `linger` (event
///   `disconnected`, reason "disconnect"). Every connect of `ep` goes. An
///   unknown endpoint fails with `errc::unknown_endpoint`.
using socket_base_actor = typed_actor<
  replies_to<bind_atom, std::string>::with<std::string>,
  replies_to<connect_atom, std::string>::with<ok_atom>,
  replies_to<close_atom>::with<ok_atom>,
  replies_to<status_atom>::with<uint64_t>,
  replies_to<stats_atom>::with<socket_stats>,
  replies_to<monitor_atom, actor, socket_event_mask>::with<ok_atom>,
  replies_to<unmonitor_atom, actor>::with<ok_atom>,
  replies_to<unbind_atom, std::string>::with<ok_atom>,
  replies_to<disconnect_atom, std::string>::with<ok_atom>>;

/// The verbs of sockets that send.
///
/// - `(send_atom, msg)` → `ok` once the message is queued within SNDHWM: the
///   reply is the backpressure signal (a withheld reply is a blocked send).
/// - `(send_atom, std::vector<multipart>)` queues a batch in order with one
///   reply (it may overshoot SNDHWM by the batch).
/// - One way, for streaming: `(window_atom, producer, n)` makes `producer`
///   the socket's one-way sender with a window of `n` messages. The socket
///   answers `(credit_atom, n)` to the producer at once, then returns credit
///   the same way as posted messages leave its queue for a connection (in
///   batches of about n / 4). The producer sends `(post_atom, msg)` or
///   `(post_atom, std::vector<multipart>)` while it holds credit; posts get
///   no reply, so what a producer sends in one turn reaches the connection as
///   one hand-over. A post the socket cannot take (closed, wrong state,
///   empty message) is dropped and counted in `socket_stats::dropped`, and
///   its credit comes back. Memory stays bounded by the window plus SNDHWM
///   per peer; posting beyond the credit breaks that bound.
/// - `(window_atom, actor{}, 0)` withdraws the window: the producer gets no
///   more credit, and a later `window_atom` starts a fresh one.
using sending_actor = typed_actor<
  replies_to<send_atom, multipart>::with<ok_atom>,
  replies_to<send_atom, std::vector<multipart>>::with<ok_atom>,
  reacts_to<window_atom, actor, uint64_t>,
  reacts_to<post_atom, multipart>,
  reacts_to<post_atom, std::vector<multipart>>>;

/// The verbs of sockets that receive.
///
/// - `(recv_atom)` → the next message (request style); `(recv_atom,
///   timeout)` answers `errc::timed_out` if none arrives in time. Do not rely
///   on a request timeout instead: CAF cannot withdraw a timed-out request,
///   so the socket would still hand it the next message, which is lost.
/// - `(deliver_atom, target, credit)` then `(credit_atom, n)`: push style,
///   each message goes to `target` as `(message_atom, multipart)` while
///   credit lasts. A peer is read only while its undelivered messages stay
///   below RCVHWM, so no mailbox grows without bound.
/// - `(deliver_atom, batch_atom, target, credit)`: the same with batches:
///   `target` gets `(message_atom, std::vector<multipart>)` carrying every
///   message available when the socket runs (at most the credit left), one
///   actor message per connection read instead of one per ZeroMQ message.
///   Credit still counts messages.
/// - `(deliver_atom, actor{}, 0)` (or the batch form with a null target)
///   withdraws push delivery: what arrives afterwards waits for `recv`.
///   Messages already pushed stay with the old target.
/// - Who sent it: `(recv_atom, from_atom)` and `(recv_atom, from_atom,
///   timeout)` answer `(multipart, peer_identity_ptr)`, and `(deliver_atom,
///   from_atom, target, credit)` pushes `(message_atom, peer_identity_ptr,
///   multipart)` per message (credit as above). The identity is the
///   connection the message came from: mechanism ("NULL", "PLAIN",
///   "CURVE"), the user id and properties our authenticator gave it (PLAIN:
///   the user name, CURVE: the client key in Z85 by default; never what the
///   peer claimed about itself), key, epoch, endpoint and routing id. One
///   shared, immutable object per connection incarnation: every message of
///   that connection carries the same pointer, also after it went down.
using receiving_actor = typed_actor<
  replies_to<recv_atom>::with<multipart>,
  replies_to<recv_atom, timespan>::with<multipart>,
  replies_to<recv_atom, from_atom>::with<multipart, peer_identity_ptr>,
  replies_to<recv_atom, from_atom, timespan>::with<multipart,
                                                   peer_identity_ptr>,
  reacts_to<deliver_atom, actor, uint64_t>,
  reacts_to<deliver_atom, batch_atom, actor, uint64_t>,
  reacts_to<deliver_atom, from_atom, actor, uint64_t>,
  reacts_to<credit_atom, uint64_t>>;

/// The subscription verbs of a SUB socket.
///
/// - `(subscribe_to_atom, prefix)` → `ok`: receive messages whose first frame
///   starts with `prefix` (the empty prefix: everything). Sent to every
///   publisher now and replayed to every publisher that connects later.
/// - `(unsubscribe_from_atom, prefix)` → `ok`: cancels one subscription;
///   subscriptions are counted, so the last cancel of a prefix reaches the
///   publishers (an unknown prefix changes nothing).
using subscribing_actor =
  typed_actor<replies_to<subscribe_to_atom, std::string>::with<ok_atom>,
              replies_to<unsubscribe_from_atom, std::string>::with<ok_atom>>;

} // namespace caf::monocoque
