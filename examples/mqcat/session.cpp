#include "session.hpp"

#include "cli.hpp"
#include "frame_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace mq = caf::monocoque;

namespace mqcat {

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;
using clock_type = std::chrono::steady_clock;

/// Credit granted up front: messages the socket may push before we printed
/// (or echoed) earlier ones.
constexpr uint64_t credit_window = 64;

struct session_state {
  static inline const char* name = "mqcat.session";

  session_config cfg;
  // -- counters
  uint64_t received = 0;
  uint64_t sent = 0;    // acknowledged by the socket
  uint64_t granted = 0; // credit handed to the socket so far
  // -- the batch of stdin lines in flight (the main thread sends one at a time)
  uint64_t batch_unacked = 0;
  std::optional<caf::response_promise> batch;
  // -- echoes the socket has not acknowledged yet
  uint64_t echoes_unacked = 0;
  // -- --timeout
  clock_type::time_point last_activity;
  // -- shutdown
  bool stopping = false;
  bool closing = false;
  bool finished = false;
  int exit_code = exit_ok;
  std::string why;
  std::string line; // output buffer, reused
};

using session_ptr = caf::stateful_actor<session_state>*;

bool send_only(const session_config& cfg) {
  return cfg.send && !cfg.recv && !cfg.echo;
}

std::string render(session_ptr self, const caf::error& err) {
  return self->system().render(err);
}

// -- shutdown -----------------------------------------------------------------

void finish(session_ptr self) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  self->send(st.cfg.listener, done_atom::value, st.exit_code, st.why);
  self->quit();
}

// Marks the session as stopping, wakes the main thread and tells it to stop
// sending. Returns false if it was stopping already.
bool begin_stop(session_ptr self) {
  auto& st = self->state;
  if (st.stopping)
    return false;
  st.stopping = true;
  uint64_t one = 1;
  if (::write(st.cfg.wake_fd, &one, sizeof(one)) < 0) {
    // Only an invalid descriptor fails here: the main thread then still
    // learns from the error reply to its next batch.
  }
  if (st.batch) {
    st.batch->deliver(mq::make_error(mq::errc::socket_closed, "stopping"));
    st.batch.reset();
  }
  return true;
}

// Closes the socket once every echo is acknowledged, then quits. Waiting
// for the acknowledgement also queues the close behind the socket's own
// hand-over of that echo to its connection: a close right behind a send
// lost the message (dealer outbox vs. close, reported to the lead).
void close_when_acked(session_ptr self) {
  auto& st = self->state;
  if (!st.stopping || st.closing || st.finished || st.echoes_unacked > 0)
    return;
  st.closing = true;
  self->request(st.cfg.socket, caf::infinite, mq::close_atom::value)
    .then([self](caf::ok_atom) { finish(self); },
          [self](caf::error& err) {
            self->state.exit_code = exit_failure;
            self->state.why = "closing the socket failed: "
                              + render(self, err);
            finish(self);
          });
}

// Success: flush with the socket's linger, then quit.
void succeed(session_ptr self) {
  if (begin_stop(self))
    close_when_acked(self);
}

// Failure: drop the socket without flushing and quit at once. Overrides a
// success whose close is still flushing (e.g. --timeout fires meanwhile).
void fail(session_ptr self, std::string why) {
  auto& st = self->state;
  if (st.finished)
    return;
  begin_stop(self);
  st.exit_code = exit_failure;
  st.why = std::move(why);
  self->send_exit(st.cfg.socket, caf::exit_reason::user_shutdown);
  finish(self);
}

// -- receiving ----------------------------------------------------------------

void grant(session_ptr self, uint64_t n) {
  auto& st = self->state;
  if (st.cfg.count)
    n = std::min(n, *st.cfg.count - st.granted);
  if (n == 0 || st.stopping)
    return;
  st.granted += n;
  self->send(st.cfg.socket, mq::credit_atom::value, n);
}

// Writes `msg` as one line to stdout; returns false if stdout failed.
bool print(session_ptr self, const mq::multipart& msg) {
  auto& st = self->state;
  std::vector<std::string_view> frames;
  frames.reserve(msg.size());
  for (auto& f : msg)
    frames.push_back(f.as_string_view());
  st.line = format_message(frames, st.cfg.delimiter);
  st.line += '\n';
  return std::fwrite(st.line.data(), 1, st.line.size(), stdout)
           == st.line.size()
         && std::fflush(stdout) == 0;
}

void on_message(session_ptr self, mq::multipart& msg) {
  auto& st = self->state;
  if (st.stopping)
    return; // -n reached or failed: nobody waits for it any more
  ++st.received;
  st.last_activity = clock_type::now();
  if (st.cfg.recv && !print(self, msg))
    return fail(self, std::string{"cannot write to stdout: "}
                        + std::strerror(errno));
  if (st.cfg.echo) {
    // Credit comes back only once the echo is acknowledged, so a peer that
    // does not read cannot make us buffer without bound.
    ++st.echoes_unacked;
    self->request(st.cfg.socket, caf::infinite, mq::send_atom::value,
                  std::move(msg))
      .then(
        [self](caf::ok_atom) {
          --self->state.echoes_unacked;
          grant(self, 1);
          close_when_acked(self);
        },
        [self](caf::error& err) {
          --self->state.echoes_unacked;
          fail(self, "echo failed: " + render(self, err));
        });
  } else {
    grant(self, 1);
  }
  if (st.cfg.count && st.received >= *st.cfg.count)
    succeed(self);
}

// -- sending ------------------------------------------------------------------

caf::result<caf::ok_atom> on_batch(session_ptr self,
                                  std::vector<mq::multipart>& lines) {
  auto& st = self->state;
  if (st.stopping)
    return mq::make_error(mq::errc::socket_closed, "stopping");
  if (st.cfg.count && send_only(st.cfg)) // never send more than -n
    lines.resize(std::min<uint64_t>(lines.size(), *st.cfg.count - st.sent));
  if (lines.empty())
    return caf::ok_atom::value;
  st.batch = self->make_response_promise();
  st.batch_unacked = lines.size();
  // All at once: the socket keeps their order and acknowledges each as soon
  // as it fits within SNDHWM.
  for (auto& msg : lines)
    self
      ->request(st.cfg.socket, caf::infinite, mq::send_atom::value,
                std::move(msg))
      .then(
        [self](caf::ok_atom) {
          auto& st = self->state;
          ++st.sent;
          if (send_only(st.cfg))
            st.last_activity = clock_type::now();
          if (--st.batch_unacked == 0 && st.batch) {
            st.batch->deliver(caf::ok_atom::value);
            st.batch.reset();
          }
          if (send_only(st.cfg) && st.cfg.count && st.sent >= *st.cfg.count)
            succeed(self);
        },
        [self](caf::error& err) {
          // After a stop, the socket refuses what it had not acknowledged.
          if (!self->state.stopping)
            fail(self, "send failed: " + render(self, err));
        });
  return caf::delegated<caf::ok_atom>{};
}

// -- --timeout ----------------------------------------------------------------

void on_tick(session_ptr self) {
  auto& st = self->state;
  if (st.finished || !st.cfg.timeout)
    return;
  auto limit = *st.cfg.timeout;
  auto idle = clock_type::now() - st.last_activity;
  if (idle < limit) {
    // Something happened meanwhile: one timer per period, not per message.
    self->delayed_send(self, limit - idle, tick_atom::value);
    return;
  }
  auto ms = std::to_string(limit.count()) + " ms";
  if (st.stopping)
    fail(self, "timeout: could not flush the socket within " + ms);
  else if (send_only(st.cfg))
    fail(self, "timeout: no message was acknowledged for " + ms
                 + " (is a peer connected?)");
  else
    fail(self, "timeout: no message arrived for " + ms);
}

caf::behavior session_fun(caf::stateful_actor<session_state>* self,
                          session_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  self->monitor(st.cfg.socket);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source != st.cfg.socket.address() || st.finished)
      return;
    if (!st.stopping || dm.reason)
      fail(self, "the socket failed: " + render(self, dm.reason));
    else
      finish(self);
  });
  if (st.cfg.recv || st.cfg.echo) {
    auto n = st.cfg.count ? std::min(credit_window, *st.cfg.count)
                          : credit_window;
    st.granted = n;
    self->send(st.cfg.socket, mq::deliver_atom::value,
               caf::actor_cast<caf::actor>(self), n);
  }
  st.last_activity = clock_type::now();
  if (st.cfg.timeout)
    self->delayed_send(self, *st.cfg.timeout, tick_atom::value);
  return {
    [self](mq::message_atom, mq::multipart& msg) { on_message(self, msg); },
    [self](line_atom, std::vector<mq::multipart>& lines) {
      return on_batch(self, lines);
    },
    [self](eof_atom) {
      // Every line was acknowledged: the main thread waits for each batch.
      if (send_only(self->state.cfg))
        succeed(self);
    },
    [self](tick_atom) { on_tick(self); },
  };
}

} // namespace

caf::actor spawn_session(caf::actor_system& sys, session_config cfg) {
  return sys.spawn(session_fun, std::move(cfg));
}

} // namespace mqcat
