#pragma once

#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/peer_table.hpp"
#include "caf/monocoque/internal/transport.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/endpoint.hpp"
#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/listener_actor.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/internal/socket_actor.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"

#include "monocoque/zmtp/socket_type.hpp"

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace caf::monocoque::detail {

/// The owner-side connection machinery every socket-type actor shares:
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
template <class Self>
class connection_set {
public:
  connection_set(Self* self, ::monocoque::zmtp::socket_type type,
                 socket_options opts)
    : self_(self), type_(type), opts_(std::move(opts)) {
    ivl_init_ = opts_.reconnect_ivl;
  }

  // -- properties -------------------------------------------------------------

  /// Returns the socket options.
  const socket_options& opts() const noexcept {
    return opts_;
  }

  /// Returns the peer table.
  peer_table& table() noexcept {
    return table_;
  }

  /// Returns whether no connection is live (connected or connecting).
  bool empty() const noexcept {
    return table_.live() == 0;
  }

  // -- endpoints --------------------------------------------------------------

  /// Binds to `str`; returns the bound endpoint (with the real port).
  expected<std::string> bind(const std::string& str) {
    auto ep = endpoint::parse(str);
    if (!ep)
      return ep.error();
    auto* mpx = ring();
    if (mpx == nullptr)
      return backend_error();
    auto sock = listen_on(*ep);
    if (!sock)
      return sock.error();
    auto key = next_key_++;
    auto hdl = spawn_listener_actor(self_->home_system(), mpx, sock->fd,
                                    actor_cast<weak_actor_ptr>(self_), key);
    listeners_.push_back(hdl);
    log::actors()->debug("bound {}", sock->bound.to_string());
    return sock->bound.to_string();
  }

  /// Adds a connect endpoint; connects now and reconnects after failures.
  /// A non-empty `routing_id` names the peer (ZMQ_CONNECT_ROUTING_ID).
  error connect(const std::string& str, std::string routing_id = {}) {
    auto ep = endpoint::parse(str);
    if (!ep)
      return ep.error();
    auto targets = resolve_numeric(*ep);
    if (!targets)
      return targets.error();
    if (ring() == nullptr)
      return backend_error();
    auto key = next_key_++;
    auto& s = slots_[key];
    s.ep = *ep;
    s.targets = std::move(*targets);
    s.ivl = ivl_init_;
    s.routing_id = std::move(routing_id);
    attempt(key);
    return none;
  }

  /// Returns how many accepted connections were closed at once because the
  /// socket had `max_connections` live connections.
  uint64_t refused() const noexcept {
    return refused_;
  }

  /// Handles an accepted connection of a listener. Beyond
  /// `max_connections` live connections it closes the fd at once (no
  /// greeting, no actors) and counts it in `refused`.
  void on_accepted(owned_fd fd) {
    if (closing_)
      return;
    auto* mpx = ring();
    if (mpx == nullptr)
      return;
    if (opts_.max_connections > 0 && table_.live() >= opts_.max_connections) {
      ++refused_;
      // Through the ring, like every other close: no SQE queued there can
      // name a reused fd number.
      mpx->close_fd(fd->release());
      log::actors()->debug("refused a connection: {} live (max-connections)",
                           table_.live());
      return;
    }
    auto raw = fd->release();
    start(next_key_++, mpx, raw, std::nullopt, remote_address(raw), {});
  }

  /// Registers a connection whose actors were created elsewhere (tests, or
  /// transports that do not go through `bind`/`connect`) under `key`, or a
  /// fresh key if `key` is zero. The caller retires a current incarnation of
  /// `key` first. Returns the new record.
  peer& adopt(uint64_t key, zmtp_integrated_actor hdl) {
    if (key == 0)
      key = next_key_++;
    auto epoch = next_epoch_++;
    self_->monitor(hdl);
    return table_.insert(key, epoch, std::move(hdl), "adopted");
  }

  /// Handles the reconnect timer of `key`.
  void on_reconnect(uint64_t key) {
    if (!closing_)
      attempt(key);
  }

  // -- lifecycle events -------------------------------------------------------

  /// Handles a `peer_up`; returns the record if `(key, epoch)` is current,
  /// run by `hdl` and not up yet.
  peer* on_peer_up(uint64_t key, uint64_t epoch, const zmtp_integrated_actor& hdl,
                   peer_info info) {
    auto* p = table_.find(key, epoch);
    if (p == nullptr || !p->current || p->hdl != hdl || p->up)
      return nullptr; // stale, foreign or repeated
    p->info = std::move(info);
    auto s = slots_.find(key);
    if (s != slots_.end())
      s->second.ivl = ivl_init_;
    return p;
  }

  /// Handles a `down_msg`: marks the incarnation it names as exited and
  /// returns its record (which may have been retired already), or null for
  /// duplicates and unknown actors. Schedules a reconnect if it was the
  /// current incarnation of a connect endpoint.
  peer* on_down(const down_msg& dm) {
    auto epoch = table_.take_addr(dm.source);
    if (epoch == 0)
      return nullptr;
    auto* p = table_.by_epoch(epoch);
    if (p == nullptr)
      return nullptr;
    p->exited = true;
    if (p->current) {
      log::actors()->debug("connection {} epoch {} down: {}", p->key, epoch,
                           self_->home_system().render(dm.reason));
      auto s = slots_.find(p->key);
      if (s != slots_.end() && !closing_)
        schedule_reconnect(p->key, s->second);
    }
    return p;
  }

  /// Stops listening and reconnecting; asks every connection to close within
  /// `linger`. Idempotent; call it again to also close connections that
  /// appeared since.
  void close(timespan linger) {
    closing_ = true;
    for (auto& l : listeners_)
      self_->send(l, close_atom::value);
    listeners_.clear();
    slots_.clear();
    table_.for_each([&](peer& p) { close_peer(p, linger); });
  }

  /// Asks the connection of `p` to close within `linger` (once).
  void close_peer(peer& p, timespan linger) {
    if (p.closing || !p.alive())
      return;
    p.closing = true;
    self_->send(p.hdl, close_atom::value, linger);
  }

private:
  struct slot {
    endpoint ep;
    std::vector<connect_target> targets;
    size_t next_target = 0;
    timespan ivl{0};
    bool resolving = false;
    std::string routing_id;
  };

  uring_multiplexer* ring() {
    auto* mod = module::from(self_->home_system());
    return mod != nullptr ? mod->next_ring() : nullptr;
  }

  error backend_error() {
    auto* mod = module::from(self_->home_system());
    if (mod == nullptr)
      return make_error(errc::backend_unavailable,
                        "the caf::monocoque::module is not loaded");
    return mod->status() ? mod->status()
                         : make_error(errc::backend_unavailable);
  }

  void attempt(uint64_t key) {
    auto s = slots_.find(key);
    if (s == slots_.end() || table_.current(key) != nullptr)
      return;
    auto& sl = s->second;
    if (sl.targets.empty()) {
      resolve(key, sl);
      return;
    }
    auto target = sl.targets[sl.next_target++ % sl.targets.size()];
    auto fd = make_connect_socket(target);
    auto* mpx = ring();
    if (!fd || mpx == nullptr) {
      schedule_reconnect(key, sl);
      return;
    }
    start(key, mpx, *fd, target, sl.ep.to_string(), sl.routing_id);
  }

  void resolve(uint64_t key, slot& sl) {
    if (sl.resolving)
      return;
    sl.resolving = true;
    // The endpoint goes in as a spawn argument: CAF 0.17 binds an empty
    // argument tuple through a null reference (UBSan reports it).
    auto resolver = self_->home_system().template spawn<detached>(
      [](event_based_actor* self, std::string str) -> behavior {
        return {[self, str](connect_atom) -> result<std::vector<connect_target>> {
          self->quit();
          auto ep = endpoint::parse(str);
          if (!ep)
            return ep.error();
          auto targets = resolve_blocking(*ep);
          if (!targets)
            return targets.error();
          return std::move(*targets);
        }};
      },
      sl.ep.to_string());
    self_->request(resolver, infinite, connect_atom::value)
      .then(
        [this, key](std::vector<connect_target>& targets) {
          auto s = slots_.find(key);
          if (s == slots_.end())
            return;
          s->second.resolving = false;
          s->second.targets = std::move(targets);
          attempt(key);
        },
        [this, key](error& err) {
          auto s = slots_.find(key);
          if (s == slots_.end())
            return;
          log::actors()->info("{}: {}", s->second.ep.to_string(),
                              self_->home_system().render(err));
          s->second.resolving = false;
          schedule_reconnect(key, s->second);
        });
  }

  void schedule_reconnect(uint64_t key, slot& sl) {
    self_->delayed_send(self_, sl.ivl, reconnect_atom::value, key);
    if (opts_.reconnect_ivl_max.count() > 0)
      sl.ivl = std::min(sl.ivl * 2, opts_.reconnect_ivl_max);
  }

  void start(uint64_t key, uring_multiplexer* mpx, int fd,
             std::optional<connect_target> target, std::string where,
             std::string routing_id) {
    auto& sys = self_->home_system();
    zmtp_integrated_actor_config zc;
    zc.session.type = type_;
    zc.session.identity = opts_.identity;
    for (auto& [name, value] : opts_.properties)
      zc.session.properties.set(name, value);
    zc.session.max_message_size = opts_.max_message_size;
    zc.session.max_handshake_size = opts_.max_handshake_size;
    zc.session.handshake_timeout = opts_.handshake_timeout;
    zc.session.heartbeat.interval = opts_.heartbeat_ivl;
    zc.session.heartbeat.ttl = opts_.heartbeat_ttl;
    zc.session.heartbeat.timeout = opts_.heartbeat_timeout;
    zc.rcvhwm = opts_.rcvhwm;
    zc.sndhwm = opts_.sndhwm;
    zc.linger = opts_.linger;
    zc.key = key;
    zc.epoch = next_epoch_++;
    auto sock = spawn_socket_actor(sys, mpx, fd, target);
    auto hdl = spawn_zmtp_integrated_actor(sys, mpx, sock,
                                actor_cast<weak_actor_ptr>(self_), zc);
    self_->monitor(hdl);
    auto& p = table_.insert(key, zc.epoch, hdl, std::move(where));
    p.routing_id = std::move(routing_id);
  }

  Self* self_;
  ::monocoque::zmtp::socket_type type_;
  socket_options opts_;
  timespan ivl_init_;
  bool closing_ = false;
  uint64_t next_key_ = 1;
  uint64_t next_epoch_ = 1;
  uint64_t refused_ = 0;
  std::vector<listener_actor> listeners_;
  std::map<uint64_t, slot> slots_;
  peer_table table_;
};

} // namespace caf::monocoque::detail
