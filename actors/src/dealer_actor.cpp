#include "caf/monocoque/dealer_actor.hpp"

#include "caf/monocoque/detail/connection_set.hpp"
#include "caf/monocoque/detail/deferred_reply.hpp"
#include "caf/monocoque/module.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <deque>
#include <map>

namespace caf::monocoque {

namespace {

using timeout_atom = atom_constant<atom("mqlinger")>;
using recv_timeout_atom = atom_constant<atom("mqrecvto")>;

using detail::deferred_reply;

using dealer_impl = dealer_actor::extend_with<connection_owner>::extend_with<
  listener_owner>::extend<reacts_to<reconnect_atom, uint64_t>,
                          reacts_to<timeout_atom>, reacts_to<drain_atom>,
                          reacts_to<recv_timeout_atom, uint64_t>,
                          replies_to<adopt_atom, uint64_t, zmtp_actor>::with<
                            uint64_t, uint64_t>>;

struct dealer_state;
using dealer_self = dealer_impl::stateful_pointer<dealer_state>;
using dealer_ptr = std::remove_pointer_t<dealer_self>;

// Messages of one connection incarnation, waiting for the application.
struct inbox {
  zmtp_actor hdl;
  std::deque<multipart> msgs;
  uint64_t uncredited = 0;
};

struct dealer_state {
  static inline const char* name = "monocoque.dealer";

  std::optional<detail::connection_set<dealer_ptr>> conns;
  // -- send side
  std::vector<uint64_t> rr;   // keys of peers that finished the handshake
  size_t rr_next = 0;
  std::map<uint64_t, uint64_t> inflight; // key → unflushed messages
  // Messages handed to a peer in this burst; sent as one batch on flush.
  std::map<uint64_t, std::vector<multipart>> outbox;
  bool flush_scheduled = false;
  std::deque<multipart> pending;         // acknowledged, not yet handed out
  std::deque<std::pair<std::vector<multipart>, deferred_reply>> blocked;
  // -- receive side
  std::map<std::pair<uint64_t, uint64_t>, inbox> inboxes;
  std::deque<std::pair<uint64_t, uint64_t>> ready; // fair-queue order
  std::deque<std::pair<uint64_t, deferred_reply>> waiters; // id, reply
  uint64_t next_waiter = 1;
  actor target;
  uint64_t credit = 0;
  // -- close
  bool closing = false;
  std::vector<deferred_reply> closers;
};

// -- send side ----------------------------------------------------------------

void flush_outbox(dealer_self self) {
  auto& st = self->state;
  for (auto& [key, msgs] : st.outbox) {
    auto* p = st.conns->find(key);
    if (p == nullptr || msgs.empty())
      continue; // died meanwhile: like libzmq, its queue is dropped
    if (msgs.size() == 1)
      self->send(p->hdl, send_atom::value, std::move(msgs.front()));
    else
      self->send(p->hdl, send_atom::value, std::move(msgs));
  }
  st.outbox.clear();
}

void dispatch(dealer_self self) {
  auto& st = self->state;
  auto hwm = st.conns->opts().sndhwm;
  while (!st.pending.empty() && !st.rr.empty()) {
    bool sent = false;
    for (size_t n = 0; n < st.rr.size() && !sent; ++n) {
      auto key = st.rr[st.rr_next++ % st.rr.size()];
      auto& count = st.inflight[key];
      if (count >= hwm)
        continue;
      auto* p = st.conns->find(key);
      if (p == nullptr || !p->up)
        continue;
      ++count;
      st.outbox[key].push_back(std::move(st.pending.front()));
      st.pending.pop_front();
      sent = true;
    }
    if (!sent)
      break; // every peer is at its HWM
  }
  if (!st.outbox.empty() && !st.flush_scheduled) {
    if (self->mailbox().empty()) {
      flush_outbox(self); // nothing else waiting: no reason to delay
    } else {
      // Hand the burst over after the requests already queued.
      st.flush_scheduled = true;
      self->send(self, drain_atom::value);
    }
  }
  while (!st.blocked.empty() && st.pending.size() < hwm) {
    for (auto& msg : st.blocked.front().first)
      st.pending.push_back(std::move(msg));
    st.blocked.front().second.deliver(self, ok_atom::value);
    st.blocked.pop_front();
  }
}

// Accepts a batch if the queue of acknowledged messages has room, else
// withholds the reply until it has (the backpressure signal).
result<ok_atom> enqueue_batch(dealer_self self, std::vector<multipart> batch) {
  auto& st = self->state;
  if (st.pending.size() < st.conns->opts().sndhwm) {
    for (auto& msg : batch)
      st.pending.push_back(std::move(msg));
    dispatch(self);
    return ok_atom::value;
  }
  st.blocked.emplace_back(std::move(batch), deferred_reply{self});
  return caf::delegated<ok_atom>{};
}

// -- receive side -------------------------------------------------------------

void return_credit(dealer_self self, inbox& box, bool force) {
  auto batch = std::max<uint64_t>(1, self->state.conns->opts().rcvhwm / 4);
  if (box.uncredited == 0 || (!force && box.uncredited < batch))
    return;
  if (box.hdl)
    self->send(box.hdl, credit_atom::value, box.uncredited);
  box.uncredited = 0;
}

std::optional<multipart> take_next(dealer_self self) {
  auto& st = self->state;
  while (!st.ready.empty()) {
    auto id = st.ready.front();
    st.ready.pop_front();
    auto i = st.inboxes.find(id);
    if (i == st.inboxes.end() || i->second.msgs.empty())
      continue;
    auto& box = i->second;
    auto msg = std::move(box.msgs.front());
    box.msgs.pop_front();
    ++box.uncredited;
    return_credit(self, box, box.msgs.empty());
    if (!box.msgs.empty())
      st.ready.push_back(id);
    else if (!st.conns->find(id.first, id.second))
      st.inboxes.erase(i); // that incarnation is gone and drained
    return msg;
  }
  return std::nullopt;
}

void pump_delivery(dealer_self self) {
  auto& st = self->state;
  while (!st.waiters.empty()) {
    auto msg = take_next(self);
    if (!msg)
      return;
    st.waiters.front().second.deliver(self, std::move(*msg));
    st.waiters.pop_front();
  }
  while (st.target && st.credit > 0) {
    auto msg = take_next(self);
    if (!msg)
      return;
    --st.credit;
    // The target is dynamically typed: typed send() refuses it.
    st.target->enqueue(actor_cast<strong_actor_ptr>(self), make_message_id(),
                       caf::make_message(message_atom::value, std::move(*msg)),
                       self->context());
  }
}

// -- close --------------------------------------------------------------------

void finish_close_if_done(dealer_self self) {
  auto& st = self->state;
  if (!st.closing || !st.pending.empty())
    return;
  // Messages of the current burst go out before the close, in order.
  flush_outbox(self);
  if (!st.conns->empty()) {
    st.conns->close(st.conns->opts().linger);
    return;
  }
  for (auto& rp : st.closers)
    rp.deliver(self, ok_atom::value);
  st.closers.clear();
  self->quit();
}

void begin_close(dealer_self self) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.closing = true;
  for (auto& [msg, rp] : st.blocked)
    rp.deliver(self, make_error(errc::socket_closed, "send after close"));
  st.blocked.clear();
  for (auto& [id, rp] : st.waiters)
    rp.deliver(self, make_error(errc::socket_closed, "recv after close"));
  st.waiters.clear();
  auto linger = st.conns->opts().linger;
  if (linger.count() >= 0)
    self->delayed_send(self, linger, timeout_atom::value);
  // Acknowledged messages wait for a peer (reconnects go on) until linger
  // expires; with a negative linger they wait as long as it takes, as in
  // libzmq.
  finish_close_if_done(self);
}

dealer_impl::behavior_type dealer_fun(dealer_self self, socket_options opts) {
  auto& st = self->state;
  st.conns.emplace(self, ::monocoque::zmtp::socket_type::dealer,
                   std::move(opts));
  if (auto* mod = module::from(self->home_system()); !mod || mod->status())
    self->quit(mod ? mod->status()
                   : make_error(errc::backend_unavailable,
                                "the caf::monocoque::module is not loaded"));
  self->set_down_handler([self](down_msg& dm) {
    auto& st = self->state;
    auto down = st.conns->on_down(dm);
    if (!down)
      return; // stale or duplicate
    auto& rr = st.rr;
    rr.erase(std::remove(rr.begin(), rr.end(), down->key), rr.end());
    st.inflight.erase(down->key);
    // Messages it delivered stay in its inbox: they were received.
    auto i = st.inboxes.find({down->key, down->epoch});
    if (i != st.inboxes.end()) {
      i->second.hdl = nullptr;
      if (i->second.msgs.empty())
        st.inboxes.erase(i);
    }
    finish_close_if_done(self);
  });
  return {
    [self](bind_atom, const std::string& ep) -> result<std::string> {
      if (self->state.closing)
        return make_error(errc::socket_closed);
      auto res = self->state.conns->bind(ep);
      if (!res)
        return res.error();
      return std::move(*res);
    },
    [self](connect_atom, const std::string& ep) -> result<ok_atom> {
      if (self->state.closing)
        return make_error(errc::socket_closed);
      if (auto err = self->state.conns->connect(ep))
        return err;
      return ok_atom::value;
    },
    [self](send_atom, multipart& msg) -> result<ok_atom> {
      auto& st = self->state;
      if (st.closing)
        return make_error(errc::socket_closed, "send after close");
      if (msg.empty())
        return make_error(errc::invalid_operation, "empty message");
      std::vector<multipart> batch;
      batch.push_back(std::move(msg));
      return enqueue_batch(self, std::move(batch));
    },
    [self](send_atom, std::vector<multipart>& batch) -> result<ok_atom> {
      auto& st = self->state;
      if (st.closing)
        return make_error(errc::socket_closed, "send after close");
      for (auto& msg : batch)
        if (msg.empty())
          return make_error(errc::invalid_operation, "empty message");
      if (batch.empty())
        return ok_atom::value;
      return enqueue_batch(self, std::move(batch));
    },
    [self](recv_atom) -> result<multipart> {
      auto& st = self->state;
      if (st.closing)
        return make_error(errc::socket_closed, "recv after close");
      if (auto msg = take_next(self))
        return std::move(*msg);
      st.waiters.emplace_back(st.next_waiter++, deferred_reply{self});
      return caf::delegated<multipart>{};
    },
    [self](recv_atom, timespan timeout) -> result<multipart> {
      auto& st = self->state;
      if (st.closing)
        return make_error(errc::socket_closed, "recv after close");
      if (auto msg = take_next(self))
        return std::move(*msg);
      auto id = st.next_waiter++;
      st.waiters.emplace_back(id, deferred_reply{self});
      self->delayed_send(self, timeout, recv_timeout_atom::value, id);
      return caf::delegated<multipart>{};
    },
    [self](recv_timeout_atom, uint64_t id) {
      auto& ws = self->state.waiters;
      auto i = std::find_if(ws.begin(), ws.end(),
                            [id](auto& w) { return w.first == id; });
      if (i == ws.end())
        return; // answered in time
      i->second.deliver(self, make_error(errc::timed_out, "no message"));
      ws.erase(i);
    },
    [self](deliver_atom, actor& target, uint64_t credit) {
      self->state.target = std::move(target);
      self->state.credit = credit;
      pump_delivery(self);
    },
    [self](credit_atom, uint64_t n) {
      self->state.credit += n;
      pump_delivery(self);
    },
    [self](close_atom) -> result<ok_atom> {
      self->state.closers.emplace_back(self);
      begin_close(self);
      return caf::delegated<ok_atom>{};
    },
    [self](status_atom) -> uint64_t {
      return static_cast<uint64_t>(self->state.rr.size());
    },
    // -- from connections
    [self](peer_up_atom, uint64_t key, uint64_t epoch, zmtp_actor& hdl,
           peer_info& info) {
      auto& st = self->state;
      if (!st.conns->on_peer_up(key, epoch, hdl, std::move(info)))
        return; // an incarnation we already replaced
      st.rr.push_back(key);
      st.inflight[key] = 0;
      st.inboxes[{key, epoch}].hdl = hdl;
      dispatch(self);
      finish_close_if_done(self);
    },
    [self](peer_msg_atom, uint64_t key, uint64_t epoch, multipart& msg) {
      auto& st = self->state;
      auto& box = st.inboxes[{key, epoch}];
      if (!box.hdl)
        if (auto* p = st.conns->find(key, epoch))
          box.hdl = p->hdl;
      if (box.msgs.empty())
        st.ready.emplace_back(key, epoch);
      box.msgs.push_back(std::move(msg));
      pump_delivery(self);
    },
    [self](peer_sent_atom, uint64_t key, uint64_t epoch, uint64_t n) {
      auto& st = self->state;
      if (!st.conns->find(key, epoch))
        return;
      auto& count = st.inflight[key];
      count = count > n ? count - n : 0;
      dispatch(self);
      finish_close_if_done(self);
    },
    [self](accepted_atom, uint64_t, detail::owned_fd& fd) {
      self->state.conns->on_accepted(std::move(fd));
    },
    [self](adopt_atom, uint64_t key,
           zmtp_actor& hdl) -> result<uint64_t, uint64_t> {
      auto& st = self->state;
      if (auto* old = st.conns->find(key)) {
        // Replaced before its down_msg arrived: forget it now.
        auto& rr = st.rr;
        rr.erase(std::remove(rr.begin(), rr.end(), key), rr.end());
        st.inflight.erase(key);
        auto i = st.inboxes.find({key, old->epoch});
        if (i != st.inboxes.end()) {
          i->second.hdl = nullptr;
          if (i->second.msgs.empty())
            st.inboxes.erase(i);
        }
      }
      auto [k, e] = st.conns->adopt(key, std::move(hdl));
      return {k, e};
    },
    [self](drain_atom) {
      self->state.flush_scheduled = false;
      flush_outbox(self);
    },
    [self](reconnect_atom, uint64_t key) {
      self->state.conns->on_reconnect(key);
    },
    [self](timeout_atom) {
      // Linger expired: give up on what is still queued.
      auto& st = self->state;
      st.pending.clear();
      for (auto& rp : st.closers)
        rp.deliver(self, ok_atom::value);
      st.closers.clear();
      self->quit();
    },
  };
}

} // namespace

dealer_actor spawn_dealer(actor_system& sys) {
  auto* mod = module::from(sys);
  return spawn_dealer(sys, mod != nullptr ? socket_options::from(mod->opts())
                                          : socket_options{});
}

dealer_actor spawn_dealer(actor_system& sys, socket_options opts) {
  return sys.spawn(dealer_fun, std::move(opts));
}

} // namespace caf::monocoque
