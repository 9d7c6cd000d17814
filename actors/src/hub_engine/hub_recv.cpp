// The hub engine's receive side: per-peer inboxes, the fair queue, credit
// back to the connections (RCVHWM), parked `recv`s and push delivery.
#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/mailbox_idle.hpp"

#include "caf/monocoque/internal/engine_view.hpp"

#include "monocoque/zmtp/message.hpp"

namespace caf::monocoque::detail {

namespace {

// Returns credit to the connection in batches of RCVHWM / 4 (or at once
// when forced). The connection reads while fewer than RCVHWM messages are
// unacknowledged, and at most a batch - 1 of those sits here uncredited: it
// pauses only while the application leaves more than 3/4 RCVHWM untaken,
// and taking them completes a batch. So no per-message credit is needed,
// even when the inbox runs dry (a round trip costs no credit message).
void return_credit(hub_self self, peer& p, bool force) {
  auto batch = std::max<uint64_t>(1, self->state.opts().rcvhwm / 4);
  if (p.uncredited == 0 || (!force && p.uncredited < batch))
    return;
  if (p.alive())
    self->send(p.hdl, credit_atom::value, p.uncredited);
  p.uncredited = 0;
}

// Checks a `recv` against the socket type and state.
error admit_recv(hub_self self) {
  auto& st = self->state;
  if (st.closing)
    return make_error(errc::socket_closed, "recv after close");
  if (!st.policy->receives())
    return make_error(errc::invalid_operation,
                      std::string{::monocoque::zmtp::wire_name(
                        st.policy->type())}
                        + " sockets cannot receive");
  if (st.waiters.empty())
    return st.policy->can_recv();
  return none;
}

// Parks a `recv` (the queue keeps the order of requests).
void park(hub_self self, std::optional<timespan> timeout, bool with_from) {
  auto& st = self->state;
  auto id = st.next_waiter++;
  st.waiters.push_back(parked_recv{id, deferred_reply{self}, with_from});
  // Through the keeper: a timer to ourselves would keep the socket (and
  // `~actor_system`) waiting until it fires, long after the answer.
  if (timeout)
    st.conns->schedule_recv_timeout(id, *timeout);
}

// Who sent a message of `p`: its identity, set when it came up (a record
// that never came up, e.g. in tests, gets a bare one).
peer_identity_ptr identity_of(const peer& p) {
  if (p.identity)
    return p.identity;
  auto id = std::make_shared<peer_identity>();
  id->key = p.key;
  id->epoch = p.epoch;
  id->endpoint = p.endpoint;
  id->routing_id = p.routing_id;
  id->mechanism = "NULL";
  return id;
}

} // namespace

result<multipart> do_recv(hub_self self, std::optional<timespan> timeout) {
  if (auto err = admit_recv(self))
    return err;
  if (self->state.waiters.empty())
    if (auto msg = take_next(self))
      return std::move(*msg);
  park(self, timeout, false);
  return caf::delegated<multipart>{};
}

result<multipart, peer_identity_ptr>
do_recv_from(hub_self self, std::optional<timespan> timeout) {
  if (auto err = admit_recv(self))
    return err;
  if (self->state.waiters.empty()) {
    peer_identity_ptr from;
    if (auto msg = take_next(self, &from))
      return {std::move(*msg), std::move(from)};
  }
  park(self, timeout, true);
  return caf::delegated<multipart, peer_identity_ptr>{};
}

void on_peer_msg(hub_self self, uint64_t key, uint64_t epoch,
                 uint64_t handed, std::vector<multipart> msgs) {
  auto& st = self->state;
  auto* p = st.table().find(key, epoch);
  if (p == nullptr || (p->current && !p->up))
    return; // unknown, or refused: nothing of it reaches the application
  engine_view eng{st};
  for (auto& msg : msgs) {
    ++p->msgs_in;
    p->bytes_in += ::monocoque::zmtp::payload_size(msg);
    auto what = st.policy->on_arrival(eng, *p, msg);
    if (what == arrival::deliver) {
      p->inbox.push_back({handed, std::move(msg)});
      continue;
    }
    if (what == arrival::refuse)
      refuse(self, *p); // closing from here on: later ones are read, dropped
    ++p->uncredited;
    return_credit(self, *p, false);
  }
  if (p->inbox.empty())
    return;
  st.fq.activated(st.ref(*p));
  pump_delivery(self);
}

bool peer_msg_direct(const strong_actor_ptr& owner, void* impl,
                     execution_unit* ring, uint64_t key, uint64_t epoch,
                     uint64_t handed, std::vector<multipart>& msgs) {
  // The engine behind `impl` (alive: the caller holds `owner`) runs on the
  // caller's ring: its last execution unit is that ring (an engine off the
  // rings runs on scheduler workers); it has not exited (its state lives
  // until then); it is idle with nothing in its mailbox; and this is not a
  // call back into an engine already in such a call.
  thread_local hub_self active = nullptr;
  auto self = static_cast<hub_self>(impl);
  if (self == nullptr || !owner || self == active || self->context() != ring
      || self->getf(abstract_actor::is_terminated_flag)
      || !idle_for_direct_call(*self))
    return false;
  auto outer = active;
  active = self;
  on_peer_msg(self, key, epoch, handed, std::move(msgs));
  active = outer;
  return true;
}

void deliver_local(hub_state& st, peer& p, multipart msg) {
  p.inbox.push_back({0, std::move(msg)});
  st.fq.activated(st.ref(p));
}

std::optional<multipart> take_next(hub_self self, peer_identity_ptr* from) {
  auto& st = self->state;
  while (!st.fq.empty() && st.policy->can_take()) {
    auto* p = st.get(st.fq.current());
    if (p == nullptr || p->inbox.empty()) {
      st.fq.next(false);
      continue;
    }
    auto handed = p->inbox.front().handed;
    auto msg = std::move(p->inbox.front().msg);
    p->inbox.pop_front();
    // A dropped message was read all the same: its credit goes back too.
    ++p->uncredited;
    return_credit(self, *p, false);
    auto keep = st.policy->on_take(engine_view{st}, *p, handed, msg);
    if (!keep)
      ++st.dropped;
    st.fq.next(!p->inbox.empty()); // its next message waits its turn
    if (keep && from != nullptr)
      *from = identity_of(*p); // before the record may go
    st.table().release_if_done(*p);
    if (keep)
      return msg;
  }
  return std::nullopt;
}

void discard_received(hub_self self) {
  auto& st = self->state;
  for (auto r : st.fq.peers()) {
    auto* p = st.get(r);
    if (p == nullptr)
      continue;
    st.dropped += p->inbox.size();
    p->uncredited += p->inbox.size();
    p->inbox.clear();
    return_credit(self, *p, true);
    st.table().release_if_done(*p);
  }
  st.fq.clear();
}

void pump_delivery(hub_self self) {
  auto& st = self->state;
  while (!st.waiters.empty()) {
    auto& w = st.waiters.front();
    peer_identity_ptr from;
    auto msg = take_next(self, w.with_from ? &from : nullptr);
    if (!msg)
      return;
    if (w.with_from)
      w.reply.deliver(self, std::move(*msg), std::move(from));
    else
      w.reply.deliver(self, std::move(*msg));
    st.waiters.pop_front();
  }
  // The target is dynamically typed: typed send() refuses it.
  auto push = [self](message msg) {
    self->state.target->enqueue(actor_cast<strong_actor_ptr>(self),
                                make_message_id(), std::move(msg),
                                self->context());
  };
  if (st.batched) {
    std::vector<multipart> batch;
    while (st.target && st.credit > 0) {
      auto msg = take_next(self);
      if (!msg)
        break;
      --st.credit;
      batch.push_back(std::move(*msg));
    }
    if (!batch.empty())
      push(caf::make_message(message_atom::value, std::move(batch)));
    return;
  }
  while (st.target && st.credit > 0) {
    peer_identity_ptr from;
    auto msg = take_next(self, st.with_from ? &from : nullptr);
    if (!msg)
      return;
    --st.credit;
    if (st.with_from)
      push(caf::make_message(message_atom::value, std::move(from),
                             std::move(*msg)));
    else
      push(caf::make_message(message_atom::value, std::move(*msg)));
  }
}

} // namespace caf::monocoque::detail
