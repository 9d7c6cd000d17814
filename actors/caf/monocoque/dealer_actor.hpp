#pragma once

#include "caf/monocoque/listener_actor.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/zmtp_actor.hpp"

#include <caf/actor.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque {

/// **dealer_actor**: a ZeroMQ DEALER socket as a typed actor (RFC 28).
/// Outgoing messages are load-balanced round-robin over the connected peers;
/// incoming messages are fair-queued across them.
///
/// - `(bind_atom, ep)` → the bound endpoint (a `*`/`0` port becomes the real
///   port); `(connect_atom, ep)` → `ok` once the endpoint is valid: the
///   connection is made in the background and re-made after failures with
///   `reconnect_ivl` / `reconnect_ivl_max` backoff. Several of each allowed.
/// - `(send_atom, msg)` → `ok` once the message is queued within SNDHWM: the
///   reply is the backpressure signal. Messages wait for a peer (up to
///   SNDHWM), as in libzmq. `(send_atom, std::vector<multipart>)` queues a
///   batch in order with one reply (it may overshoot SNDHWM by the batch).
/// - `(recv_atom)` → the next message (request style); `(recv_atom, timeout)`
///   answers `errc::timed_out` if none arrives in time. Do not rely on a
///   request timeout instead: CAF cannot withdraw a timed-out request, so the
///   dealer would still hand it the next message, which is then lost. Or
///   `(deliver_atom, target, credit)` then `(credit_atom, n)`: push style,
///   each message goes to `target` as `(message_atom, multipart)` while
///   credit lasts. A peer is read only while its undelivered messages stay
///   below RCVHWM, so no mailbox grows without bound.
/// - `(close_atom)` → `ok` after every acknowledged message was written (or
///   `linger` expired); then the actor exits.
/// - `(status_atom)` → number of peers whose handshake completed.
///
/// Failures of single connections are logged and lead to reconnects; the
/// actor exits with a monocoque error only if the backend is unusable.
using dealer_actor = typed_actor<
  replies_to<bind_atom, std::string>::with<std::string>,
  replies_to<connect_atom, std::string>::with<ok_atom>,
  replies_to<send_atom, multipart>::with<ok_atom>,
  replies_to<send_atom, std::vector<multipart>>::with<ok_atom>,
  replies_to<recv_atom>::with<multipart>,
  replies_to<recv_atom, timespan>::with<multipart>,
  reacts_to<deliver_atom, actor, uint64_t>,
  reacts_to<credit_atom, uint64_t>,
  replies_to<close_atom>::with<ok_atom>,
  replies_to<status_atom>::with<uint64_t>>;

/// Spawns a DEALER with the module's default options.
dealer_actor spawn_dealer(actor_system& sys);

/// Spawns a DEALER with `opts`.
dealer_actor spawn_dealer(actor_system& sys, socket_options opts);

} // namespace caf::monocoque
