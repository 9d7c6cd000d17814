#pragma once

#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/socket_stats.hpp"

#include <caf/actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caf::monocoque {

/// Asks a socket for its introspection (`socket_stats`).
using stats_atom = atom_constant<atom("mqstats")>;

/// The verbs every socket actor has.
///
/// - `(bind_atom, ep)` → the bound endpoint (a `*`/`0` port becomes the real
///   port); `(connect_atom, ep)` → `ok` once the endpoint is valid: the
///   connection is made in the background and re-made after failures with
///   `reconnect_ivl` / `reconnect_ivl_max` backoff. Several of each allowed.
/// - `(close_atom)` → `ok` after every acknowledged message was written (or
///   `linger` expired); then the actor exits.
/// - `(status_atom)` → number of peers whose handshake completed.
/// - `(stats_atom)` → per-peer introspection (`socket_stats`).
using socket_base_actor = typed_actor<
  replies_to<bind_atom, std::string>::with<std::string>,
  replies_to<connect_atom, std::string>::with<ok_atom>,
  replies_to<close_atom>::with<ok_atom>,
  replies_to<status_atom>::with<uint64_t>,
  replies_to<stats_atom>::with<socket_stats>>;

/// The verbs of sockets that send.
///
/// - `(send_atom, msg)` → `ok` once the message is queued within SNDHWM: the
///   reply is the backpressure signal (a withheld reply is a blocked send).
/// - `(send_atom, std::vector<multipart>)` queues a batch in order with one
///   reply (it may overshoot SNDHWM by the batch).
using sending_actor = typed_actor<
  replies_to<send_atom, multipart>::with<ok_atom>,
  replies_to<send_atom, std::vector<multipart>>::with<ok_atom>>;

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
using receiving_actor = typed_actor<
  replies_to<recv_atom>::with<multipart>,
  replies_to<recv_atom, timespan>::with<multipart>,
  reacts_to<deliver_atom, actor, uint64_t>,
  reacts_to<credit_atom, uint64_t>>;

} // namespace caf::monocoque
