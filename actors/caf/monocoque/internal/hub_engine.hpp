#pragma once

// The hub engine: one multi-peer engine under every socket type of RFC 28,
// 29, 30 and 31. A socket is the engine plus a small `socket_policy`
// (socket_policy.hpp), which sees the engine only through `engine_view` and
// `policy_context`. Load balancing and fair queueing are small classes of
// their own (load_balancer.hpp, fair_queue.hpp), as libzmq's `lb_t` and
// `fq_t`. The engine and the policy run in one actor: no extra hop per
// message.

#include "caf/monocoque/internal/connection_set.hpp"
#include "caf/monocoque/internal/deferred_reply.hpp"
#include "caf/monocoque/internal/fair_queue.hpp"
#include "caf/monocoque/internal/lifecycle_atoms.hpp"
#include "caf/monocoque/internal/listener_actor.hpp"
#include "caf/monocoque/internal/load_balancer.hpp"
#include "caf/monocoque/internal/peer_ref.hpp"
#include "caf/monocoque/internal/peer_table.hpp"
#include "caf/monocoque/internal/socket_policy.hpp"
#include "caf/monocoque/pubsub_hub_actor.hpp"
#include "caf/monocoque/router_hub_actor.hpp"
#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"

#include "monocoque/zmtp/socket_type.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace caf::monocoque::detail {

// -- internal interface -------------------------------------------------------

/// The linger timer of `close` expired.
using linger_atom = atom_constant<atom("mqlinger")>;

/// What the hub engine handles: the union of the two families' verbs
/// (`router_hub_actor`, `pubsub_hub_actor`) plus what its connections,
/// listeners, timers and tests send it. Users never hold this handle: they
/// hold a socket type's handle, narrowed from its family's interface.
using hub_engine_actor = pubsub_hub_actor::extend_with<
  connection_owner, listener_owner>::
  extend<replies_to<connect_atom, std::string, std::string>::with<ok_atom>,
         reacts_to<reconnect_atom, uint64_t>,
         reacts_to<resolved_atom, uint64_t, std::vector<connect_target>>,
         reacts_to<resolved_atom, uint64_t, error>, reacts_to<linger_atom>,
         reacts_to<drain_atom>, reacts_to<recv_timeout_atom, uint64_t>,
         // inproc: a connector's pipe to our bind (see inproc_pipe.hpp).
         reacts_to<inproc_atom, uint64_t, inproc_pipe_actor>,
         // Test hook: registers a connection made elsewhere.
         replies_to<adopt_atom, uint64_t, zmtp_integrated_actor>::with<
           uint64_t, uint64_t>>;

struct hub_state;

/// Pointer to a running hub engine (one socket).
using hub_self = hub_engine_actor::stateful_pointer<hub_state>;

/// The actor type behind `hub_self`.
using hub_ptr = std::remove_pointer_t<hub_self>;

// Defined and instantiated in actors/src/hub_engine/connection_set.cpp.
extern template class connection_set<hub_ptr>;

// -- state --------------------------------------------------------------------

/// A parked `recv`.
struct parked_recv {
  /// Names it for its timeout.
  uint64_t id = 0;
  /// The reply owed.
  deferred_reply reply;
  /// Whether the reply carries the sender's identity (`from_atom`).
  bool with_from = false;
};

/// A send whose reply waits, with the messages not placed yet.
struct blocked_send {
  /// Messages still to place, in order.
  std::deque<multipart> msgs;
  /// The reply owed to the sender.
  deferred_reply reply;
};

/// State of a hub engine (one socket).
struct hub_state {
  static inline const char* name = "monocoque.hub_engine";

  /// Hands acknowledged, unsent messages to a lingering successor when the
  /// socket is destroyed because its last handle went (see
  /// `hand_off_unsent`).
  ~hub_state();

  /// The actor system (set at spawn; the destructor needs it).
  actor_system* sys = nullptr;
  /// The hub engine itself (the destructor reads its fail state).
  local_actor* self = nullptr;
  /// How logs name this socket, e.g. "DEALER socket #12".
  std::string label;

  /// Connections, endpoints and the peer table.
  std::optional<connection_set<hub_ptr>> conns;
  /// The socket type.
  std::shared_ptr<socket_policy> policy;

  // -- peers that are up ------------------------------------------------------
  /// Every peer that is up; picks the next one with room for load-balanced
  /// sends.
  load_balancer lb;

  // -- send side --------------------------------------------------------------
  /// Acknowledged load-balanced messages without a peer yet.
  std::deque<multipart> pending;
  /// Sends whose reply waits for room.
  std::deque<blocked_send> blocked;
  /// Peers with a non-empty outbox or picks.
  std::vector<peer_ref> dirty;
  /// Messages fanned out in this burst (PUB/XPUB), shared by the
  /// connections they go to; null until the first one.
  std::shared_ptr<shared_burst> burst;
  bool flush_scheduled = false;

  // -- one-way sends ----------------------------------------------------------
  /// Gets credit for posts.
  actor producer;
  /// Its window (credit returns in batches of a quarter of it).
  uint64_t window = 0;
  /// Posted messages still queued here.
  uint64_t post_held = 0;
  /// Posted messages that left the queue, credit not returned yet.
  uint64_t post_released = 0;

  // -- receive side -----------------------------------------------------------
  /// Peers with messages, in fair-queue order.
  fair_queue fq;
  /// Parked `recv` requests.
  std::deque<parked_recv> waiters;
  uint64_t next_waiter = 1;
  /// Push-style delivery target and its credit.
  actor target;
  uint64_t credit = 0;
  /// Whether the target takes `(message_atom, std::vector<multipart>)`.
  bool batched = false;
  /// Whether the target takes `(message_atom, peer_identity_ptr,
  /// multipart)`.
  bool with_from = false;

  // -- close ------------------------------------------------------------------
  bool closing = false;
  /// Whether the close was not asked for: the socket's last handle went
  /// with messages unsent and this socket lingers for them.
  bool orphan = false;
  /// The id under which an orphan put itself in the actor registry (0: not
  /// registered).
  actor_id registered = 0;
  /// Whether the close logged what its linger waits for.
  bool linger_logged = false;
  std::vector<deferred_reply> closers;

  // -- counters ---------------------------------------------------------------
  uint64_t dropped = 0;
  uint64_t refused = 0;

  /// Returns the socket options.
  const socket_options& opts() const {
    return conns->opts();
  }

  /// Returns the peer table.
  peer_table& table() {
    return conns->table();
  }

  /// Returns the record `r` names, if it still exists.
  peer* get(peer_ref r) {
    return table().at(r.slot, r.epoch);
  }

  /// Returns a reference to `p`.
  peer_ref ref(const peer& p) {
    return {table().slot_of(p), p.epoch};
  }

  /// Returns whether `p` can take one more message (up, below SNDHWM).
  bool has_room(const peer& p) const {
    return p.alive() && p.up && p.inflight < opts().sndhwm;
  }
};

// -- engine -------------------------------------------------------------------

/// Queues `msg` for `p` in this burst (counts it against p's SNDHWM).
void hand_to(hub_state& st, peer& p, multipart msg);

/// Adds `msg` to this burst's shared messages and returns its index.
uint32_t share(hub_state& st, multipart msg);

/// Hands shared message `index` (of `bytes` payload bytes) to `p` in this
/// burst: counted like `hand_to`, but no copy of the message.
void hand_shared(hub_state& st, peer& p, uint32_t index, uint64_t bytes);

/// Sends every outbox of this burst to its connection.
void flush_outboxes(hub_self self);

/// Flushes the outboxes now if nothing else waits in the mailbox, else
/// after the requests already queued (one write per burst).
void schedule_flush(hub_self self);

/// Places pending and blocked sends (after a peer came up or had room).
void dispatch(hub_self self);

/// Queues a load-balanced batch or withholds the reply while the queue is
/// full.
result<ok_atom> enqueue_batch(hub_self self, std::vector<multipart> batch);

/// Sends a batch through the policy's router; withholds the reply while a
/// message waits for room.
result<ok_atom> route_batch(hub_self self, std::vector<multipart> batch);

/// Queues the n one-way messages at `msgs` (moved from; a batch, or a lone
/// message without a vector around it): the window bounds them, not SNDHWM.
void post_batch(hub_self self, multipart* msgs, size_t n);

/// Returns credit for posted messages that left the queue.
void settle_posts(hub_self self, uint64_t dropped);

/// Makes `p` no longer current (replaced, died, refused or taken over).
void retire(hub_self self, peer& p);

/// Refuses an incarnation: closes it at once and counts it.
void refuse(hub_self self, peer& p);

/// Carries out what a policy hook asked for in `ctx` (see
/// `policy_context`), once the hook returned.
void apply_requests(hub_self self, policy_context& ctx);

/// Handles a `peer_up` (`ring`: where the connection runs, or -1).
void on_peer_up(hub_self self, uint64_t key, uint64_t epoch,
                const zmtp_integrated_actor& hdl, peer_info info,
                const peer_identity_ptr& identity, int32_t ring);

/// Handles a `down_msg`.
void on_down(hub_self self, const down_msg& dm);

/// A `deliver_direct_fn` for the connections of a hub engine (`impl`: its
/// `hub_self`): runs `on_peer_msg` at once when the engine runs on `ring`,
/// is live, idle and has no message waiting in its mailbox.
bool peer_msg_direct(const strong_actor_ptr& owner, void* impl,
                     execution_unit* ring,
                     uint64_t key, uint64_t epoch, uint64_t handed,
                     std::vector<multipart>& msgs);

/// Handles a `peer_msg` (every message decoded from one read).
void on_peer_msg(hub_self self, uint64_t key, uint64_t epoch, uint64_t handed,
                 std::vector<multipart> msgs);

/// Queues a message the socket made itself (XPUB: the cancels of a gone
/// subscriber) for the application, in `p`'s inbox.
void deliver_local(hub_state& st, peer& p, multipart msg);

/// Takes the next message for the application, if the policy allows one;
/// with `from`, also who sent it.
std::optional<multipart> take_next(hub_self self,
                                   peer_identity_ptr* from = nullptr);

/// Answers a `recv` at once, parks it (with a timeout), or refuses it.
result<multipart> do_recv(hub_self self, std::optional<timespan> timeout);

/// `do_recv` with the sender's identity (`(recv_atom, from_atom)`).
result<multipart, peer_identity_ptr>
do_recv_from(hub_self self, std::optional<timespan> timeout);

/// Drops every received message not taken yet, returning its credit (REQ:
/// a new request makes every earlier reply stale, as in libzmq).
void discard_received(hub_self self);

/// Serves parked `recv`s and the delivery target.
void pump_delivery(hub_self self);

/// Sends `(credit_atom, n)` to the producer (dynamically typed: a typed
/// actor's `send` refuses it).
void grant_credit(hub_self self, uint64_t n);

/// Builds the introspection reply.
socket_stats make_stats(hub_self self);

/// Begins a close: refuses parked and new requests, holds the socket until
/// it exits, and waits up to linger for unsent messages (once).
void begin_close(hub_self self);

/// Completes a `close` once every acknowledged message went out.
void finish_close_if_done(hub_self self);

/// The linger of a close expired: drops what is still queued (counted and
/// logged), answers the closers and exits.
void on_linger_expired(hub_self self);

/// What a socket destroyed with unsent messages hands to its successor.
struct hub_handoff {
  /// Connect endpoints with their routing ids.
  std::vector<std::pair<std::string, std::string>> endpoints;
  /// Acknowledged messages not sent yet, in order.
  std::deque<multipart> pending;
  /// How the logs named the socket.
  std::string from;
};

/// Shared, as spawn arguments must be copyable.
using hub_handoff_ptr = std::shared_ptr<hub_handoff>;

/// Makes a fresh socket the successor described by `from`: it registers
/// itself under its id, connects to the same endpoints, takes the messages
/// and begins to close.
void take_over(hub_self self, hub_handoff& from);

/// Spawns a socket running `policy` that takes over `from` (see
/// `take_over`).
void spawn_hub_successor(actor_system& sys,
                         std::shared_ptr<socket_policy> policy,
                         socket_options opts, hub_handoff_ptr from);

/// Called by `~hub_state` of a socket destroyed with acknowledged messages
/// unsent and no close begun (its last handle went): with a non-zero
/// linger, spawns a closing successor of the same type and options that
/// connects to the same endpoints and sends them within the linger, as a
/// `close` would have; otherwise drops them and says so in the log.
void hand_off_unsent(hub_state& st);

/// Spawns a hub engine running `policy` (any family; tests use it to reach
/// the internal verbs).
hub_engine_actor spawn_hub_engine(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts);

/// Spawns a RouterHub (DEALER, ROUTER, REQ, REP, PUSH, PULL, PAIR) running
/// `policy`.
router_hub_actor spawn_router_hub(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts);

/// Spawns a PubSubHub (PUB, XPUB, SUB, XSUB) running `policy`.
pubsub_hub_actor spawn_pubsub_hub(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts);

/// Returns the module's default socket options (or the built-in ones).
socket_options default_socket_options(actor_system& sys);

} // namespace caf::monocoque::detail
