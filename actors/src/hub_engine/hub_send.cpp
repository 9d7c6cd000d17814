// The hub engine's send side: per-peer SNDHWM, outboxes flushed once per
// burst, the load-balancing queue (the load_balancer picks the next peer
// with room) and routed sends (the policy picks the peer).
#include "caf/monocoque/internal/hub_engine.hpp"

#include "caf/monocoque/internal/policy_context.hpp"

#include "monocoque/zmtp/message.hpp"

namespace caf::monocoque::detail {

namespace {

// Counts one more message handed to `p`; at SNDHWM it gets no more
// load-balanced ones until it has room again.
void count_out(hub_state& st, peer& p, uint64_t bytes) {
  ++p.msgs_out;
  p.bytes_out += bytes;
  if (++p.inflight >= st.opts().sndhwm)
    st.lb.blocked(st.ref(p));
}

} // namespace

void hand_to(hub_state& st, peer& p, multipart msg) {
  count_out(st, p, ::monocoque::zmtp::payload_size(msg));
  if (p.outbox.empty())
    st.dirty.push_back(st.ref(p));
  p.outbox.push_back(std::move(msg));
}

uint32_t share(hub_state& st, multipart msg) {
  if (!st.burst)
    st.burst = std::make_shared<shared_burst>();
  return st.burst->push_back(std::move(msg));
}

void hand_shared(hub_state& st, peer& p, uint32_t index, uint64_t bytes) {
  count_out(st, p, bytes);
  if (p.outbox.empty() && p.picks.empty())
    st.dirty.push_back(st.ref(p));
  p.picks.push_back(index);
}

void flush_outboxes(hub_self self) {
  auto& st = self->state;
  if (st.burst) {
    // Connections that send the whole burst share its encoding.
    size_t whole = 0;
    for (auto r : st.dirty)
      if (auto* p = st.get(r); p != nullptr && p->alive()
                               && p->picks.size() == st.burst->size())
        ++whole;
    st.burst->full_takers(whole);
  }
  shared_batch burst = std::move(st.burst);
  for (auto r : st.dirty) {
    auto* p = st.get(r);
    if (p == nullptr || !p->alive()) {
      continue; // gone meanwhile: like libzmq, its queue is dropped
    }
    if (p->outbox.size() == 1) {
      // A lone message to a connection on this ring skips its mailbox.
      if (!send_direct(p->hdl, p->outbox.front()))
        self->send(p->hdl, send_atom::value, std::move(p->outbox.front()));
    } else if (!p->outbox.empty()) {
      self->send(p->hdl, send_atom::value, std::move(p->outbox));
    }
    p->outbox.clear();
    if (!p->picks.empty()) {
      self->send(p->hdl, send_atom::value, burst, std::move(p->picks));
      p->picks.clear();
    }
  }
  st.dirty.clear();
}

void schedule_flush(hub_self self) {
  auto& st = self->state;
  if (st.dirty.empty() || st.flush_scheduled)
    return;
  if (self->mailbox().empty()) {
    flush_outboxes(self);
    return;
  }
  st.flush_scheduled = true;
  self->send(self, drain_atom::value);
}

namespace {

void dispatch_pending(hub_self self) {
  auto& st = self->state;
  // Every peer in `lb` is up and alive; a full one is never picked.
  while (!st.pending.empty() && st.lb.has_out()) {
    auto r = st.lb.next();
    auto* p = st.get(r);
    if (p == nullptr) {
      st.lb.detached(r); // cannot happen: `retire` detaches first
      continue;
    }
    st.policy->on_dispatched(engine_view{st}, *p);
    hand_to(st, *p, std::move(st.pending.front()));
    st.pending.pop_front();
  }
}

// Places the messages of `b` in order; returns false while one must wait.
bool place_routed(hub_self self, blocked_send& b) {
  auto& st = self->state;
  policy_context ctx{st};
  while (!b.msgs.empty()) {
    auto r = st.policy->pick(ctx, b.msgs.front());
    if (ctx.has_requests())
      apply_requests(self, ctx);
    switch (r.kind) {
      case route::to_peer:
        hand_to(st, st.table().mut(*r.dst), std::move(b.msgs.front()));
        break;
      case route::drop:
        if (r.dst != nullptr)
          ctx.drop(*r.dst); // that peer is full
        else
          ++st.dropped; // nobody to take it
        break;
      case route::sent:
        break;
      case route::wait:
        return false;
      case route::fail:
        b.reply.deliver(self, std::move(r.err));
        b.msgs.clear();
        return true;
    }
    b.msgs.pop_front();
  }
  b.reply.deliver(self, ok_atom::value);
  return true;
}

} // namespace

void dispatch(hub_self self) {
  auto& st = self->state;
  if (st.policy->load_balances()) {
    dispatch_pending(self);
    auto hwm = st.opts().sndhwm;
    while (!st.blocked.empty() && st.pending.size() < hwm) {
      for (auto& msg : st.blocked.front().msgs)
        st.pending.push_back(std::move(msg));
      st.blocked.front().reply.deliver(self, ok_atom::value);
      st.blocked.pop_front();
    }
    dispatch_pending(self);
  } else {
    while (!st.blocked.empty() && place_routed(self, st.blocked.front()))
      st.blocked.pop_front();
  }
  schedule_flush(self);
  settle_posts(self, 0);
}

void post_batch(hub_self self, multipart* msgs, size_t n) {
  auto& st = self->state;
  st.post_held += n;
  if (st.policy->load_balances() && st.blocked.empty()) {
    for (size_t i = 0; i < n; ++i)
      st.pending.push_back(std::move(msgs[i]));
    dispatch(self);
    return;
  }
  // Behind a waiting send (or routed): in order, with nobody to answer.
  blocked_send b{{std::make_move_iterator(msgs),
                  std::make_move_iterator(msgs + n)},
                 deferred_reply{}};
  st.blocked.push_back(std::move(b));
  dispatch(self);
}

void grant_credit(hub_self self, uint64_t n) {
  auto& st = self->state;
  if (!st.producer)
    return;
  st.producer->enqueue(actor_cast<strong_actor_ptr>(self), make_message_id(),
                       caf::make_message(credit_atom::value, n),
                       self->context());
}

void settle_posts(hub_self self, uint64_t dropped) {
  auto& st = self->state;
  st.post_released += dropped;
  if (st.post_held > 0) {
    // Messages leave in order; whatever left since is posted credit (a
    // mix of posts and requests may return it early, never beyond SNDHWM).
    uint64_t queued = st.pending.size();
    for (auto& b : st.blocked)
      queued += b.msgs.size();
    if (queued < st.post_held) {
      st.post_released += st.post_held - queued;
      st.post_held = queued;
    }
  }
  if (st.post_released == 0 || !st.producer)
    return;
  auto batch = std::max<uint64_t>(1, st.window / 4);
  if (st.post_released >= batch || st.post_held == 0) {
    grant_credit(self, st.post_released);
    st.post_released = 0;
  }
}

result<ok_atom> enqueue_batch(hub_self self, std::vector<multipart> batch) {
  auto& st = self->state;
  if (st.blocked.empty() && st.pending.size() < st.opts().sndhwm) {
    for (auto& msg : batch)
      st.pending.push_back(std::move(msg));
    dispatch(self);
    return ok_atom::value;
  }
  blocked_send b{{std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end())},
                 deferred_reply{self}};
  st.blocked.push_back(std::move(b));
  return caf::delegated<ok_atom>{};
}

result<ok_atom> route_batch(hub_self self, std::vector<multipart> batch) {
  auto& st = self->state;
  blocked_send b{{std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end())},
                 deferred_reply{self}};
  // Keep the order of sends: behind a waiting send, everything waits.
  if (st.blocked.empty() && place_routed(self, b)) {
    schedule_flush(self);
    return caf::delegated<ok_atom>{}; // place_routed delivered the reply
  }
  st.blocked.push_back(std::move(b));
  schedule_flush(self);
  return caf::delegated<ok_atom>{};
}

} // namespace caf::monocoque::detail
