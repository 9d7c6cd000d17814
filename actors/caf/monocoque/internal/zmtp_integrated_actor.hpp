#pragma once

#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/internal/atoms.hpp"
#include "caf/monocoque/internal/event_interest.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/peer_identity.hpp"
#include "caf/monocoque/internal/socket_actor.hpp"

#include "monocoque/zmtp/session_config.hpp"

#include <caf/typed_actor.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <cstdint>
#include <vector>

namespace caf::monocoque {

/// **ZmtpIntegratedActor**: one per connection, pinned to the same ring as
/// its SocketActor. It drives one `zmtp::session` (greeting, handshake with a
/// timeout, heartbeats), turns frames into multipart messages and back, and
/// talks to its owner (the socket's hub engine) with credit-based flow control:
/// - receive: it asks the SocketActor to read only while fewer than `rcvhwm`
///   delivered messages are unacknowledged by `(credit_atom, n)`;
/// - send: it reports `(peer_sent_atom, key, epoch, n)` once the bytes of n
///   messages reached the kernel, so the owner can keep at most SNDHWM
///   messages per peer in flight. Reports come in batches of SNDHWM / 4:
///   a round trip does not cost a report per message, and an owner whose
///   count reached SNDHWM still has more than a batch unwritten here, so it
///   always hears back.
///
/// Output is coalesced: after handling a message it does not write at once
/// but sends itself a `drain_atom`, which arrives after the messages already
/// queued; so a burst of N sends becomes one write request to the socket.
///
/// As PLAIN or CURVE server it asks `authenticator` about the peer (one
/// `zap_request` once the mechanism holds the credentials) and feeds the
/// verdict to the session; the handshake timeout covers the wait.
///
/// Who talks to it: its owner (`send`, `credit`, `close`), its SocketActor
/// (`data`, `wrote`), its own timers, its authenticator (a response). It monitors both; it holds its owner
/// only weakly, so an owner nobody references can terminate. It exits with
/// the session's failure as a monocoque error, or normally after `close`.
using zmtp_integrated_actor = typed_actor<
  // From the owner:
  reacts_to<send_atom, multipart>,
  reacts_to<send_atom, std::vector<multipart>>, // a batch, in order
  // The messages at these indices of a shared burst, in order (fan-out).
  reacts_to<send_atom, shared_batch, std::vector<uint32_t>>,
  reacts_to<credit_atom, uint64_t>,
  reacts_to<close_atom, timespan>, // flush within linger (negative: no limit)
  // From the SocketActor:
  reacts_to<data_atom, frame>,
  reacts_to<wrote_atom, uint64_t>,
  // From itself:
  reacts_to<timer_atom, uint64_t>,
  reacts_to<drain_atom>>;

/// What a ZmtpIntegratedActor sends to its owner. Each message carries the
/// connection's key and epoch, so that the owner can drop messages of a
/// connection incarnation it already replaced.
using connection_owner = typed_actor<
  // The handshake (with authentication) is done; messages may flow. The
  // identity names the mechanism, the user id and the authenticator's
  // properties; the owner fills in key, epoch, endpoint and routing id. The
  // last field is the index of the ring whose thread ran this handler (-1:
  // no ring thread), for `peer_stats::ring`.
  reacts_to<peer_up_atom, uint64_t, uint64_t, zmtp_integrated_actor, peer_info,
            peer_identity_ptr, int32_t>,
  // Messages arrived (every one decoded from one read, in order): key,
  // epoch, the number of messages the owner had handed to this connection
  // before they were decoded (a reply to a message can only come after it:
  // REQ uses this to tell stale replies), the messages.
  reacts_to<peer_msg_atom, uint64_t, uint64_t, uint64_t,
            std::vector<multipart>>,
  // n messages were written to the kernel.
  reacts_to<peer_sent_atom, uint64_t, uint64_t, uint64_t>,
  // A lifecycle fact for the socket's event subscribers, sent only while
  // it has some (`event_interest`): a handshake failure (from here), a
  // completed connect (from the SocketActor) or a failed accept (from a
  // ListenerActor). `key` and `epoch` of the event name the connection; the
  // owner fills in the endpoint and addresses it knows.
  reacts_to<conn_event_atom, socket_event>>;

/// Hands the messages decoded from one read to `owner` as
/// `(peer_msg_atom, key, epoch, handed, msgs)` would, without a mailbox
/// trip, if the owner runs on `ring` (the caller's ring) and can take them
/// now; returns false, with `msgs` untouched, otherwise. `impl` is the
/// owner's `owner_impl` (valid while `owner`, held strongly, lives).
using deliver_direct_fn = bool (*)(const strong_actor_ptr& owner, void* impl,
                                   execution_unit* ring, uint64_t key,
                                   uint64_t epoch, uint64_t handed,
                                   std::vector<multipart>& msgs);

/// Everything a ZmtpIntegratedActor needs.
struct zmtp_integrated_actor_config {
  /// Protocol settings (socket type, identity, limits, heartbeats).
  ::monocoque::zmtp::session_config session;
  /// Unacknowledged delivered messages before reading pauses.
  uint64_t rcvhwm = 1000;
  /// The owner's SNDHWM: written messages are reported in batches of a
  /// quarter of it.
  uint64_t sndhwm = 1000;
  /// How long to flush when the owner goes away; negative: until sent.
  timespan linger = timespan{-1};
  /// Key of the connection slot at the owner (e.g. the endpoint).
  uint64_t key = 0;
  /// Incarnation of that slot.
  uint64_t epoch = 0;
  /// Asked about the peer when we are the PLAIN or CURVE server (null:
  /// CURVE accepts every client key, PLAIN refuses every peer).
  authenticator_actor authenticator;
  /// The ZAP domain passed to the authenticator.
  std::string zap_domain;
  /// The peer's IP address without port (for the authenticator).
  std::string address;
  /// What the socket's event subscribers want (handshake failures are
  /// reported only while it is non-zero).
  detail::event_interest events;
  /// The owner's direct path for decoded messages (null: always a message).
  deliver_direct_fn deliver_direct = nullptr;
  /// What the owner passes to `deliver_direct` (its own object: no cast
  /// from the handle on every read).
  void* owner_impl = nullptr;
};

/// Ring thread only: hands `msg` to `conn` as `(send_atom, msg)` would,
/// without a mailbox trip, if `conn` is a ZmtpIntegratedActor running on the
/// calling thread's ring, past its handshake, not closing, with no message
/// waiting (which `msg` would overtake). Returns false, with `msg`
/// untouched, otherwise: then send the message.
bool send_direct(const zmtp_integrated_actor& conn, multipart& msg);

/// Spawns a ZmtpIntegratedActor for `sock` on `mpx`, reporting to `owner`.
zmtp_integrated_actor spawn_zmtp_integrated_actor(actor_system& sys, detail::uring_multiplexer* mpx,
                            socket_actor sock, weak_actor_ptr owner,
                            zmtp_integrated_actor_config cfg);

} // namespace caf::monocoque
