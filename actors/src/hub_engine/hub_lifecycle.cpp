// Close with linger, and the successor of a socket whose last handle went
// with messages unsent: one linger rule for close, a dropped handle and
// actor-system shutdown (docs/api.md, "Close, linger and shutdown").
#include "caf/monocoque/internal/hub_engine.hpp"

#include "caf/monocoque/internal/log.hpp"

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>

#include <chrono>

namespace caf::monocoque::detail {

namespace {

std::string render_linger(timespan linger) {
  if (linger.count() < 0)
    return "linger -1: until sent";
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(linger);
  return "linger " + std::to_string(ms.count()) + " ms";
}

std::string render_endpoints(
  const std::vector<std::pair<std::string, std::string>>& eps) {
  if (eps.empty())
    return "no connect endpoint";
  std::string result;
  for (auto& ep : eps) {
    if (!result.empty())
      result += ", ";
    result += ep.first;
  }
  return result;
}

// Drops what is still queued (linger expired) and says so.
void drop_unsent(hub_state& st, const std::string& why) {
  if (st.pending.empty())
    return;
  auto n = st.pending.size();
  st.dropped += n;
  st.pending.clear();
  log::actors()->warn("{}: dropped {} unsent message(s) for {} ({})",
                      st.label, n,
                      render_endpoints(st.conns->connect_endpoints()), why);
}

} // namespace

void begin_close(hub_self self) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.closing = true;
  for (auto& b : st.blocked)
    b.reply.deliver(self, make_error(errc::socket_closed, "send after close"));
  st.blocked.clear();
  for (auto& w : st.waiters)
    w.reply.deliver(self, make_error(errc::socket_closed, "recv after close"));
  st.waiters.clear();
  auto linger = st.opts().linger;
  // A closing socket lingers even when its last handle goes (as libzmq's
  // sockets do after zmq_close): it holds itself until it exits, and the
  // actor system waits for it.
  st.conns->keep_alive();
  if (linger.count() >= 0)
    self->delayed_send(self, linger, linger_atom::value);
  // Acknowledged messages wait for a peer (reconnects go on) until linger
  // expires; with a negative linger they wait as long as it takes, as in
  // libzmq. Whoever waits for the close (or for the actor system) learns
  // once from the log what holds it.
  if (!st.pending.empty() && linger.count() != 0)
    log::actors()->warn("{}: {} for {} unsent message(s) to {} ({}); the "
                        "actor system waits for it too",
                        st.label, st.orphan ? "lingers" : "close waits",
                        st.pending.size(),
                        render_endpoints(st.conns->connect_endpoints()),
                        render_linger(linger));
  finish_close_if_done(self);
}

void on_linger_expired(hub_self self) {
  // Give up on what is still queued.
  auto& st = self->state;
  drop_unsent(st, "linger expired");
  st.conns->close_listeners("socket closed");
  for (auto& rp : st.closers)
    rp.deliver(self, ok_atom::value);
  st.closers.clear();
  self->quit();
}

void take_over(hub_self self, hub_handoff& from) {
  auto& st = self->state;
  // The successor of a socket whose last handle went with messages
  // unsent: the same endpoints, the same messages, closing at once.
  st.label += " (for " + from.from + ")";
  st.orphan = true;
  // Nobody holds a handle to this socket: the registry makes it findable
  // by the id its log lines name (`sys.registry().get(id)`), e.g. to end
  // it when linger -1 waits for a peer that never comes.
  self->home_system().registry().put(self->id(),
                                     actor_cast<strong_actor_ptr>(self));
  st.registered = self->id();
  for (auto& [ep, id] : from.endpoints)
    if (auto err = st.conns->connect(ep, id))
      log::actors()->warn("{}: {}: {}", st.label, ep,
                          self->home_system().render(err));
  st.pending = std::move(from.pending);
  begin_close(self);
}

hub_state::~hub_state() {
  if (sys == nullptr)
    return;
  if (registered != 0)
    sys->registry().erase(registered);
  // Only for a socket destroyed because nobody references it: one that
  // was killed (an exit message) or failed has a fail state, and its
  // unsent messages go with it, as with any CAF actor that is ended.
  // (A closing socket holds itself: it gets here with messages unsent only
  // when it was ended during its linger.)
  if (!conns || pending.empty() || self == nullptr)
    return;
  if (!closing && !self->fail_state())
    hand_off_unsent(*this);
  else
    drop_unsent(*this, "socket ended: " + sys->render(self->fail_state()));
}

void hand_off_unsent(hub_state& st) {
  auto linger = st.opts().linger;
  auto eps = st.conns->connect_endpoints();
  if (linger.count() == 0 || eps.empty()) {
    drop_unsent(st, linger.count() == 0
                      ? "last handle gone, linger 0"
                      : "last handle gone; nothing to reconnect to");
    return;
  }
  auto ho = std::make_shared<hub_handoff>();
  ho->endpoints = std::move(eps);
  ho->pending = std::move(st.pending);
  ho->from = st.label;
  log::actors()->info("{}: last handle gone with {} unsent message(s): a "
                      "closing successor takes them ({})",
                      st.label, ho->pending.size(), render_linger(linger));
  spawn_hub_successor(*st.sys, st.policy, st.opts(), std::move(ho));
}

void finish_close_if_done(hub_self self) {
  auto& st = self->state;
  if (!st.closing || !st.pending.empty())
    return;
  // Messages of the current burst go out before the close, in order.
  flush_outboxes(self);
  if (!st.conns->empty()) {
    // Messages handed to connections and not written yet hold the close
    // (and the actor system) for up to linger: say so once. Info, not a
    // warning: with a peer that reads, this is the normal flush.
    auto linger = st.opts().linger;
    uint64_t unwritten = 0;
    std::string where;
    st.table().for_each([&](peer& p) {
      if (!p.alive() || p.inflight == 0)
        return;
      unwritten += p.inflight;
      where += (where.empty() ? "" : ", ") + p.endpoint;
    });
    if (unwritten > 0 && linger.count() != 0 && !st.linger_logged) {
      st.linger_logged = true;
      log::actors()->info("{}: close waits for {} unwritten message(s) to {} "
                          "({}); the actor system waits for it too",
                          st.label, unwritten, where, render_linger(linger));
    }
    st.conns->close(linger);
    return;
  }
  st.conns->close_listeners("socket closed");
  for (auto& rp : st.closers)
    rp.deliver(self, ok_atom::value);
  st.closers.clear();
  self->quit();
}

} // namespace caf::monocoque::detail
