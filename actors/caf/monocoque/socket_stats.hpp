#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caf::monocoque {

/// Introspection of one connection incarnation of a socket.
struct peer_stats {
  /// Connection slot (a connect endpoint keeps its key across reconnects).
  uint64_t key = 0;
  /// Incarnation of the slot; a reconnect gets a new one.
  uint64_t epoch = 0;
  /// Routing id (ROUTER: the peer's `Identity`, the `connect_routing_id`
  /// or a generated 5-byte id; other types: the peer's `Identity`).
  std::string routing_id;
  /// The connect endpoint, or the remote address of an accepted connection.
  std::string endpoint;
  /// ZMTP socket type the peer announced ("" before its handshake).
  std::string peer_type;
  /// Whether its handshake finished (messages may flow).
  bool up = false;
  /// Index of the io_uring ring (0 to `monocoque.io-threads` - 1) whose
  /// thread runs the connection's actors, as the connection saw it when its
  /// handshake completed; -1 before that (or had it run on a thread that is
  /// no ring's). Shows how a socket's connections spread over the rings.
  int32_t ring = -1;
  /// Security mechanism of the connection ("NULL", "PLAIN", "CURVE"; ""
  /// before its handshake).
  std::string mechanism;
  /// The user id our authenticator gave the peer (see `peer_identity`);
  /// empty for NULL peers and on the client side.
  std::string user_id;
  /// Messages handed to the connection and not yet written to the kernel.
  uint64_t out_queue = 0;
  /// Received messages not yet taken by the application.
  uint64_t in_queue = 0;
  /// Messages received from the peer.
  uint64_t msgs_in = 0;
  /// Payload bytes received from the peer.
  uint64_t bytes_in = 0;
  /// Messages handed to the peer's connection.
  uint64_t msgs_out = 0;
  /// Payload bytes handed to the peer's connection.
  uint64_t bytes_out = 0;
  /// Messages for this peer dropped (full queue).
  uint64_t drops = 0;
  /// PUB/XPUB: topic prefixes the peer subscribed to (distinct prefixes).
  uint64_t subscriptions = 0;
};

/// A connect endpoint without a connection that is up: connecting now or
/// waiting to retry after a failure.
struct connect_stats {
  /// The endpoint as given to `connect_atom`.
  std::string endpoint;
  /// Connection attempts (name resolutions included) since the endpoint was
  /// added or its last connection went down.
  uint64_t attempts = 0;
  /// Why the last attempt failed, rendered (e.g. a refused connect or a
  /// failed name resolution); empty before the first failure.
  std::string last_error;
};

/// Introspection of a socket: `(stats_atom)` answers with it.
struct socket_stats {
  /// Socket type, e.g. "ROUTER".
  std::string type;
  /// Live connection incarnations (connecting, handshaking or up), plus
  /// gone ones whose received messages still wait for the application.
  std::vector<peer_stats> peers;
  /// Connect endpoints with no connection up (a connect that keeps failing
  /// shows here with its attempts and last error).
  std::vector<connect_stats> connecting;
  /// Bound endpoints whose listener is open (as `bind_atom` answered), in
  /// bind order.
  std::vector<std::string> listening;
  /// Listeners closed by `unbind_atom` that are still remembered because
  /// connections they accepted run (their events name its endpoint); 0
  /// once the last of them ended.
  uint64_t closed_listeners = 0;
  /// Acknowledged messages waiting for a peer (load-balancing types).
  uint64_t pending = 0;
  /// Messages dropped because no peer could take them (ROUTER: unknown
  /// routing id; REP: requester gone; REQ: stray replies). Messages a
  /// linger gives up on count too, and are logged (the socket exits then).
  uint64_t dropped = 0;
  /// Connections refused (PAIR: a second peer; ROUTER: a duplicate id;
  /// any type: accepted beyond `max_connections`, closed at once).
  uint64_t refused = 0;
  /// Hash of the id of the thread that produced this answer: tests use it
  /// to prove which thread a socket's hub engine runs on (a ring thread by
  /// default, CAF's scheduler with `socket_options::on_ring = false`).
  uint64_t thread = 0;
};

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::socket_stats)
