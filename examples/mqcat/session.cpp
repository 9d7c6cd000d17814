#include "session.hpp"

#include "cli.hpp"
#include "frame_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iterator>
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
  // -- echoes and REP replies the socket has not acknowledged yet
  uint64_t answers_unacked = 0;
  uint64_t answered = 0; // acknowledged answers
  // -- REQ and REP --send: lines not sent yet, and the lockstep
  std::deque<mq::multipart> queue;
  bool awaiting_reply = false; // REQ: a request is out
  bool owing_reply = false;    // REP --send: a request waits for a line
  bool eof = false;
  // -- -v
  bool stats_asked = false;
  // -- --timeout
  clock_type::time_point last_activity;
  // -- shutdown
  bool stopping = false;
  bool closing = false;
  bool failing = false;
  bool finished = false;
  int exit_code = exit_ok;
  std::string why;
  std::string line; // output buffer, reused
};

using session_ptr = caf::stateful_actor<session_state>*;

// REP receives requests also when it does not print them (--send alone).
bool receives(const session_config& cfg) {
  return cfg.recv || cfg.echo || cfg.kind == pattern::reply;
}

bool send_only(const session_config& cfg) {
  return cfg.send && !receives(cfg);
}

// Whether -n counts answered requests rather than received messages.
bool counts_answers(const session_config& cfg) {
  return cfg.kind == pattern::reply;
}

bool reached_count(const session_state& st, uint64_t n) {
  return st.cfg.count && n >= *st.cfg.count;
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

// -- -v ----------------------------------------------------------------------

// Renders a routing id like a frame ("0x" for an empty one).
std::string render_id(const std::string& id) {
  std::string out;
  if (id.empty())
    out = hex_prefix;
  else
    append_frame(out, id, ' ');
  return out;
}

void print_stats(const mq::socket_stats& stats) {
  std::string out = "mqcat: stats " + stats.type
                    + " peers=" + std::to_string(stats.peers.size())
                    + " pending=" + std::to_string(stats.pending)
                    + " dropped=" + std::to_string(stats.dropped)
                    + " refused=" + std::to_string(stats.refused) + "\n";
  for (auto& p : stats.peers) {
    out += "mqcat: peer id=" + render_id(p.routing_id)
           + " endpoint=" + (p.endpoint.empty() ? "?" : p.endpoint)
           + " key=" + std::to_string(p.key)
           + " epoch=" + std::to_string(p.epoch)
           + " type=" + (p.peer_type.empty() ? "?" : p.peer_type)
           + " up=" + (p.up ? "yes" : "no")
           + " mechanism=" + (p.mechanism.empty() ? "?" : p.mechanism)
           + " user_id=" + (p.user_id.empty() ? "-" : render_id(p.user_id))
           + " in_queue=" + std::to_string(p.in_queue)
           + " out_queue=" + std::to_string(p.out_queue)
           + " msgs_in=" + std::to_string(p.msgs_in)
           + " bytes_in=" + std::to_string(p.bytes_in)
           + " msgs_out=" + std::to_string(p.msgs_out)
           + " bytes_out=" + std::to_string(p.bytes_out)
           + " drops=" + std::to_string(p.drops) + "\n";
  }
  for (auto& c : stats.connecting)
    out += "mqcat: connecting endpoint=" + c.endpoint
           + " attempts=" + std::to_string(c.attempts) + " last_error="
           + (c.last_error.empty() ? "none" : c.last_error) + "\n";
  std::fputs(out.c_str(), stderr);
}

// Runs `next` once the socket's statistics printed (with -v, and only the
// first time: a failure during a close does not ask again).
template <class F>
void after_stats(session_ptr self, F next) {
  auto& st = self->state;
  if (!st.cfg.verbose || st.stats_asked) {
    next();
    return;
  }
  st.stats_asked = true;
  self->request(st.cfg.socket, std::chrono::seconds{1}, mq::stats_atom::value)
    .then(
      [next](mq::socket_stats& stats) mutable {
        print_stats(stats);
        next();
      },
      [self, next](caf::error& err) mutable {
        std::fprintf(stderr, "mqcat: no statistics: %s\n",
                     render(self, err).c_str());
        next();
      });
}

// -- shutdown, continued -----------------------------------------------------

// Closes the socket once every answer is acknowledged, then quits. Waiting
// for the acknowledgement also queues the close behind the socket's own
// hand-over of that answer to its connection: a close right behind a send
// lost the message (dealer outbox vs. close, reported to the lead).
void close_when_acked(session_ptr self) {
  auto& st = self->state;
  if (!st.stopping || st.closing || st.finished || st.answers_unacked > 0)
    return;
  st.closing = true;
  after_stats(self, [self] {
    self->request(self->state.cfg.socket, caf::infinite,
                  mq::close_atom::value)
      .then([self](caf::ok_atom) { finish(self); },
            [self](caf::error& err) {
              self->state.exit_code = exit_failure;
              self->state.why = "closing the socket failed: "
                                + render(self, err);
              finish(self);
            });
  });
}

// Success: flush with the socket's linger, then quit.
void succeed(session_ptr self) {
  if (begin_stop(self))
    close_when_acked(self);
}

// Failure: drop the socket without flushing and quit (after -v's
// statistics). Overrides a success whose close is still flushing (e.g.
// --timeout fires meanwhile); the first failure's reason wins.
void fail(session_ptr self, std::string why, int code = exit_failure) {
  auto& st = self->state;
  if (st.finished || st.failing)
    return;
  st.failing = true;
  begin_stop(self);
  st.exit_code = code;
  st.why = std::move(why);
  after_stats(self, [self] {
    self->send_exit(self->state.cfg.socket, caf::exit_reason::user_shutdown);
    finish(self);
  });
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

void advance(session_ptr self);

// Sends `msg` as an echo or a REP reply; credit for the next message comes
// back only once the socket acknowledged it, so a peer that does not read
// cannot make us buffer without bound.
void answer(session_ptr self, mq::multipart msg) {
  ++self->state.answers_unacked;
  self->request(self->state.cfg.socket, caf::infinite, mq::send_atom::value,
                std::move(msg))
    .then(
      [self](caf::ok_atom) {
        auto& st = self->state;
        --st.answers_unacked;
        ++st.answered;
        grant(self, 1);
        if (counts_answers(st.cfg) && reached_count(st, st.answered))
          succeed(self);
        close_when_acked(self);
        advance(self);
      },
      [self](caf::error& err) {
        --self->state.answers_unacked;
        fail(self, (self->state.cfg.echo ? "echo failed: " : "reply failed: ")
                     + render(self, err));
      });
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
  if (st.cfg.kind == pattern::request)
    st.awaiting_reply = false;
  if (st.cfg.echo)
    answer(self, std::move(msg));
  else if (st.cfg.kind == pattern::reply)
    st.owing_reply = true; // the next stdin line answers it
  else
    grant(self, 1);
  if (!counts_answers(st.cfg) && reached_count(st, st.received))
    succeed(self);
  advance(self);
}

// -- sending ------------------------------------------------------------------

// Acknowledges the batch in flight to the main thread.
void ack_batch(session_ptr self) {
  auto& st = self->state;
  if (st.batch) {
    st.batch->deliver(caf::ok_atom::value);
    st.batch.reset();
  }
}

// REQ and REP --send: sends the next queued line when the lockstep allows
// it; stops at stdin's end once nothing is left to send or to await.
void advance(session_ptr self) {
  auto& st = self->state;
  if (st.cfg.kind == pattern::stream || st.stopping)
    return;
  if (st.cfg.kind == pattern::request && !st.awaiting_reply
      && !st.queue.empty()) {
    st.awaiting_reply = true;
    st.last_activity = clock_type::now(); // --timeout bounds the reply
    self
      ->request(st.cfg.socket, caf::infinite, mq::send_atom::value,
                std::move(st.queue.front()))
      .then([self](caf::ok_atom) { ++self->state.sent; },
            [self](caf::error& err) {
              fail(self, "send failed: " + render(self, err));
            });
    st.queue.pop_front();
  } else if (st.cfg.kind == pattern::reply && st.owing_reply
             && !st.queue.empty()) {
    st.owing_reply = false;
    auto msg = std::move(st.queue.front());
    st.queue.pop_front();
    answer(self, std::move(msg));
  }
  if (!st.queue.empty())
    return;
  ack_batch(self);
  if (st.eof && !st.awaiting_reply)
    succeed(self); // waits for the last reply's acknowledgement
}

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
  if (st.cfg.kind != pattern::stream) {
    // One at a time: a request per reply, a reply per request.
    std::move(lines.begin(), lines.end(), std::back_inserter(st.queue));
    advance(self);
    return caf::delegated<caf::ok_atom>{};
  }
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
          if (--st.batch_unacked == 0)
            ack_batch(self);
          if (send_only(st.cfg) && reached_count(st, st.sent))
            succeed(self);
        },
        [self](caf::error& err) {
          // After a stop, the socket refuses what it had not acknowledged.
          if (!self->state.stopping)
            fail(self, "send failed: " + render(self, err));
        });
  return caf::delegated<caf::ok_atom>{};
}

void on_eof(session_ptr self) {
  auto& st = self->state;
  st.eof = true;
  // Every line was acknowledged: the main thread waits for each batch.
  if (send_only(st.cfg))
    succeed(self);
  else
    advance(self);
}

// -- --timeout ----------------------------------------------------------------

// Whether the socket owes us nothing right now: REQ before a request, REP
// while stdin has not given the line for a reply yet.
bool nothing_due(const session_state& st) {
  switch (st.cfg.kind) {
    case pattern::request:
      return !st.awaiting_reply;
    case pattern::reply:
      return st.owing_reply;
    default:
      return false;
  }
}

void on_tick(session_ptr self) {
  auto& st = self->state;
  if (st.finished || !st.cfg.timeout)
    return;
  auto limit = *st.cfg.timeout;
  if (!st.stopping && nothing_due(st))
    st.last_activity = clock_type::now();
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
  else if (st.cfg.kind == pattern::request)
    fail(self, "timeout: no reply arrived within " + ms);
  else
    fail(self, "timeout: no message arrived for " + ms);
}

const char* signal_name(int signo) {
  switch (signo) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
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
    st.stats_asked = true; // nobody left to ask
    if (!st.stopping || dm.reason)
      fail(self, "the socket failed: " + render(self, dm.reason));
    else
      finish(self);
  });
  if (receives(st.cfg)) {
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
    [self](eof_atom) { on_eof(self); },
    [self](tick_atom) { on_tick(self); },
    [self](signal_atom, int signo) {
      fail(self, std::string{"stopped by "} + signal_name(signo),
           128 + signo);
    },
  };
}

} // namespace

caf::actor spawn_session(caf::actor_system& sys, session_config cfg) {
  return sys.spawn(session_fun, std::move(cfg));
}

} // namespace mqcat
