// The hub engine actor: its message handlers and spawning. Close, linger
// and the successor of an abandoned socket: hub_lifecycle.cpp.
#include "caf/monocoque/internal/hub_engine.hpp"

#include "caf/monocoque/internal/policy_context.hpp"

#include "caf/monocoque/module.hpp"
#include "caf/monocoque/spawn_on_ring.hpp"

#include "monocoque/zmtp/session_config.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace caf::monocoque::detail {

namespace {

error closed_error(const char* what) {
  return make_error(errc::socket_closed, what);
}

error unsupported(hub_self self, const char* what) {
  return make_error(errc::invalid_operation,
                    std::string{::monocoque::zmtp::wire_name(
                      self->state.policy->type())}
                      + " sockets cannot " + what);
}

// Checks a send against the socket type and state; completes the message.
// Checks the n messages at `msgs` (a batch, or a lone message without a
// vector around it) before they are sent or posted.
error admit_send(hub_self self, multipart* msgs, size_t n) {
  auto& st = self->state;
  if (st.closing)
    return closed_error("send after close");
  if (!st.policy->sends())
    return unsupported(self, "send");
  if (n > 1 && !st.policy->batches())
    return unsupported(self, "send batches");
  for (size_t i = 0; i < n; ++i)
    if (msgs[i].empty())
      return make_error(errc::invalid_operation, "empty message");
  policy_context ctx{st};
  for (size_t i = 0; i < n; ++i) {
    auto err = st.policy->prepare(ctx, msgs[i]);
    if (ctx.has_requests())
      apply_requests(self, ctx); // REQ: drop the replies a request outdates
    if (err)
      return err;
  }
  return none;
}

result<ok_atom> do_send(hub_self self, std::vector<multipart> batch) {
  if (auto err = admit_send(self, batch.data(), batch.size()))
    return err;
  if (batch.empty())
    return ok_atom::value;
  auto res = self->state.policy->load_balances()
               ? enqueue_batch(self, std::move(batch))
               : route_batch(self, std::move(batch));
  pump_delivery(self); // REP: the next request may go out now
  return res;
}

// A one-way send: dropped and counted (its credit returned) if refused.
void do_post(hub_self self, multipart* msgs, size_t n) {
  if (auto err = admit_send(self, msgs, n)) {
    self->state.dropped += n;
    settle_posts(self, n);
    return;
  }
  if (n == 0)
    return;
  post_batch(self, msgs, n);
  pump_delivery(self); // REP: the next request may go out now
}

result<ok_atom> do_subscribe(hub_self self, bool subscribe,
                             std::string prefix) {
  auto& st = self->state;
  if (st.closing)
    return closed_error("subscribe after close");
  policy_context ctx{st};
  auto err = st.policy->subscribe(ctx, subscribe, std::move(prefix));
  apply_requests(self, ctx);
  if (err)
    return err;
  schedule_flush(self);
  return ok_atom::value;
}

hub_engine_actor::behavior_type hub_fun(hub_self self,
                                 std::shared_ptr<socket_policy> policy,
                                 socket_options opts, hub_handoff_ptr from) {
  auto& st = self->state;
  st.sys = &self->home_system();
  st.self = self;
  st.policy = std::move(policy);
  st.label = std::string{::monocoque::zmtp::wire_name(st.policy->type())}
             + " socket #" + std::to_string(self->id());
  st.conns.emplace(self, st.policy->type(), std::move(opts));
  if (auto* mod = module::from(self->home_system()); !mod || mod->status())
    self->quit(mod ? mod->status()
                   : make_error(errc::backend_unavailable,
                                "the caf::monocoque::module is not loaded"));
  else if (auto err = st.opts().validate())
    self->quit(std::move(err));
  else if (auto err = st.conns->prepare_security())
    self->quit(std::move(err));
  else if (from)
    take_over(self, *from);
  self->set_down_handler([self](down_msg& dm) { on_down(self, dm); });
  auto do_connect = [self](const std::string& ep,
                           std::string id) -> result<ok_atom> {
    if (self->state.closing)
      return closed_error("connect after close");
    if (id.size() > ::monocoque::zmtp::max_identity_size)
      return make_error(errc::invalid_option,
                        "routing id: " + std::to_string(id.size())
                          + " bytes, at most 255");
    if (auto err = self->state.conns->connect(ep, std::move(id)))
      return err;
    return ok_atom::value;
  };
  return {
    [self](bind_atom, const std::string& ep) -> result<std::string> {
      if (self->state.closing)
        return closed_error("bind after close");
      auto res = self->state.conns->bind(ep);
      if (!res)
        return res.error();
      return std::move(*res);
    },
    [do_connect](connect_atom, const std::string& ep) {
      return do_connect(ep, {});
    },
    [do_connect](connect_atom, const std::string& ep, std::string& id) {
      return do_connect(ep, std::move(id));
    },
    [self](close_atom) -> result<ok_atom> {
      self->state.closers.emplace_back(self);
      begin_close(self);
      return caf::delegated<ok_atom>{};
    },
    [self](status_atom) -> uint64_t {
      return static_cast<uint64_t>(self->state.lb.size());
    },
    [self](stats_atom) -> socket_stats { return make_stats(self); },
    [self](send_atom, multipart& msg) -> result<ok_atom> {
      std::vector<multipart> batch;
      batch.push_back(std::move(msg));
      return do_send(self, std::move(batch));
    },
    [self](send_atom, std::vector<multipart>& batch) -> result<ok_atom> {
      return do_send(self, std::move(batch));
    },
    [self](window_atom, actor& producer, uint64_t n) {
      auto& st = self->state;
      st.producer = std::move(producer);
      st.window = n;
      st.post_released = 0;
      if (n > 0)
        grant_credit(self, n);
    },
    [self](post_atom, multipart& msg) {
      do_post(self, &msg, 1); // no one-element batch vector
    },
    [self](post_atom, std::vector<multipart>& batch) {
      do_post(self, batch.data(), batch.size());
    },
    [self](subscribe_to_atom, std::string& prefix) -> result<ok_atom> {
      return do_subscribe(self, true, std::move(prefix));
    },
    [self](unsubscribe_from_atom, std::string& prefix) -> result<ok_atom> {
      return do_subscribe(self, false, std::move(prefix));
    },
    [self](recv_atom) -> result<multipart> {
      return do_recv(self, std::nullopt);
    },
    [self](recv_atom, timespan timeout) -> result<multipart> {
      return do_recv(self, timeout);
    },
    [self](recv_atom, from_atom) -> result<multipart, peer_identity_ptr> {
      return do_recv_from(self, std::nullopt);
    },
    [self](recv_atom, from_atom,
           timespan timeout) -> result<multipart, peer_identity_ptr> {
      return do_recv_from(self, timeout);
    },
    [self](recv_timeout_atom, uint64_t id) {
      auto& ws = self->state.waiters;
      auto i = std::find_if(ws.begin(), ws.end(),
                            [id](auto& w) { return w.id == id; });
      if (i == ws.end())
        return; // answered in time
      i->reply.deliver(self, make_error(errc::timed_out, "no message"));
      ws.erase(i);
    },
    [self](deliver_atom, actor& target, uint64_t credit) {
      self->state.target = std::move(target);
      self->state.credit = credit;
      self->state.batched = false;
      self->state.with_from = false;
      pump_delivery(self);
    },
    [self](deliver_atom, batch_atom, actor& target, uint64_t credit) {
      self->state.target = std::move(target);
      self->state.credit = credit;
      self->state.batched = true;
      self->state.with_from = false;
      pump_delivery(self);
    },
    [self](deliver_atom, from_atom, actor& target, uint64_t credit) {
      self->state.target = std::move(target);
      self->state.credit = credit;
      self->state.batched = false;
      self->state.with_from = true;
      pump_delivery(self);
    },
    [self](credit_atom, uint64_t n) {
      self->state.credit += n;
      pump_delivery(self);
    },
    // -- from connections and listeners
    [self](peer_up_atom, uint64_t key, uint64_t epoch, zmtp_integrated_actor& hdl,
           peer_info& info, const peer_identity_ptr& identity, int32_t ring) {
      on_peer_up(self, key, epoch, hdl, std::move(info), identity, ring);
    },
    [self](peer_msg_atom, uint64_t key, uint64_t epoch, uint64_t handed,
           std::vector<multipart>& msgs) {
      on_peer_msg(self, key, epoch, handed, std::move(msgs));
    },
    [self](peer_sent_atom, uint64_t key, uint64_t epoch, uint64_t n) {
      auto* p = self->state.table().find(key, epoch);
      if (p == nullptr || !p->alive())
        return; // a late report of a replaced incarnation frees nothing
      p->inflight = p->inflight > n ? p->inflight - n : 0;
      if (self->state.has_room(*p))
        self->state.lb.activated(self->state.ref(*p));
      dispatch(self);
      finish_close_if_done(self);
    },
    [self](accepted_atom, uint64_t listener, detail::owned_fd& fd) {
      self->state.conns->on_accepted(listener, std::move(fd));
    },
    [self](conn_event_atom, socket_event& ev) {
      self->state.conns->on_conn_event(std::move(ev));
    },
    // -- timers and test hooks
    [self](adopt_atom, uint64_t key,
           zmtp_integrated_actor& hdl) -> result<uint64_t, uint64_t> {
      auto& st = self->state;
      if (auto* old = st.table().current(key))
        retire(self, *old); // replaced before its down_msg arrived
      auto& p = st.conns->adopt(key, std::move(hdl));
      return {p.key, p.epoch};
    },
    [self](drain_atom) {
      self->state.flush_scheduled = false;
      flush_outboxes(self);
    },
    [self](reconnect_atom, uint64_t key) {
      self->state.conns->on_reconnect(key);
    },
    [self](inproc_atom, uint64_t listener, inproc_pipe_actor& pipe) {
      self->state.conns->on_inproc(listener, std::move(pipe));
    },
    [self](resolved_atom, uint64_t key,
           std::vector<connect_target>& targets) {
      self->state.conns->on_resolved(key, std::move(targets));
    },
    [self](resolved_atom, uint64_t key, const error& err) {
      self->state.conns->on_resolve_failed(key, err);
    },
    [self](linger_atom) { on_linger_expired(self); },
    // -- events and endpoints at runtime: rare, so after the message path
    // (CAF tries the handlers in order)
    [self](monitor_atom, actor& subscriber,
           socket_event_mask mask) -> result<ok_atom> {
      if (!subscriber)
        return make_error(errc::invalid_operation, "monitor: null actor");
      self->state.conns->events().subscribe(self, std::move(subscriber), mask);
      return ok_atom::value;
    },
    [self](unmonitor_atom, const actor& subscriber) -> result<ok_atom> {
      self->state.conns->events().unsubscribe(self, subscriber);
      return ok_atom::value;
    },
    [self](unbind_atom, const std::string& ep) -> result<ok_atom> {
      if (auto err = self->state.conns->unbind(ep))
        return err;
      return ok_atom::value;
    },
    [self](disconnect_atom, const std::string& ep) -> result<ok_atom> {
      if (auto err = self->state.conns->disconnect(ep))
        return err;
      return ok_atom::value;
    },
  };
}

} // namespace

void spawn_hub_successor(actor_system& sys,
                         std::shared_ptr<socket_policy> policy,
                         socket_options opts, hub_handoff_ptr from) {
  if (!opts.on_ring)
    sys.spawn(hub_fun, std::move(policy), std::move(opts), std::move(from));
  else
    spawn_on_ring(sys, hub_fun, std::move(policy), std::move(opts),
                  std::move(from));
}

hub_engine_actor spawn_hub_engine(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts) {
  // CAF spawn arguments must be copyable: the policy travels shared and the
  // actor takes it over.
  // Pinned on purpose to a ring: the hub engine runs no user code and
  // never blocks, and its connections' messages reach it without a thread
  // hop (see docs/architecture.md, "Threads").
  std::shared_ptr<socket_policy> shared{std::move(policy)};
  if (!opts.on_ring)
    return sys.spawn(hub_fun, std::move(shared), std::move(opts),
                     hub_handoff_ptr{});
  return spawn_on_ring(sys, hub_fun, std::move(shared), std::move(opts),
                       hub_handoff_ptr{});
}

router_hub_actor spawn_router_hub(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts) {
  return spawn_hub_engine(sys, std::move(policy), std::move(opts));
}

pubsub_hub_actor spawn_pubsub_hub(actor_system& sys,
                                  std::unique_ptr<socket_policy> policy,
                                  socket_options opts) {
  return spawn_hub_engine(sys, std::move(policy), std::move(opts));
}

socket_options default_socket_options(actor_system& sys) {
  auto* mod = module::from(sys);
  return mod != nullptr ? socket_options::from(mod->opts())
                        : socket_options{};
}

} // namespace caf::monocoque::detail
