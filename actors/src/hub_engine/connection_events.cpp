// connection_set: runtime unbind/disconnect and the socket's events (who
// reports what: docs/architecture.md, "Socket events"). Every emitter is
// called only after `events_.wants(...)` (or `any()`) said yes, so a socket
// without subscribers builds no event.
#include "caf/monocoque/internal/connection_set.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/event_reasons.hpp"
#include "caf/monocoque/internal/hub_engine.hpp"

#include <algorithm>

namespace caf::monocoque::detail {

namespace {

// "tcp://127.0.0.1:5555" -> "127.0.0.1:5555".
std::string address_part(const std::string& ep) {
  auto i = ep.find("://");
  return i == std::string::npos ? ep : ep.substr(i + 3);
}

} // namespace

template <class Self>
error connection_set<Self>::unbind(const std::string& str) {
  auto bound = [&](auto& kv) { return kv.second.open() && kv.second.bound == str; };
  auto given = [&](auto& kv) { return kv.second.open() && kv.second.given == str; };
  auto i = std::find_if(listeners_.begin(), listeners_.end(), bound);
  if (i == listeners_.end()) {
    // The string given to bind: only while it names one listener (two
    // binds of "tcp://127.0.0.1:*" do not say which one to close).
    auto n = std::count_if(listeners_.begin(), listeners_.end(), given);
    if (n > 1)
      return make_error(errc::unknown_endpoint,
                        str + " names " + std::to_string(n)
                          + " listeners: unbind the bound endpoint");
    i = std::find_if(listeners_.begin(), listeners_.end(), given);
  }
  if (i == listeners_.end())
    return make_error(errc::unknown_endpoint, "not bound: " + str);
  auto key = i->first;
  close_listener(i, "unbind");
  // As libzmq: the connections a listener accepted are its children and
  // go with it, within linger.
  table_.for_each([&](peer& p) {
    if (p.listener == key && p.current)
      close_peer(p, opts_.linger, "unbind");
  });
  prune_listener(key);
  return none;
}

template <class Self>
void connection_set<Self>::prune_listener(uint64_t key) {
  auto l = listeners_.find(key);
  if (key == 0 || l == listeners_.end() || l->second.open())
    return;
  bool running = false;
  table_.for_each([&](peer& p) {
    running = running || (p.listener == key && !p.exited);
  });
  if (!running)
    listeners_.erase(l);
}

template <class Self>
error connection_set<Self>::disconnect(const std::string& str) {
  auto ep = endpoint::parse(str);
  auto normal = ep ? ep->to_string() : str;
  std::vector<uint64_t> keys;
  for (auto& [key, sl] : slots_)
    if (sl.given == str || sl.ep.to_string() == normal)
      keys.push_back(key);
  if (keys.empty())
    return make_error(errc::unknown_endpoint, "not connected: " + str);
  for (auto key : keys) {
    // Without its slot, the connection's exit schedules no reconnect, and
    // a pending timer or resolver finds nothing to do.
    if (slots_[key].ep.proto == endpoint::transport::inproc)
      forget_inproc_wait(key);
    slots_.erase(key);
    if (auto* p = table_.current(key))
      close_peer(*p, opts_.linger, "disconnect");
  }
  return none;
}

template <class Self>
void connection_set<Self>::close_listener(
  typename std::map<uint64_t, listener_rec>::iterator i, const char* why) {
  auto& l = i->second;
  if (!l.open())
    return;
  if (l.inproc_open) {
    l.inproc_open = false;
    unbind_inproc(l.bound);
  } else {
    self_->send(l.hdl, close_atom::value);
  }
  // The record stays, without handle: connections it accepted still
  // report their events under its endpoint.
  l.hdl = nullptr;
  if (events_.wants(socket_event_type::closed))
    emit_listener(socket_event_type::closed, l, why);
}

template <class Self>
void connection_set<Self>::close_listeners(const char* why) {
  for (auto i = listeners_.begin(); i != listeners_.end(); ++i)
    close_listener(i, why);
}

template <class Self>
void connection_set<Self>::on_conn_event(socket_event ev) {
  using t = socket_event_type;
  if (!events_.any())
    return; // reported before the last subscriber went
  if (ev.type == t::accept_failed) {
    auto l = listeners_.find(ev.key);
    if (l != listeners_.end() && events_.wants(ev.type))
      emit_listener(ev.type, l->second, std::move(ev.reason));
    return;
  }
  auto* p = table_.find(ev.key, ev.epoch);
  if (p == nullptr)
    return; // a replaced incarnation
  if (ev.type == t::connected) {
    // Kept for the connection's later events.
    p->local_address = std::move(ev.local_address);
    p->remote_address = std::move(ev.remote_address);
    emit(t::connected, *p);
    return;
  }
  // A handshake failure: the connection knew why, we know where.
  if (!events_.wants(ev.type))
    return;
  auto status = ev.status;
  auto type = ev.type;
  socket_event out;
  out.type = type;
  fill(out, *p);
  out.reason = std::move(ev.reason);
  out.error = std::move(ev.error);
  out.status = status;
  events_.emit(self_, std::move(out));
}

template <class Self>
void connection_set<Self>::fill(socket_event& ev, const peer& p) {
  if (p.listener != 0) {
    auto l = listeners_.find(p.listener);
    if (l != listeners_.end())
      ev.endpoint = l->second.bound;
  } else {
    ev.endpoint = p.endpoint;
  }
  ev.local_address = p.local_address;
  ev.remote_address = p.remote_address;
  ev.key = p.key;
  ev.epoch = p.epoch;
}

template <class Self>
void connection_set<Self>::emit(socket_event_type type, const peer& p,
                                std::string reason, error err) {
  if (!events_.wants(type))
    return;
  socket_event ev;
  ev.type = type;
  fill(ev, p);
  ev.reason = std::move(reason);
  ev.error = std::move(err);
  if (type == socket_event_type::handshake_succeeded
      || type == socket_event_type::disconnected)
    ev.peer = p.identity; // null for a connection that never came up
  events_.emit(self_, std::move(ev));
}

template <class Self>
void connection_set<Self>::emit_listener(socket_event_type type,
                                         const listener_rec& l,
                                         std::string reason, error err) {
  socket_event ev;
  ev.type = type;
  ev.endpoint = l.bound.empty() ? l.given : l.bound;
  if (!l.bound.empty())
    ev.local_address = address_part(l.bound);
  if (reason.empty() && err) {
    // bind_failed: the system's words ("...: bind: Address already in use").
    auto& ctx = err.context();
    reason = ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                               : to_string(err);
  }
  ev.reason = std::move(reason);
  ev.error = std::move(err);
  events_.emit(self_, std::move(ev));
}

template <class Self>
void connection_set<Self>::emit_retry(uint64_t key, const slot& sl,
                                      std::string reason) {
  socket_event ev;
  ev.type = socket_event_type::connect_retried;
  ev.endpoint = sl.ep.to_string();
  if (auto* p = table_.current(key)) {
    // The attempt that failed (none for a failed name resolution).
    ev.key = key;
    ev.epoch = p->epoch;
    ev.local_address = p->local_address;
    ev.remote_address = p->remote_address;
  }
  ev.retry_in = sl.ivl;
  ev.reason = std::move(reason);
  events_.emit(self_, std::move(ev));
}

template <class Self>
void connection_set<Self>::emit_down(const peer& p, const error& reason) {
  // libzmq reports `disconnected` for every connection that existed (its
  // engine ran), handshake failures included, but not for a failed connect.
  if (p.listener == 0 && is_connect_failure(reason))
    return;
  std::string why;
  if (reason)
    why = describe_end(reason);
  else
    why = p.close_reason != nullptr ? p.close_reason : "closed";
  emit(socket_event_type::disconnected, p, std::move(why), reason);
}

template <class Self>
void connection_set<Self>::emit_accepted(peer& p, int fd) {
  // Kept for the connection's later events.
  p.local_address = socket_address(fd, true);
  p.remote_address = socket_address(fd, false);
  emit(socket_event_type::accepted, p);
}

// The members defined here, for the hub engine (the rest: connection_set.cpp).
template error connection_set<hub_ptr>::unbind(const std::string&);
template error connection_set<hub_ptr>::disconnect(const std::string&);
template void connection_set<hub_ptr>::close_listener(
  std::map<uint64_t, listener_rec>::iterator, const char*);
template void connection_set<hub_ptr>::close_listeners(const char*);
template void connection_set<hub_ptr>::on_conn_event(socket_event);
template void connection_set<hub_ptr>::fill(socket_event&, const peer&);
template void connection_set<hub_ptr>::emit(socket_event_type, const peer&,
                                            std::string, error);
template void connection_set<hub_ptr>::emit_listener(socket_event_type,
                                                     const listener_rec&,
                                                     std::string, error);
template void connection_set<hub_ptr>::emit_retry(uint64_t, const slot&,
                                                  std::string);
template void connection_set<hub_ptr>::emit_down(const peer&, const error&);
template void connection_set<hub_ptr>::emit_accepted(peer&, int);
template void connection_set<hub_ptr>::prune_listener(uint64_t);

} // namespace caf::monocoque::detail
