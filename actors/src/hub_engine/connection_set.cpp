// connection_set: endpoints, connect and reconnect, spawning connections.
// One instantiation, for the hub engine (see the end of this file).
#include "caf/monocoque/internal/connection_set.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/event_reasons.hpp"
#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/lifecycle_atoms.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/security_setup.hpp"
#include "caf/monocoque/internal/socket_keeper.hpp"
#include "caf/monocoque/internal/socket_actor.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/module.hpp"

#include <algorithm>
#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>

namespace caf::monocoque::detail {

template <class Self>
expected<std::string> connection_set<Self>::bind(const std::string& str) {
  auto ep = endpoint::parse(str);
  if (!ep)
    return ep.error();
  if (ep->proto == endpoint::transport::inproc)
    return bind_inproc(*ep, str);
  auto* mpx = ring();
  if (mpx == nullptr)
    return backend_error();
  auto sock = listen_on(*ep);
  if (!sock) {
    if (events_.wants(socket_event_type::bind_failed))
      emit_listener(socket_event_type::bind_failed, listener_rec{{}, false, {}, str},
                    {}, sock.error());
    return sock.error();
  }
  auto key = next_key_++;
  auto hdl = spawn_listener_actor(self_->home_system(), mpx, sock->fd,
                                  actor_cast<weak_actor_ptr>(self_), key,
                                  events_.interest());
  auto& l = listeners_[key];
  l.hdl = std::move(hdl);
  l.bound = sock->bound.to_string();
  l.given = str;
  log::actors()->debug("bound {}", l.bound);
  if (events_.wants(socket_event_type::listening))
    emit_listener(socket_event_type::listening, l);
  return l.bound;
}

template <class Self> error connection_set<Self>::prepare_security() {
  auto cfg = make_security_config(opts_.security);
  if (!cfg)
    return std::move(cfg.error());
  security_ = std::move(*cfg);
  return none;
}

template <class Self>
error connection_set<Self>::connect(const std::string& str,
                                    std::string routing_id) {
  auto ep = endpoint::parse(str);
  if (!ep)
    return ep.error();
  if (ep->proto == endpoint::transport::inproc)
    return connect_inproc(*ep, str, std::move(routing_id));
  auto targets = resolve_numeric(*ep);
  if (!targets)
    return targets.error();
  // Only whether the backend runs: taking a ring here would skip one in the
  // socket's round robin.
  auto* mod = module::from(self_->home_system());
  if (mod == nullptr || mod->ring_at(0) == nullptr)
    return backend_error();
  auto key = next_key_++;
  auto& s = slots_[key];
  s.ep = *ep;
  s.given = str;
  s.targets = std::move(*targets);
  s.ivl = ivl_init_;
  s.routing_id = std::move(routing_id);
  attempt(key);
  return none;
}

template <class Self>
void connection_set<Self>::on_accepted(uint64_t listener, owned_fd fd) {
  if (closing_)
    return;
  auto* mpx = ring();
  if (mpx == nullptr)
    return;
  if (opts_.max_connections > 0 && table_.live() >= opts_.max_connections) {
    ++refused_;
    if (events_.wants(socket_event_type::accept_failed)) {
      auto l = listeners_.find(listener);
      if (l != listeners_.end())
        emit_listener(socket_event_type::accept_failed, l->second,
                      "max_connections reached ("
                        + std::to_string(table_.live()) + " live)");
    }
    // Through the ring, like every other close: no SQE queued there can
    // name a reused fd number.
    mpx->close_fd(fd->release());
    log::actors()->debug("refused a connection: {} live (max-connections)",
                         table_.live());
    return;
  }
  auto raw = fd->release();
  auto& p = start(next_key_++, mpx, raw, std::nullopt, remote_address(raw),
                  {});
  p.listener = listener;
  if (events_.any())
    emit_accepted(p, raw);
}

template <class Self>
peer& connection_set<Self>::adopt(uint64_t key, zmtp_integrated_actor hdl) {
  if (key == 0)
    key = next_key_++;
  auto epoch = next_epoch_++;
  self_->monitor(hdl);
  return table_.insert(key, epoch, std::move(hdl), "adopted");
}

template <class Self> void connection_set<Self>::on_reconnect(uint64_t key) {
  if (!closing_)
    attempt(key);
}

template <class Self>
void connection_set<Self>::on_resolved(uint64_t key,
                                       std::vector<connect_target> targets) {
  auto s = slots_.find(key);
  if (s == slots_.end())
    return; // closed meanwhile
  s->second.resolving = false;
  s->second.targets = std::move(targets);
  attempt(key);
}

template <class Self>
void connection_set<Self>::on_resolve_failed(uint64_t key, const error& err) {
  auto s = slots_.find(key);
  if (s == slots_.end())
    return; // closed meanwhile
  auto& sl = s->second;
  // In the words of the resolver, without the endpoint it repeats.
  auto& ctx = err.context();
  auto what = ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                                : to_string(err);
  auto prefix = sl.ep.to_string() + ": ";
  if (what.compare(0, prefix.size(), prefix) == 0)
    what.erase(0, prefix.size());
  sl.last_error = "name resolution failed: " + what;
  log::actors()->info("{}: {}", sl.ep.to_string(), sl.last_error);
  sl.resolving = false;
  schedule_reconnect(key, sl);
}

template <class Self> void connection_set<Self>::keep_alive() {
  if (kept_)
    return;
  kept_ = true;
  // The strong handle travels in the message: the keeper cannot make one
  // from its weak one if our last handle went meanwhile.
  anon_send(keeper(), keep_atom::value, actor_cast<strong_actor_ptr>(self_));
}

template <class Self>
std::vector<std::pair<std::string, std::string>>
connection_set<Self>::connect_endpoints() const {
  std::vector<std::pair<std::string, std::string>> result;
  for (auto& [key, sl] : slots_)
    result.emplace_back(sl.ep.to_string(), sl.routing_id);
  return result;
}

template <class Self>
std::vector<connect_stats> connection_set<Self>::connecting() {
  std::vector<connect_stats> result;
  for (auto& [key, sl] : slots_) {
    auto* p = table_.current(key);
    if (p != nullptr && p->up)
      continue;
    connect_stats x;
    x.endpoint = sl.ep.to_string();
    x.attempts = sl.attempts;
    x.last_error = sl.last_error;
    result.push_back(std::move(x));
  }
  return result;
}

template <class Self>
std::vector<std::string> connection_set<Self>::listening() const {
  std::vector<std::string> result;
  for (auto& [key, l] : listeners_)
    if (l.open())
      result.push_back(l.bound);
  return result;
}

template <class Self>
uint64_t connection_set<Self>::closed_listeners() const {
  uint64_t n = 0;
  for (auto& [key, l] : listeners_)
    n += l.open() ? 0 : 1;
  return n;
}

template <class Self> const actor& connection_set<Self>::keeper() {
  if (!keeper_)
    keeper_ = spawn_socket_keeper(self_->home_system(),
                                  actor_cast<weak_actor_ptr>(self_));
  return keeper_;
}

template <class Self>
peer* connection_set<Self>::on_peer_up(uint64_t key, uint64_t epoch,
                                       const zmtp_integrated_actor& hdl,
                                       peer_info info) {
  auto* p = table_.find(key, epoch);
  if (p == nullptr || !p->current || p->hdl != hdl || p->up)
    return nullptr; // stale, foreign or repeated
  p->info = std::move(info);
  auto s = slots_.find(key);
  if (s != slots_.end()) {
    s->second.ivl = ivl_init_;
    s->second.attempts = 0;
    s->second.last_error.clear();
  }
  return p;
}

template <class Self> peer* connection_set<Self>::on_down(const down_msg& dm) {
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
    if (events_.wants(socket_event_type::disconnected))
      emit_down(*p, dm.reason);
    auto s = slots_.find(p->key);
    if (s != slots_.end() && !closing_) {
      // A connection that never came up failed its attempt (refused, reset
      // or timed out in the handshake): say why in the stats.
      if (!p->up)
        s->second.last_error = self_->home_system().render(dm.reason);
      // An inproc name nobody binds any more: wait for the next bind (it
      // wakes us at once), no timer.
      if (s->second.ep.proto != endpoint::transport::inproc
          || !wait_for_bind(p->key, s->second))
        schedule_reconnect(p->key, s->second, &dm.reason);
    }
  }
  prune_listener(p->listener);
  return p;
}

template <class Self> void connection_set<Self>::close(timespan linger) {
  closing_ = true;
  close_listeners("socket closed");
  slots_.clear();
  if (inproc_used_)
    forget_inproc();
  table_.for_each([&](peer& p) { close_peer(p, linger, "socket closed"); });
}

template <class Self>
void connection_set<Self>::close_peer(peer& p, timespan linger,
                                      const char* why) {
  if (p.closing || !p.alive())
    return;
  p.closing = true;
  p.close_reason = why;
  self_->send(p.hdl, close_atom::value, linger);
}

template <class Self> uring_multiplexer* connection_set<Self>::ring() {
  auto* mod = module::from(self_->home_system());
  if (mod == nullptr)
    return nullptr;
  // The socket's own round robin: consecutive listeners and connections of
  // one socket take consecutive rings, whatever other sockets pick
  // meanwhile. It starts at the ring the socket runs on (a socket with one
  // connection has it on its own thread, as with one ring), or at the
  // module's next pick for a socket on the scheduler. Only spawns take
  // the module's picks, so sockets spread over the rings too.
  if (!ring_started_) {
    auto* first = mod->current_ring();
    if (first == nullptr)
      first = mod->next_ring();
    if (first == nullptr)
      return nullptr;
    ring_started_ = true;
    next_ring_ = first->index() + 1;
    return first;
  }
  return mod->ring_at(next_ring_++);
}

template <class Self> error connection_set<Self>::backend_error() {
  auto* mod = module::from(self_->home_system());
  if (mod == nullptr)
    return make_error(errc::backend_unavailable,
                      "the caf::monocoque::module is not loaded");
  return mod->status() ? mod->status() : make_error(errc::backend_unavailable);
}

template <class Self> void connection_set<Self>::attempt(uint64_t key) {
  auto s = slots_.find(key);
  if (s == slots_.end() || table_.current(key) != nullptr)
    return;
  auto& sl = s->second;
  if (sl.ep.proto == endpoint::transport::inproc)
    return attempt_inproc(key, sl);
  if (sl.targets.empty()) {
    if (!sl.resolving)
      ++sl.attempts;
    resolve(key, sl);
    return;
  }
  ++sl.attempts;
  auto target = sl.targets[sl.next_target++ % sl.targets.size()];
  auto fd = make_connect_socket(target);
  auto* mpx = ring();
  if (!fd || mpx == nullptr) {
    sl.last_error = fd ? self_->home_system().render(backend_error())
                       : self_->home_system().render(fd.error());
    schedule_reconnect(key, sl);
    return;
  }
  auto& p = start(key, mpx, *fd, target, sl.ep.to_string(), sl.routing_id);
  // io_uring completes every connect later: libzmq's EINPROGRESS.
  if (events_.any()) {
    p.remote_address = target_address(target);
    emit(socket_event_type::connect_delayed, p);
  }
}

template <class Self>
void connection_set<Self>::resolve(uint64_t key, slot& sl) {
  if (sl.resolving)
    return;
  sl.resolving = true;
  // The resolver holds only a weak handle to the owner and answers with a
  // one-way `resolved_atom`. A `request` would put a strong handle to the
  // owner in the resolver's mailbox, and with it every failed resolution
  // would keep an abandoned socket alive until the next one: it would never
  // be destroyed and `~actor_system` would wait forever.
  // The endpoint goes in as a spawn argument: CAF 0.17 binds an empty
  // argument tuple through a null reference (UBSan reports it).
  auto resolver = self_->home_system().template spawn<detached>(
      [](event_based_actor* self, weak_actor_ptr owner, uint64_t key,
         std::string str) -> behavior {
        return {[self, owner, key, str](connect_atom) {
          self->quit();
          auto ep = endpoint::parse(str);
          auto targets = ep ? resolve_blocking(*ep)
                            : expected<std::vector<connect_target>>{ep.error()};
          // Strong only now, and only for the send.
          auto hdl = actor_cast<actor>(owner);
          if (!hdl)
            return; // the socket is gone: nobody waits for the answer
          if (targets)
            anon_send(hdl, resolved_atom::value, key, std::move(*targets));
          else
            anon_send(hdl, resolved_atom::value, key,
                      std::move(targets.error()));
        }};
      },
      actor_cast<weak_actor_ptr>(self_), key, sl.ep.to_string());
  anon_send(resolver, connect_atom::value);
}

template <class Self>
void connection_set<Self>::schedule_reconnect(uint64_t key, slot& sl,
                                              const error* cause) {
  // Through the keeper: a timer of our own would hold this actor alive.
  anon_send(keeper(), timer_atom::value, key, sl.ivl);
  if (events_.wants(socket_event_type::connect_retried))
    emit_retry(key, sl, cause ? describe_end(*cause) : sl.last_error);
  if (opts_.reconnect_ivl_max.count() > 0)
    sl.ivl = std::min(sl.ivl * 2, opts_.reconnect_ivl_max);
}

template <class Self>
void connection_set<Self>::schedule_recv_timeout(uint64_t id,
                                                 timespan delay) {
  anon_send(keeper(), recv_timeout_atom::value, id, delay);
}

template <class Self>
peer& connection_set<Self>::start(uint64_t key, uring_multiplexer* mpx, int fd,
                                 std::optional<connect_target> target,
                                 std::string where, std::string routing_id) {
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
  zc.session.security = security_;
  zc.authenticator = opts_.security.authenticator;
  zc.zap_domain = opts_.security.zap_domain;
  zc.address = zap_address(where);
  zc.rcvhwm = opts_.rcvhwm;
  zc.sndhwm = opts_.sndhwm;
  zc.linger = opts_.linger;
  zc.key = key;
  zc.epoch = next_epoch_++;
  // TCP keepalive and TCP_USER_TIMEOUT, on connected and accepted sockets
  // alike (libzmq tunes both).
  if (auto failed = tune_liveness(fd, opts_); !failed.empty())
    log::actors()->warn("{}: {}", where, failed);
  zc.events = events_.interest();
  zc.deliver_direct = &peer_msg_direct;
  zc.owner_impl = self_;
  connect_notice notice;
  if (target)
    notice = connect_notice{actor_cast<weak_actor_ptr>(self_), key, zc.epoch,
                            events_.interest()};
  auto sock = spawn_socket_actor(sys, mpx, fd, target, opts_.connect_timeout,
                                 std::move(notice));
  auto hdl = spawn_zmtp_integrated_actor(sys, mpx, sock,
                                         actor_cast<weak_actor_ptr>(self_), zc);
  self_->monitor(hdl);
  auto& p = table_.insert(key, zc.epoch, hdl, std::move(where));
  p.routing_id = std::move(routing_id);
  return p;
}

template class connection_set<hub_ptr>;

} // namespace caf::monocoque::detail
