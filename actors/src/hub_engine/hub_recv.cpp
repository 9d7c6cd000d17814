// The RouterHub's receive side: per-peer inboxes, the fair queue, credit
// back to the connections (RCVHWM), parked `recv`s and push delivery.
#include "caf/monocoque/internal/hub_engine.hpp"

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

} // namespace

void on_peer_msg(hub_self self, uint64_t key, uint64_t epoch,
                 uint64_t handed, std::vector<multipart> msgs) {
  auto& st = self->state;
  auto* p = st.table().find(key, epoch);
  if (p == nullptr || (p->current && !p->up))
    return; // unknown, or refused: nothing of it reaches the application
  for (auto& msg : msgs) {
    ++p->msgs_in;
    p->bytes_in += ::monocoque::zmtp::payload_size(msg);
    if (st.policy->on_arrival(self, *p, msg)) {
      p->inbox.push_back({handed, std::move(msg)});
    } else {
      ++p->uncredited;
      return_credit(self, *p, false);
    }
  }
  if (p->inbox.empty())
    return;
  if (!p->queued) {
    p->queued = true;
    st.ready.push_back(st.ref(*p));
  }
  pump_delivery(self);
}

void deliver_local(hub_self self, peer& p, multipart msg) {
  auto& st = self->state;
  p.inbox.push_back({0, std::move(msg)});
  if (!p.queued) {
    p.queued = true;
    st.ready.push_back(st.ref(p));
  }
}

std::optional<multipart> take_next(hub_self self) {
  auto& st = self->state;
  while (!st.ready.empty() && st.policy->can_take(self)) {
    auto r = st.ready.front();
    st.ready.pop_front();
    auto* p = st.get(r);
    if (p == nullptr)
      continue;
    if (p->inbox.empty()) {
      p->queued = false;
      continue;
    }
    auto handed = p->inbox.front().handed;
    auto msg = std::move(p->inbox.front().msg);
    p->inbox.pop_front();
    // A dropped message was read all the same: its credit goes back too.
    ++p->uncredited;
    return_credit(self, *p, false);
    auto keep = st.policy->on_take(self, *p, handed, msg);
    if (!keep)
      ++st.dropped;
    if (!p->inbox.empty())
      st.ready.push_back(r); // fair queue: its next message waits its turn
    else
      p->queued = false;
    st.table().release_if_done(*p);
    if (keep)
      return msg;
  }
  return std::nullopt;
}

void discard_received(hub_self self) {
  auto& st = self->state;
  for (auto r : st.ready) {
    auto* p = st.get(r);
    if (p == nullptr)
      continue;
    st.dropped += p->inbox.size();
    p->uncredited += p->inbox.size();
    p->inbox.clear();
    p->queued = false;
    return_credit(self, *p, true);
    st.table().release_if_done(*p);
  }
  st.ready.clear();
}

void pump_delivery(hub_self self) {
  auto& st = self->state;
  while (!st.waiters.empty()) {
    auto msg = take_next(self);
    if (!msg)
      return;
    st.waiters.front().second.deliver(self, std::move(*msg));
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
    auto msg = take_next(self);
    if (!msg)
      return;
    --st.credit;
    push(caf::make_message(message_atom::value, std::move(*msg)));
  }
}

} // namespace caf::monocoque::detail
