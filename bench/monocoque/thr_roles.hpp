#pragma once

// The two roles of the throughput test on our actors, shared by local_thr /
// remote_thr (one role per process) and inproc_thr (both in one actor
// system): `sink` on a PULL socket, `source` on a PUSH socket. Each binds
// or connects `a.endpoint` as `a.bind` says.
// Sink modes (`a.mode`): `batch` (its default) one actor message per
// connection read (`deliver_atom, batch_atom`); anything else one actor
// message per ZeroMQ message. Both with a credit window of 8192 messages.
// Source modes (the public ways to stream):
//   request  one `(send_atom, multipart)` request per message, a window of
//            requests in flight (the reply is the backpressure);
//   batch    `(send_atom, vector<multipart>)` requests of 64 messages, two
//            in flight;
//   post     one-way `(post_atom, multipart)` per message within the credit
//            window the socket grants (`window_atom`);
//   stream   one-way `(post_atom, vector<multipart>)`: every message the
//            credit allows in one post (its default: the fastest).

#include "perf_tool.hpp"

#include <caf/all.hpp>

#include <functional>

namespace perf {

/// The sink's credit window (messages).
constexpr uint64_t sink_window = 8192;

/// State of `sink`.
struct sink_state {
  uint64_t got = 0;
  uint64_t uncredited = 0;
  std::chrono::steady_clock::time_point t0;
};

/// Receives `a.count` messages of `a.size` bytes by push delivery with a
/// credit window, prints libzmq's lines (timed from the first message to
/// the last), closes the socket and quits.
inline caf::behavior sink(caf::stateful_actor<sink_state>* self,
                          mq::pull_actor sock, args a) {
  using std::chrono::steady_clock;
  auto count = a.count;
  auto size = a.size;
  bool batched = a.mode == "batch";
  auto on_msg = [self, sock, count, size](mq::multipart& msg) {
    auto& st = self->state;
    check_size(msg, size);
    if (st.got++ == 0)
      st.t0 = steady_clock::now();
    if (st.got == count) {
      auto elapsed = micros(st.t0, steady_clock::now());
      if (elapsed <= 0)
        elapsed = 1;
      auto thr = static_cast<double>(count) * 1e6 / elapsed;
      auto mbs = thr * static_cast<double>(size) * 8 / 1e6;
      std::printf("message size: %zu [B]\n", size);
      std::printf("message count: %llu\n",
                  static_cast<unsigned long long>(count));
      std::printf("mean throughput: %d [msg/s]\n", static_cast<int>(thr));
      std::printf("mean throughput: %.3f [Mb/s]\n", mbs);
      std::fflush(stdout);
      self->send(sock, mq::close_atom::value);
      self->quit();
      return;
    }
    if (++st.uncredited >= sink_window / 2) {
      self->send(sock, mq::credit_atom::value, st.uncredited);
      st.uncredited = 0;
    }
  };
  open(self, sock, a, [self, sock, batched] {
    if (batched)
      self->send(sock, mq::deliver_atom::value, mq::batch_atom::value,
                 caf::actor_cast<caf::actor>(self), sink_window);
    else
      self->send(sock, mq::deliver_atom::value,
                 caf::actor_cast<caf::actor>(self), sink_window);
  });
  return {
    [on_msg](mq::message_atom, mq::multipart& msg) { on_msg(msg); },
    [on_msg](mq::message_atom, std::vector<mq::multipart>& msgs) {
      for (auto& msg : msgs)
        on_msg(msg);
    },
  };
}

/// True if `mode` is one of the source's modes.
inline bool source_mode(const std::string& mode) {
  return mode == "request" || mode == "batch" || mode == "post"
         || mode == "stream";
}

/// State of `source`.
struct source_state {
  uint64_t sent = 0;   // handed to the socket
  uint64_t acked = 0;  // acknowledged by the socket
  bool closing = false;
  std::function<void()> next; // sends one more request if allowed
  uint64_t credit = 0;         // post modes
};

/// The source's credit window in the post modes: 4096 messages, but at
/// most ~1 MiB of payload in flight between the source and the socket (a
/// window counts messages, memory counts bytes: 4096 x 64 KiB would be
/// 256 MiB). What the source holds is this window plus the socket's SNDHWM
/// per peer; libzmq's remote_thr holds its SNDHWM only. A 4 MiB cap
/// (before 2026-12-08) peaked at 26.6 MiB RSS at 1 KiB instead of 13.6 MiB,
/// at the same throughput (docs/performance.md, "Peak RSS").
inline uint64_t source_window(size_t size) {
  return std::clamp<uint64_t>((1u << 20) / std::max<size_t>(size, 1), 16,
                              4096);
}

/// Posts what the credit allows; closes after the last message.
inline void post_some(caf::stateful_actor<source_state>* self,
                      const mq::push_actor& sock, const args& a) {
  auto& st = self->state;
  auto n = std::min(st.credit, a.count - st.sent);
  st.credit -= n;
  st.sent += n;
  if (a.mode == "post") {
    for (uint64_t i = 0; i < n; ++i)
      self->send(sock, mq::post_atom::value, make_payload(a.size));
  } else if (n > 0) {
    std::vector<mq::multipart> batch;
    batch.reserve(n);
    for (uint64_t i = 0; i < n; ++i)
      batch.push_back(make_payload(a.size));
    self->send(sock, mq::post_atom::value, std::move(batch));
  }
  if (st.sent == a.count && !st.closing) {
    st.closing = true; // close flushes every posted message first
    self->request(sock, caf::infinite, mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { fail(err, "close"); });
  }
}

/// Sends `a.count` messages of `a.size` bytes (a fresh payload each, as
/// libzmq's tool), then closes with linger (waits until written) and quits.
inline caf::behavior source(caf::stateful_actor<source_state>* self,
                            mq::push_actor sock, args a) {
  if (a.mode == "post" || a.mode == "stream") {
    open(self, sock, a, [self, sock, a] {
      self->send(sock, mq::window_atom::value,
                 caf::actor_cast<caf::actor>(self), source_window(a.size));
    });
    return {
      [self, sock, a](mq::credit_atom, uint64_t n) {
        self->state.credit += n;
        post_some(self, sock, a);
      },
    };
  }
  // Keeps `inflight` requests of `per_request` messages outstanding.
  size_t per_request = a.mode == "request" ? 1 : 64;
  uint64_t inflight = a.mode == "request" ? 16 : 2;
  auto count = a.count;
  auto size = a.size;
  auto finish = [self, sock] {
    self->state.closing = true;
    self->request(sock, caf::infinite, mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { fail(err, "close"); });
  };
  // Sends one more request if the window and the count allow it.
  self->state.next = [self, sock, per_request, count, size, finish] {
    auto& st = self->state;
    if (st.sent == count) {
      if (st.acked == count && !st.closing)
        finish();
      return;
    }
    auto n = std::min<uint64_t>(per_request, count - st.sent);
    st.sent += n;
    auto on_ok = [self, n](caf::ok_atom) {
      self->state.acked += n;
      self->state.next();
    };
    auto on_err = [](caf::error& err) { fail(err, "send"); };
    if (per_request == 1) {
      self->request(sock, caf::infinite, mq::send_atom::value,
                    make_payload(size))
        .then(on_ok, on_err);
    } else {
      std::vector<mq::multipart> batch;
      batch.reserve(n);
      for (uint64_t i = 0; i < n; ++i)
        batch.push_back(make_payload(size));
      self->request(sock, caf::infinite, mq::send_atom::value,
                    std::move(batch))
        .then(on_ok, on_err);
    }
  };
  open(self, sock, a, [self, inflight] {
    for (uint64_t i = 0; i < inflight; ++i)
      self->state.next();
  });
  return {
    [](mq::status_atom) {}, // unused: everything comes as responses
  };
}

} // namespace perf
