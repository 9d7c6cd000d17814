// The RouterHub's peer lifecycle: admission, retirement, down_msg handling
// and introspection; plus the default (DEALER) policy hooks.
#include "caf/monocoque/internal/hub_engine.hpp"

#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/message.hpp"

#include <algorithm>
#include <functional>
#include <thread>

namespace caf::monocoque::detail {

// -- default policy hooks (a DEALER) ------------------------------------------

socket_policy::~socket_policy() = default;

bool socket_policy::sends() const noexcept {
  return true;
}

bool socket_policy::receives() const noexcept {
  return true;
}

bool socket_policy::load_balances() const noexcept {
  return true;
}

bool socket_policy::batches() const noexcept {
  return true;
}

bool socket_policy::admit(hub_self, peer&) {
  return true;
}

void socket_policy::on_gone(hub_self, peer&) {
  // nop
}

error socket_policy::prepare(hub_self, multipart&) {
  return none;
}

route socket_policy::pick(hub_self, multipart&) {
  return {route::drop, nullptr, {}};
}

void socket_policy::on_dispatched(hub_self, peer&) {
  // nop
}

error socket_policy::can_recv(hub_self) {
  return none;
}

bool socket_policy::can_take(hub_self) {
  return true;
}

bool socket_policy::on_arrival(hub_self, peer&, multipart&) {
  return true;
}

error socket_policy::subscribe(hub_self self, bool, std::string) {
  return make_error(errc::invalid_operation,
                    std::string{::monocoque::zmtp::wire_name(
                      self->state.policy->type())}
                      + " sockets cannot subscribe");
}

uint64_t socket_policy::subscriptions_of(hub_self, peer&) {
  return 0;
}

bool socket_policy::on_take(hub_self, peer&, uint64_t, multipart&) {
  return true;
}

// -- lifecycle ------------------------------------------------------------------

void retire(hub_self self, peer& p) {
  auto& st = self->state;
  if (p.up) {
    st.policy->on_gone(self, p);
    auto r = st.ref(p);
    st.up.erase(std::remove(st.up.begin(), st.up.end(), r), st.up.end());
  }
  st.table().retire(p);
}

void refuse(hub_self self, peer& p) {
  auto& st = self->state;
  ++st.refused;
  log::actors()->info("{}: refused connection {} epoch {} ({}, id '{}')",
                      ::monocoque::zmtp::wire_name(st.policy->type()), p.key,
                      p.epoch, p.endpoint, p.routing_id);
  st.conns->close_peer(p, timespan{0});
}

void on_peer_up(hub_self self, uint64_t key, uint64_t epoch,
                const zmtp_integrated_actor& hdl, peer_info info) {
  auto& st = self->state;
  auto* p = st.conns->on_peer_up(key, epoch, hdl, std::move(info));
  if (p == nullptr || p->closing)
    return; // an incarnation we already replaced, refused or closed
  if (!st.policy->admit(self, *p)) {
    refuse(self, *p);
    return;
  }
  // admit() may retire other peers but never inserts: `p` stays valid.
  p->up = true;
  st.up.push_back(st.ref(*p));
  dispatch(self);
  pump_delivery(self);
  finish_close_if_done(self);
}

void on_down(hub_self self, const down_msg& dm) {
  auto& st = self->state;
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
    x.out_queue = p.inflight;
    x.in_queue = p.inbox.size();
    x.msgs_in = p.msgs_in;
    x.bytes_in = p.bytes_in;
    x.msgs_out = p.msgs_out;
    x.bytes_out = p.bytes_out;
    x.drops = p.drops;
    x.subscriptions = st.policy->subscriptions_of(self, p);
    result.peers.push_back(std::move(x));
  });
  result.connecting = st.conns->connecting();
  result.pending = st.pending.size();
  result.dropped = st.dropped;
  result.refused = st.refused + st.conns->refused();
  result.thread = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return result;
}

} // namespace caf::monocoque::detail
