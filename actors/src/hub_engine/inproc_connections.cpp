// connection_set: inproc:// binds and connects. A bind puts the name in
// the module's registry; a connect spawns a pipe (InprocPipe) between the
// two sockets and hands it to the bound one, which adopts it. Neither needs
// a ring. See docs/architecture.md, "inproc".
#include "caf/monocoque/internal/connection_set.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/inproc_registry.hpp"
#include "caf/monocoque/module.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace caf::monocoque::detail {

namespace {

inproc_registry* registry_of(actor_system& sys) {
  auto* mod = module::from(sys);
  return mod != nullptr ? &mod->inproc() : nullptr;
}

error no_module() {
  return make_error(errc::backend_unavailable,
                    "the caf::monocoque::module is not loaded");
}

error mismatch(::monocoque::zmtp::socket_type self,
               ::monocoque::zmtp::socket_type peer) {
  return make_error(errc::socket_type_mismatch,
                    std::string{::monocoque::zmtp::wire_name(self)}
                      + " cannot talk to "
                      + std::string{::monocoque::zmtp::wire_name(peer)});
}

// A pipe tells its two sockets apart by who sends: one socket cannot be
// both ends.
error self_connect(const endpoint& ep) {
  return make_error(errc::invalid_operation,
                    "a socket cannot connect to its own bind of "
                      + ep.to_string());
}

} // namespace

template <class Self> connection_set<Self>::~connection_set() {
  if (inproc_used_)
    forget_inproc();
}

template <class Self>
expected<std::string>
connection_set<Self>::bind_inproc(const endpoint& ep, const std::string& str) {
  auto* reg = registry_of(self_->home_system());
  if (reg == nullptr)
    return no_module();
  inproc_used_ = true;
  auto key = next_key_++;
  inproc_binder b;
  b.hub = actor_cast<weak_actor_ptr>(self_);
  b.addr = self_->address();
  b.listener = key;
  b.type = type_;
  b.identity = opts_.identity;
  b.sndhwm = opts_.sndhwm;
  b.rcvhwm = opts_.rcvhwm;
  b.linger_ns = opts_.linger.count();
  auto waiters = reg->bind(ep.path, std::move(b));
  if (!waiters) {
    if (events_.wants(socket_event_type::bind_failed))
      emit_listener(socket_event_type::bind_failed, listener_rec{{}, false, {}, str},
                    {}, waiters.error());
    return waiters.error();
  }
  auto& l = listeners_[key];
  l.inproc_open = true;
  l.bound = ep.to_string();
  l.given = str;
  log::actors()->debug("bound {}", l.bound);
  if (events_.wants(socket_event_type::listening))
    emit_listener(socket_event_type::listening, l);
  // Connects that came first try now (libzmq 4.x: connect before bind).
  for (auto& w : *waiters)
    if (auto hdl = actor_cast<actor>(w.hub))
      anon_send(hdl, reconnect_atom::value, w.key);
  return l.bound;
}

template <class Self>
error connection_set<Self>::connect_inproc(const endpoint& ep,
                                           const std::string& str,
                                           std::string routing_id) {
  auto* reg = registry_of(self_->home_system());
  if (reg == nullptr)
    return no_module();
  inproc_used_ = true;
  auto key = next_key_++;
  // Bound already with a socket type we cannot talk to: refused now, with
  // the error its handshake would have failed with.
  auto found = reg->find_or_wait(ep.path, {actor_cast<weak_actor_ptr>(self_),
                                           self_->address(), key});
  if (found && found->addr == self_->address())
    return self_connect(ep);
  if (found && !::monocoque::zmtp::compatible(type_, found->type))
    return mismatch(type_, found->type);
  auto& s = slots_[key];
  s.ep = ep;
  s.given = str;
  s.ivl = ivl_init_;
  s.routing_id = std::move(routing_id);
  if (found)
    attempt(key);
  else
    s.last_error = "waiting for a bind of " + ep.to_string();
  return none;
}

template <class Self>
void connection_set<Self>::attempt_inproc(uint64_t key, slot& sl) {
  auto* reg = registry_of(self_->home_system());
  if (reg == nullptr)
    return;
  auto found = reg->find_or_wait(sl.ep.path,
                                 {actor_cast<weak_actor_ptr>(self_),
                                  self_->address(), key});
  if (!found) {
    // The bind wakes us (`reconnect_atom`); no timer.
    sl.last_error = "waiting for a bind of " + sl.ep.to_string();
    return;
  }
  ++sl.attempts;
  if (found->addr == self_->address()) {
    // Bound by this very socket after its connect: refused, as at connect
    // time; the endpoint stays, without retries, until disconnected.
    sl.last_error = self_->home_system().render(self_connect(sl.ep));
    return;
  }
  if (!::monocoque::zmtp::compatible(type_, found->type)) {
    // As a tcp connect to an incompatible peer: fail, retry later.
    auto err = mismatch(type_, found->type);
    sl.last_error = self_->home_system().render(err);
    if (events_.wants(socket_event_type::handshake_failed_protocol)) {
      socket_event ev;
      ev.type = socket_event_type::handshake_failed_protocol;
      ev.endpoint = sl.ep.to_string();
      ev.key = key;
      ev.reason = sl.last_error;
      ev.error = err;
      events_.emit(self_, std::move(ev));
    }
    schedule_reconnect(key, sl);
    return;
  }
  inproc_end me;
  me.owner = actor_cast<weak_actor_ptr>(self_);
  me.key = key;
  me.epoch = next_epoch_++;
  me.info.type = type_;
  me.info.identity = opts_.identity;
  me.sndhwm = opts_.sndhwm;
  me.rcvhwm = opts_.rcvhwm;
  me.linger = opts_.linger;
  inproc_end peer_end;
  peer_end.owner = found->hub;
  peer_end.info.type = found->type;
  peer_end.info.identity = found->identity;
  peer_end.sndhwm = found->sndhwm;
  peer_end.rcvhwm = found->rcvhwm;
  peer_end.linger = timespan{found->linger_ns};
  auto epoch = me.epoch;
  auto pipe = spawn_inproc_pipe(self_->home_system(), sl.ep.path,
                                std::move(me), std::move(peer_end));
  self_->monitor(pipe);
  auto& p = table_.insert(key, epoch, pipe, sl.ep.to_string());
  p.routing_id = sl.routing_id;
  if (auto hub = actor_cast<actor>(found->hub))
    anon_send(hub, inproc_atom::value, found->listener, pipe);
  if (events_.wants(socket_event_type::connected)) {
    p.remote_address = sl.ep.to_string();
    emit(socket_event_type::connected, p);
  }
}

template <class Self>
bool connection_set<Self>::wait_for_bind(uint64_t key, slot& sl) {
  auto* reg = registry_of(self_->home_system());
  if (reg == nullptr)
    return false;
  if (reg->find_or_wait(sl.ep.path, {actor_cast<weak_actor_ptr>(self_),
                                     self_->address(), key}))
    return false; // still bound (we were refused, or it is a new socket)
  sl.last_error = "waiting for a bind of " + sl.ep.to_string();
  return true;
}

template <class Self>
void connection_set<Self>::on_inproc(uint64_t listener,
                                     inproc_pipe_actor pipe) {
  auto l = listeners_.find(listener);
  if (closing_ || l == listeners_.end() || !l->second.inproc_open) {
    // Unbound meanwhile: the connector sees the pipe go and waits for the
    // next bind.
    self_->send(pipe, close_atom::value, timespan{0});
    return;
  }
  if (opts_.max_connections > 0 && table_.live() >= opts_.max_connections) {
    ++refused_;
    if (events_.wants(socket_event_type::accept_failed))
      emit_listener(socket_event_type::accept_failed, l->second,
                    "max_connections reached ("
                      + std::to_string(table_.live()) + " live)");
    self_->send(pipe, close_atom::value, timespan{0});
    return;
  }
  auto key = next_key_++;
  auto epoch = next_epoch_++;
  self_->monitor(pipe);
  auto& p = table_.insert(key, epoch, pipe, l->second.bound);
  p.listener = listener;
  self_->send(pipe, inproc_atom::value, key, epoch);
  if (events_.wants(socket_event_type::accepted)) {
    p.remote_address = l->second.bound;
    emit(socket_event_type::accepted, p);
  }
}

template <class Self> void connection_set<Self>::forget_inproc() {
  if (auto* reg = registry_of(self_->home_system()))
    reg->forget(self_->address());
}

template <class Self>
void connection_set<Self>::forget_inproc_wait(uint64_t key) {
  if (auto* reg = registry_of(self_->home_system()))
    reg->forget_wait(self_->address(), key);
}

template <class Self>
void connection_set<Self>::unbind_inproc(const std::string& bound) {
  auto ep = endpoint::parse(bound);
  if (!ep)
    return;
  if (auto* reg = registry_of(self_->home_system()))
    reg->unbind(ep->path, self_->address());
}

template connection_set<hub_ptr>::~connection_set();
template expected<std::string>
connection_set<hub_ptr>::bind_inproc(const endpoint&, const std::string&);
template error connection_set<hub_ptr>::connect_inproc(const endpoint&,
                                                       const std::string&,
                                                       std::string);
template void connection_set<hub_ptr>::attempt_inproc(uint64_t, slot&);
template bool connection_set<hub_ptr>::wait_for_bind(uint64_t, slot&);
template void connection_set<hub_ptr>::on_inproc(uint64_t, inproc_pipe_actor);
template void connection_set<hub_ptr>::forget_inproc();
template void connection_set<hub_ptr>::forget_inproc_wait(uint64_t);
template void connection_set<hub_ptr>::unbind_inproc(const std::string&);

} // namespace caf::monocoque::detail
