// The hub engine's peer lifecycle: admission, retirement, down_msg handling,
// the requests of policy hooks, and introspection.
#include "caf/monocoque/internal/hub_engine.hpp"

#include "caf/monocoque/internal/policy_context.hpp"

#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/message.hpp"

#include <functional>
#include <thread>

namespace caf::monocoque::detail {

// -- lifecycle ------------------------------------------------------------------

void retire(hub_self self, peer& p) {
  auto& st = self->state;
  policy_context ctx{st};
  if (p.up) {
    st.policy->on_gone(ctx, p);
    st.lb.detached(st.ref(p));
  }
  st.table().retire(p);
  apply_requests(self, ctx);
}

void apply_requests(hub_self self, policy_context& ctx) {
  if (!ctx.has_requests())
    return;
  auto& st = self->state;
  // Taken out first: retiring runs hooks with contexts of their own.
  auto retiring = std::move(ctx.retiring_);
  ctx.retiring_.clear();
  for (auto r : retiring) {
    if (auto* other = st.get(r); other != nullptr && other->current) {
      st.conns->close_peer(*other, timespan{0}, "replaced");
      retire(self, *other);
    }
  }
  if (ctx.discarding_) {
    ctx.discarding_ = false;
    discard_received(self);
  }
}

void policy_context::set_routing_id(const peer& p, std::string id) {
  auto& rec = st_->table().mut(p);
  rec.id_frame = frame::from_string(id);
  rec.routing_id = std::move(id);
}

void refuse(hub_self self, peer& p) {
  auto& st = self->state;
  ++st.refused;
  log::actors()->info("{}: refused connection {} epoch {} ({}, id '{}')",
                      ::monocoque::zmtp::wire_name(st.policy->type()), p.key,
                      p.epoch, p.endpoint, p.routing_id);
  st.conns->close_peer(p, timespan{0}, "refused by the socket");
}

void on_peer_up(hub_self self, uint64_t key, uint64_t epoch,
                const zmtp_integrated_actor& hdl, peer_info info,
                const peer_identity_ptr& identity, int32_t ring) {
  auto& st = self->state;
  auto* p = st.conns->on_peer_up(key, epoch, hdl, std::move(info));
  if (p == nullptr || p->closing)
    return; // an incarnation we already replaced, refused or closed
  p->ring = ring;
  policy_context ctx{st};
  auto admitted = st.policy->admit(ctx, *p);
  // Retiring other peers never inserts one: `p` stays valid.
  apply_requests(self, ctx);
  if (!admitted) {
    refuse(self, *p); // its `disconnected` says "refused by the socket"
    return;
  }
  p->up = true;
  // Who the peer is, for every message it delivers: the connection's
  // findings (mechanism, user id, the authenticator's properties) plus what
  // only the socket knows. Set once per incarnation, after admission (the
  // policy may have given it its routing id).
  auto id = identity ? peer_identity{*identity} : peer_identity{};
  if (!identity)
    id.mechanism = "NULL";
  id.key = p->key;
  id.epoch = p->epoch;
  id.endpoint = p->endpoint;
  id.routing_id = p->routing_id;
  p->identity = std::make_shared<const peer_identity>(std::move(id));
  if (st.conns->events().wants(socket_event_type::handshake_succeeded))
    st.conns->emit(socket_event_type::handshake_succeeded, *p);
  st.lb.attach(st.ref(*p));
  if (!st.has_room(*p))
    st.lb.blocked(st.ref(*p)); // admit() handed it its SNDHWM already
  dispatch(self);
  pump_delivery(self);
  finish_close_if_done(self);
}

void on_down(hub_self self, const down_msg& dm) {
  auto& st = self->state;
  if (st.conns->events().on_down(dm))
    return; // an event subscriber died
  auto* p = st.conns->on_down(dm);
  if (p == nullptr)
    return; // stale or duplicate
  if (p->current)
    retire(self, *p);
  st.table().release_if_done(*p);
  // Room may have appeared (ROUTER: a send waiting for a gone peer fails).
  dispatch(self);
  pump_delivery(self); // XPUB: the cancels of a gone subscriber
  finish_close_if_done(self);
}

// -- introspection --------------------------------------------------------------

socket_stats make_stats(hub_self self) {
  auto& st = self->state;
  socket_stats result;
  result.type = std::string{::monocoque::zmtp::wire_name(st.policy->type())};
  st.table().for_each([&](peer& p) {
    peer_stats x;
    x.key = p.key;
    x.epoch = p.epoch;
    x.routing_id = p.routing_id;
    x.endpoint = p.endpoint;
    if (p.up)
      x.peer_type = std::string{::monocoque::zmtp::wire_name(p.info.type)};
    x.up = p.up;
    x.ring = p.ring;
    if (p.identity) {
      x.mechanism = p.identity->mechanism;
      x.user_id = p.identity->user_id;
    }
    x.out_queue = p.inflight;
    x.in_queue = p.inbox.size();
    x.msgs_in = p.msgs_in;
    x.bytes_in = p.bytes_in;
    x.msgs_out = p.msgs_out;
    x.bytes_out = p.bytes_out;
    x.drops = p.drops;
    x.subscriptions = st.policy->subscriptions_of(engine_view{st}, p);
    result.peers.push_back(std::move(x));
  });
  result.connecting = st.conns->connecting();
  result.listening = st.conns->listening();
  result.closed_listeners = st.conns->closed_listeners();
  result.pending = st.pending.size();
  result.dropped = st.dropped;
  result.refused = st.refused + st.conns->refused();
  result.thread = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return result;
}

} // namespace caf::monocoque::detail
