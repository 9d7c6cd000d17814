// The event subscribers of a socket and the fan-out of its events.
#include "caf/monocoque/internal/event_monitors.hpp"

#include "caf/monocoque/message_types.hpp"

#include <caf/actor_cast.hpp>
#include <caf/local_actor.hpp>
#include <caf/send.hpp>

#include <algorithm>

namespace caf::monocoque::detail {

event_monitors::event_monitors()
  : interest_(std::make_shared<std::atomic<socket_event_mask>>(0)) {
  // nop
}

event_monitors::~event_monitors() {
  // The socket is gone (it closed, failed or was dropped): as libzmq, tell
  // every subscriber once, best effort.
  interest_->store(0, std::memory_order_relaxed);
  for (auto& s : subs_) {
    socket_event ev;
    ev.type = socket_event_type::monitor_stopped;
    anon_send(s.hdl, event_atom::value, std::move(ev));
  }
}

void event_monitors::subscribe(local_actor* self, actor hdl,
                               socket_event_mask mask) {
  if (!hdl)
    return;
  mask &= all_socket_events;
  auto i = std::find_if(subs_.begin(), subs_.end(),
                        [&](const subscriber& s) { return s.hdl == hdl; });
  if (i != subs_.end()) {
    i->mask = mask;
  } else {
    self->monitor(hdl);
    subs_.push_back(subscriber{std::move(hdl), mask});
  }
  update();
}

bool event_monitors::unsubscribe(local_actor* self, const actor& hdl) {
  auto i = std::find_if(subs_.begin(), subs_.end(),
                        [&](const subscriber& s) { return s.hdl == hdl; });
  if (i == subs_.end())
    return false;
  // Only this actor's monitor: a subscriber is nothing else to the socket.
  self->demonitor(hdl);
  auto sub = std::move(i->hdl);
  subs_.erase(i);
  update();
  socket_event ev;
  ev.type = socket_event_type::monitor_stopped;
  sub->enqueue(actor_cast<strong_actor_ptr>(self), make_message_id(),
               make_message(event_atom::value, std::move(ev)),
               self->context());
  return true;
}

bool event_monitors::on_down(const down_msg& dm) {
  if (subs_.empty())
    return false;
  auto i = std::find_if(subs_.begin(), subs_.end(), [&](const subscriber& s) {
    return s.hdl.address() == dm.source;
  });
  if (i == subs_.end())
    return false;
  subs_.erase(i);
  update();
  return true;
}

void event_monitors::emit(local_actor* self, socket_event ev) {
  auto kind = bit(ev.type);
  if ((mask_ & kind) == 0)
    return;
  // One message for every subscriber: they share it (copy on write).
  auto msg = make_message(event_atom::value, std::move(ev));
  for (auto& s : subs_)
    if ((s.mask & kind) != 0)
      s.hdl->enqueue(actor_cast<strong_actor_ptr>(self), make_message_id(),
                     msg, self->context());
}

void event_monitors::update() {
  socket_event_mask mask = 0;
  for (auto& s : subs_)
    mask |= s.mask;
  mask_ = mask;
  interest_->store(mask, std::memory_order_relaxed);
}

} // namespace caf::monocoque::detail
