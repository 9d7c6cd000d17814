// The proxy actor (zmq_proxy_steerable): forwards between two sockets with
// credit passed through end to end, a capture that drops rather than
// stalls, pause/resume, statistics and an orderly stop. The protocol is
// described in proxy_actor.hpp.
#include "caf/monocoque/proxy_actor.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/spawn_on_ring.hpp"

#include "monocoque/zmtp/message.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

namespace {

// Our sockets never block, so a status request answers at once unless the
// socket is gone (which answers with an error); this only bounds a stop.
constexpr auto barrier_timeout = std::chrono::seconds{10};

// One socket of the proxy, and the direction that reads it.
struct side {
  proxy_socket sock;
  // Tells its messages and its credit apart (`current_sender`).
  strong_actor_ptr addr;
  bool alive = true;
  // The proxy is its delivery target (a direction reads it).
  bool source = false;
  // The proxy is its one-way producer (a direction writes into it).
  bool sink = false;
  // Sink: posts it allows now.
  uint64_t post_credit = 0;
  // Source: delivery credit withheld while paused.
  uint64_t owed = 0;
  // Source: messages taken from it, waiting for the other side.
  std::deque<multipart> held;
  proxy_side_stats stats;

  receiving_actor in() const {
    return actor_cast<receiving_actor>(sock.handle());
  }

  sending_actor out() const {
    return actor_cast<sending_actor>(sock.handle());
  }
};

struct proxy_state {
  side front;
  side back;
  sending_actor capture;
  bool has_capture = false;
  uint64_t capture_credit = 0;
  uint64_t captured = 0;
  uint64_t capture_dropped = 0;
  bool paused = false;
  bool stopping = false;
  // Stopping: sources whose already pushed messages may still be on the way.
  size_t barriers = 0;
  error stop_reason;
  std::vector<typed_response_promise<ok_atom>> terminators;
  // Set once the proxy withdrew from its sockets itself; the exit functor
  // then leaves them alone (they may already serve a new proxy).
  std::shared_ptr<bool> detached = std::make_shared<bool>(false);

  side& other(const side& s) {
    return &s == &front ? back : front;
  }

  side* find(const strong_actor_ptr& sender) {
    if (!sender)
      return nullptr;
    if (sender == front.addr)
      return &front;
    if (sender == back.addr)
      return &back;
    return nullptr;
  }

  static inline const char* name = "monocoque.proxy";
};

using proxy_self = proxy_actor::stateful_pointer<proxy_state>;

// Moves the first `n` held messages of `from` into `to`, one post, and a
// copy of each to the capture while it has credit.
void post_held(proxy_self self, side& from, side& to, size_t n) {
  if (n == 0)
    return;
  auto& st = self->state;
  std::vector<multipart> batch;
  std::vector<multipart> copies;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto& msg = from.held.front();
    ++to.stats.msgs_out;
    to.stats.bytes_out += ::monocoque::zmtp::payload_size(msg);
    if (st.capture && st.capture_credit > 0) {
      copies.push_back(msg); // shares the frames
      --st.capture_credit;
      ++st.captured;
    } else if (st.has_capture) {
      ++st.capture_dropped;
    }
    batch.push_back(std::move(msg));
    from.held.pop_front();
  }
  to.post_credit -= std::min<uint64_t>(to.post_credit, n);
  self->send(to.out(), post_atom::value, std::move(batch));
  if (!copies.empty())
    self->send(st.capture, post_atom::value, std::move(copies));
}

// Forwards what `to` has credit for.
void forward(proxy_self self, side& from, side& to) {
  if (self->state.paused || self->state.stopping || !to.alive)
    return;
  auto n = std::min<uint64_t>(from.held.size(), to.post_credit);
  post_held(self, from, to, static_cast<size_t>(n));
}

void grant(proxy_self self, side& src, uint64_t n) {
  if (n > 0 && src.alive)
    self->send(src.in(), credit_atom::value, n);
}

void finish(proxy_self self) {
  auto& st = self->state;
  // Everything taken goes on, credit or not: the overshoot is bounded by
  // the window. Messages held for a socket that is gone are lost.
  for (auto* from : {&st.front, &st.back}) {
    auto& to = st.other(*from);
    if (to.alive && to.sink)
      post_held(self, *from, to, from->held.size());
    from->held.clear();
  }
  for (auto* s : {&st.front, &st.back})
    if (s->alive && s->sink)
      self->send(s->out(), window_atom::value, actor{}, uint64_t{0});
  if (st.capture)
    self->send(st.capture, window_atom::value, actor{}, uint64_t{0});
  *st.detached = true;
  for (auto& rp : st.terminators)
    rp.deliver(ok_atom::value);
  st.terminators.clear();
  self->quit(st.stop_reason);
}

void barrier_done(proxy_self self) {
  if (--self->state.barriers == 0)
    finish(self);
}

// Withdraws delivery from the live sources, then waits until each answered
// a request: what they pushed before the withdrawal came first.
void begin_stop(proxy_self self, error reason) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  st.stop_reason = std::move(reason);
  for (auto* s : {&st.front, &st.back}) {
    if (!s->alive || !s->source)
      continue;
    self->send(s->in(), deliver_atom::value, batch_atom::value, actor{},
               uint64_t{0});
    ++st.barriers;
    self
      ->request(actor_cast<socket_base_actor>(s->sock.handle()),
                barrier_timeout, status_atom::value)
      .then([self](uint64_t) { barrier_done(self); },
            [self](error&) { barrier_done(self); });
  }
  if (st.barriers == 0)
    finish(self);
}

void on_batch(proxy_self self, std::vector<multipart>& msgs) {
  auto& st = self->state;
  auto* from = st.find(self->current_sender());
  if (from == nullptr || !from->source)
    return; // not from our sockets
  for (auto& msg : msgs) {
    ++from->stats.msgs_in;
    from->stats.bytes_in += ::monocoque::zmtp::payload_size(msg);
    from->held.push_back(std::move(msg));
  }
  forward(self, *from, st.other(*from));
}

void on_credit(proxy_self self, uint64_t n) {
  auto& st = self->state;
  auto sender = self->current_sender();
  if (st.capture && sender == actor_cast<strong_actor_ptr>(st.capture)) {
    st.capture_credit += n;
    return;
  }
  auto* to = st.find(sender);
  if (to == nullptr || !to->sink)
    return;
  to->post_credit += n;
  auto& from = st.other(*to);
  forward(self, from, *to);
  if (st.stopping)
    return;
  // One for one: the source may hand over as many as just left the sink.
  if (st.paused)
    from.owed += n;
  else
    grant(self, from, n);
}

void on_down(proxy_self self, down_msg& dm) {
  auto& st = self->state;
  if (st.capture && dm.source == st.capture.address()) {
    st.capture = nullptr; // later copies count as dropped
    return;
  }
  for (auto* s : {&st.front, &st.back}) {
    if (s->alive && dm.source == s->sock.handle().address()) {
      s->alive = false;
      begin_stop(self, std::move(dm.reason));
      return;
    }
  }
}

void set_up(proxy_self self, proxy_socket frontend, proxy_socket backend,
            proxy_socket capture, const proxy_options& opts) {
  auto& st = self->state;
  st.front.sock = std::move(frontend);
  st.back.sock = std::move(backend);
  st.front.source = true;
  st.back.sink = true;
  if (st.back.sock.receives() && st.front.sock.sends()) {
    st.back.source = true;
    st.front.sink = true;
  }
  if (capture) {
    st.capture = actor_cast<sending_actor>(capture.handle());
    st.has_capture = true;
  }
  actor me = actor_cast<actor>(self);
  // Sources start with no credit: they get what their sink grants.
  for (auto* s : {&st.front, &st.back}) {
    s->addr = actor_cast<strong_actor_ptr>(s->sock.handle());
    self->monitor(s->sock.handle());
    if (s->sink)
      self->send(s->out(), window_atom::value, me, opts.window);
    if (s->source)
      self->send(s->in(), deliver_atom::value, batch_atom::value, me,
                 uint64_t{0});
  }
  if (st.capture) {
    self->monitor(actor_cast<actor>(st.capture));
    self->send(st.capture, window_atom::value, me, opts.capture_window);
  }
  self->set_down_handler([self](down_msg& dm) { on_down(self, dm); });
  // Killed or failed: still withdraw from the sockets, or they would keep
  // pushing messages into a dead mailbox.
  std::vector<receiving_actor> sources;
  std::vector<sending_actor> sinks;
  for (auto* s : {&st.front, &st.back}) {
    if (s->source)
      sources.push_back(s->in());
    if (s->sink)
      sinks.push_back(s->out());
  }
  if (st.capture)
    sinks.push_back(st.capture);
  self->attach_functor(
    [detached = st.detached, sources, sinks](const error&) {
      if (*detached)
        return;
      for (auto& s : sources)
        anon_send(s, deliver_atom::value, batch_atom::value, actor{},
                  uint64_t{0});
      for (auto& s : sinks)
        anon_send(s, window_atom::value, actor{}, uint64_t{0});
    });
}

proxy_stats make_stats(proxy_self self) {
  auto& st = self->state;
  proxy_stats result;
  result.frontend = st.front.stats;
  result.frontend.held = st.front.held.size();
  result.backend = st.back.stats;
  result.backend.held = st.back.held.size();
  result.captured = st.captured;
  result.capture_dropped = st.capture_dropped;
  result.paused = st.paused;
  return result;
}

proxy_actor::behavior_type proxy_fun(proxy_self self, proxy_socket frontend,
                                     proxy_socket backend,
                                     proxy_socket capture,
                                     proxy_options opts) {
  set_up(self, std::move(frontend), std::move(backend), std::move(capture),
         opts);
  return {
    [self](pause_atom) {
      self->state.paused = true;
      return ok_atom::value;
    },
    [self](resume_atom) {
      auto& st = self->state;
      if (st.paused && !st.stopping) {
        st.paused = false;
        for (auto* from : {&st.front, &st.back}) {
          forward(self, *from, st.other(*from));
          grant(self, *from, std::exchange(from->owed, 0));
        }
      }
      st.paused = false;
      return ok_atom::value;
    },
    [self](terminate_atom) -> typed_response_promise<ok_atom> {
      auto rp = self->make_response_promise<ok_atom>();
      self->state.terminators.push_back(rp);
      begin_stop(self, error{});
      return rp;
    },
    [self](stats_atom) { return make_stats(self); },
    [self](message_atom, std::vector<multipart>& msgs) {
      on_batch(self, msgs);
    },
    [self](credit_atom, uint64_t n) { on_credit(self, n); },
  };
}

} // namespace

expected<proxy_actor> spawn_proxy(actor_system& sys, proxy_socket frontend,
                                  proxy_socket backend, proxy_socket capture,
                                  proxy_options opts) {
  auto invalid = [](const char* what) {
    return make_error(errc::invalid_operation, std::string{"proxy: "} + what);
  };
  if (!frontend || !backend)
    return invalid("needs a frontend and a backend socket");
  if (!frontend.receives())
    return invalid("the frontend socket cannot receive");
  if (!backend.sends())
    return invalid("the backend socket cannot send");
  if (capture && !capture.sends())
    return invalid("the capture socket cannot send");
  if (frontend.handle() == backend.handle()
      || (capture
          && (capture.handle() == frontend.handle()
              || capture.handle() == backend.handle())))
    return invalid("a socket appears twice");
  if (opts.window == 0 || (capture && opts.capture_window == 0))
    return invalid("a window must not be 0");
  // A user-visible actor: on CAF's scheduler unless asked otherwise.
  if (opts.on_ring)
    return spawn_on_ring(sys, proxy_fun, std::move(frontend),
                         std::move(backend), std::move(capture), opts);
  return sys.spawn(proxy_fun, std::move(frontend), std::move(backend),
                   std::move(capture), opts);
}

} // namespace caf::monocoque
