#pragma once

#include "monocoque/zmtp/lazy_queue.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/peer_identity.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace caf::monocoque::detail {

/// One connection incarnation in a socket's peer table: everything the
/// socket knows about it, in one record. A record lives from the spawn (or
/// adoption) of its ZmtpIntegratedActor until that actor is gone *and* the
/// application took every message it delivered.
struct peer {
  // -- identity ---------------------------------------------------------------

  /// Connection slot (a connect endpoint keeps its key across reconnects).
  uint64_t key = 0;
  /// Incarnation; unique per socket, never reused. Zero marks a free slot.
  uint64_t epoch = 0;
  /// The connection; null once the incarnation was replaced or died (no
  /// more sends or credit go to it).
  zmtp_integrated_actor hdl;
  /// Whether this is the current incarnation of `key`.
  bool current = false;
  /// Whether its handshake finished and the policy admitted it.
  bool up = false;
  /// Whether it was asked to close.
  bool closing = false;
  /// Whether its actor is gone (its `down_msg` arrived).
  bool exited = false;
  /// What the handshake said.
  peer_info info;
  /// Routing id (preset by `connect_routing_id`, else set on admission).
  std::string routing_id;
  /// `routing_id` as a frame (ROUTER prepends it to every message it
  /// receives: a refcount, not a copy).
  frame id_frame;
  /// Connect endpoint or remote address.
  std::string endpoint;
  /// The listener that accepted it (its key at the socket), or 0.
  uint64_t listener = 0;
  /// The ring whose thread runs the connection's actors, as the connection
  /// reported it with its `peer_up` (-1 before, or if it ran on no ring).
  int32_t ring = -1;
  /// Why the socket asked it to close (for its `disconnected` event).
  const char* close_reason = nullptr;
  /// Local and remote address ("ip:port"), kept only while the socket has
  /// event subscribers.
  std::string local_address;
  /// See `local_address`.
  std::string remote_address;
  /// Who the peer is (mechanism, user id, the authenticator's properties),
  /// set when it comes up; every message it delivered carries it.
  peer_identity_ptr identity;

  // -- send side --------------------------------------------------------------

  /// Messages handed to the connection and not yet written (SNDHWM).
  uint64_t inflight = 0;
  /// Messages handed to it in this burst; sent as one batch on flush.
  std::vector<multipart> outbox;
  /// Indices of the socket's shared burst handed to it (PUB fan-out); sent
  /// after `outbox` on flush.
  std::vector<uint32_t> picks;

  // -- receive side -----------------------------------------------------------

  /// A received message and how many messages had been handed to the
  /// connection before it was decoded.
  struct inbound {
    uint64_t handed;
    multipart msg;
  };
  /// Received messages the application has not taken yet.
  /// (Allocates nothing until the first message: idle peers stay cheap.)
  ::monocoque::zmtp::lazy_queue<inbound> inbox;
  /// Taken messages whose credit was not returned yet.
  uint64_t uncredited = 0;

  // -- counters ---------------------------------------------------------------

  uint64_t msgs_in = 0;
  uint64_t bytes_in = 0;
  uint64_t msgs_out = 0;
  uint64_t bytes_out = 0;
  uint64_t drops = 0;

  /// Whether the connection still runs (it can take sends and credit).
  bool alive() const noexcept {
    return static_cast<bool>(hdl);
  }
};

} // namespace caf::monocoque::detail
