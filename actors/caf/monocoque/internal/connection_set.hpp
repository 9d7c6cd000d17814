#pragma once

#include "caf/monocoque/endpoint.hpp"
#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/event_monitors.hpp"
#include "caf/monocoque/internal/inproc_pipe.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/listener_actor.hpp"
#include "caf/monocoque/internal/peer_table.hpp"
#include "caf/monocoque/internal/transport.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/socket_stats.hpp"
#include "monocoque/zmtp/socket_type.hpp"

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/system_messages.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace caf::monocoque::detail {

class uring_multiplexer;

/// The owner-side connection machinery every socket (hub engine) uses:
/// bound endpoints (ListenerActors), connect endpoints with reconnect
/// backoff, spawning the SocketActor + ZmtpIntegratedActor of each
/// connection and registering it in the socket's `peer_table`, built on
/// monitors.
///
/// Lifecycle rules: every connection incarnation gets a fresh epoch; the
/// owner monitors its ZmtpIntegratedActor; a `down_msg` only marks the
/// incarnation whose actor address it names; `peer_up` and all other
/// messages carry `(key, epoch)` and cannot change the table unless they
/// match a record. So a dead, duplicate or replaced connection never leaves
/// a ghost behind. (Data an old incarnation received before it died is
/// still data: the owner may deliver it.)
///
/// Its definitions live in actors/src/hub_engine/connection_set.cpp, which
/// instantiates it for the hub engine (its one owner type).
template <class Self> class connection_set {
public:
  connection_set(Self* self, ::monocoque::zmtp::socket_type type,
                 socket_options opts)
      : self_(self), type_(type), opts_(std::move(opts)) {
    ivl_init_ = opts_.reconnect_ivl;
  }

  /// Frees the socket's inproc names and waits (a socket that crashed or
  /// was dropped never unbinds).
  ~connection_set();

  connection_set(const connection_set&) = delete;
  connection_set& operator=(const connection_set&) = delete;

  // -- properties -------------------------------------------------------------

  /// Returns the socket options.
  const socket_options& opts() const noexcept { return opts_; }

  /// Returns the peer table.
  peer_table& table() noexcept { return table_; }

  /// Builds the security configuration every connection of the socket
  /// shares (a CURVE client without a secret key gets its one fresh
  /// keypair here). Call once, after `opts().validate()`.
  error prepare_security();

  /// Returns whether no connection is live (connected or connecting).
  bool empty() const noexcept { return table_.live() == 0; }

  /// Returns the socket's event subscribers.
  event_monitors& events() noexcept { return events_; }

  // -- endpoints --------------------------------------------------------------

  /// Binds to `str`; returns the bound endpoint (with the real port).
  expected<std::string> bind(const std::string& str);

  /// Adds a connect endpoint; connects now and reconnects after failures.
  /// A non-empty `routing_id` names the peer (ZMQ_CONNECT_ROUTING_ID).
  error connect(const std::string& str, std::string routing_id = {});

  /// Closes the listener of `str` (the bound endpoint, or the string given
  /// to `bind` while it names one listener) and the connections it
  /// accepted, within linger (as libzmq's `zmq_unbind`).
  error unbind(const std::string& str);

  /// Forgets every connect endpoint named `str` (as given or normalized):
  /// no more reconnects; closes its connection within linger.
  error disconnect(const std::string& str);

  /// Returns how many accepted connections were closed at once because the
  /// socket had `max_connections` live connections.
  uint64_t refused() const noexcept { return refused_; }

  /// Handles an accepted connection of listener `listener`. Beyond
  /// `max_connections` live connections it closes the fd at once (no
  /// greeting, no actors) and counts it in `refused`.
  void on_accepted(uint64_t listener, owned_fd fd);

  /// Registers a connection whose actors were created elsewhere (tests, or
  /// transports that do not go through `bind`/`connect`) under `key`, or a
  /// fresh key if `key` is zero. The caller retires a current incarnation of
  /// `key` first. Returns the new record.
  peer& adopt(uint64_t key, zmtp_integrated_actor hdl);

  /// Handles a pipe a connector made to our inproc bind `listener`: adopts
  /// it as a new connection of that bind, or closes it (the bind is gone,
  /// the socket closes, or `max_connections` are live).
  void on_inproc(uint64_t listener, inproc_pipe_actor pipe);
  /// Handles the reconnect timer of `key`.
  void on_reconnect(uint64_t key);

  /// Handles the addresses a resolver found for `key`: connects at once.
  void on_resolved(uint64_t key, std::vector<connect_target> targets);

  /// Handles a failed name resolution of `key`: retries after the interval.
  void on_resolve_failed(uint64_t key, const error& err);

  // -- lifecycle --------------------------------------------------------------

  /// Holds the owner alive until it exits, even without handles (a closing
  /// socket lingers). Idempotent.
  void keep_alive();

  /// Returns the connect endpoints with their routing ids, in the order
  /// they were added.
  std::vector<std::pair<std::string, std::string>> connect_endpoints() const;

  /// Returns the connect endpoints with no connection up, with attempts and
  /// last error (`stats_atom`).
  std::vector<connect_stats> connecting();

  /// Returns the bound endpoints whose listener is open, in bind order.
  std::vector<std::string> listening() const;

  /// Returns how many closed listeners are remembered because connections
  /// they accepted still run.
  uint64_t closed_listeners() const;

  // -- lifecycle events -------------------------------------------------------

  /// Handles a `peer_up`; returns the record if `(key, epoch)` is current,
  /// run by `hdl` and not up yet.
  peer* on_peer_up(uint64_t key, uint64_t epoch,
                   const zmtp_integrated_actor& hdl, peer_info info);

  /// Handles a `down_msg`: marks the incarnation it names as exited and
  /// returns its record (which may have been retired already), or null for
  /// duplicates and unknown actors. Schedules a reconnect if it was the
  /// current incarnation of a connect endpoint.
  peer* on_down(const down_msg& dm);

  /// Stops listening and reconnecting; asks every connection to close within
  /// `linger`. Idempotent; call it again to also close connections that
  /// appeared since.
  void close(timespan linger);

  /// Closes every listener (event `closed`). Idempotent.
  void close_listeners(const char* why);

  /// Asks the connection of `p` to close within `linger` (once); `why` is
  /// the reason of its `disconnected` event.
  void close_peer(peer& p, timespan linger,
                  const char* why = "closed by the socket");

  // -- events -----------------------------------------------------------------

  /// Handles a lifecycle fact a connection or listener reported
  /// (`conn_event_atom`): completes it and hands it to the subscribers.
  void on_conn_event(socket_event ev);

  /// Emits an event of kind `type` about connection `p` (endpoint,
  /// addresses, key, epoch and the peer identity filled in) if a
  /// subscriber wants it.
  void emit(socket_event_type type, const peer& p, std::string reason = {},
            error err = {});

  /// Sends the owner `(recv_timeout_atom, id)` after `delay` through the
  /// keeper: a pending timeout neither keeps the socket alive nor makes
  /// `~actor_system` wait for it.
  void schedule_recv_timeout(uint64_t id, timespan delay);

private:
  struct slot {
    endpoint ep;
    /// The string given to `connect` (for `disconnect`).
    std::string given;
    std::vector<connect_target> targets;
    size_t next_target = 0;
    timespan ivl{0};
    bool resolving = false;
    std::string routing_id;
    uint64_t attempts = 0;
    std::string last_error;
  };

  /// Returns the keeper (spawned on first use): it runs the reconnect timers
  /// without holding the owner (see socket_keeper.hpp).
  const actor& keeper();

  /// Picks the ring of a new listener or connection: round robin per
  /// socket, starting at the socket's own ring (see docs/architecture.md).
  uring_multiplexer* ring();

  error backend_error();

  void attempt(uint64_t key);
  // inproc (inproc_connections.cpp): no ring, no fd, a pipe.
  expected<std::string> bind_inproc(const endpoint& ep, const std::string& str);
  error connect_inproc(const endpoint& ep, const std::string& str,
                       std::string routing_id);
  void attempt_inproc(uint64_t key, slot& sl);
  // Frees every name and wait of this socket in the registry.
  void forget_inproc();
  void forget_inproc_wait(uint64_t key);
  void unbind_inproc(const std::string& bound);

  void resolve(uint64_t key, slot& sl);

  // `cause`: why the connection ended, if it did (for `connect_retried`).
  void schedule_reconnect(uint64_t key, slot& sl,
                          const error* cause = nullptr);

  peer& start(uint64_t key, uring_multiplexer* mpx, int fd,
              std::optional<connect_target> target, std::string where,
              std::string routing_id);

  /// A bound endpoint.
  struct listener_rec {
    /// The ListenerActor (null once closed, and for inproc).
    listener_actor hdl;
    /// inproc: whether the name is still bound.
    bool inproc_open = false;
    /// Whether the bind is open (a listener runs, or the name is bound).
    bool open() const noexcept {
      return hdl || inproc_open;
    }
    /// As `bind` answered it.
    std::string bound;
    /// As given to `bind`.
    std::string given;
  };

  // Event helpers (connection_events.cpp); callers check `events_.wants`.

  void fill(socket_event& ev, const peer& p);

  void emit_listener(socket_event_type type, const listener_rec& l,
                     std::string reason = {}, error err = {});

  void emit_retry(uint64_t key, const slot& sl, std::string reason);

  void emit_down(const peer& p, const error& reason);

  void emit_accepted(peer& p, int fd);

  void close_listener(typename std::map<uint64_t, listener_rec>::iterator i,
                      const char* why);

  // Forgets the record of the closed listener `key` once no connection it
  // accepted is still running (their events name its endpoint until then):
  // bind/unbind loops keep no record each.
  void prune_listener(uint64_t key);

  Self* self_;
  ::monocoque::zmtp::socket_type type_;
  socket_options opts_;
  ::monocoque::zmtp::security_config security_;
  timespan ivl_init_;
  bool closing_ = false;
  uint64_t next_key_ = 1;
  uint64_t next_epoch_ = 1;
  uint64_t refused_ = 0;
  /// See `ring()`.
  bool ring_started_ = false;
  size_t next_ring_ = 0;
  std::map<uint64_t, listener_rec> listeners_;
  event_monitors events_;
  std::map<uint64_t, slot> slots_;
  peer_table table_;
  actor keeper_;
  bool kept_ = false;
  /// Whether the socket ever bound or connected an inproc name.
  bool inproc_used_ = false;
};

} // namespace caf::monocoque::detail
