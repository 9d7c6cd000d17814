#pragma once

// The two roles of the latency test on our actors, shared by local_lat /
// remote_lat (one role per process) and inproc_lat (both in one actor
// system): `echo` on a REP socket, `client` on a REQ socket. Each binds or
// connects `a.endpoint` as `a.bind` says. Modes (`a.mode`): `post` (the
// default) sends one way (`post_atom`) and receives by push delivery;
// `request` uses `send` requests (and, on the client, `recv` requests).

#include "perf_tool.hpp"

#include <caf/all.hpp>

#include <functional>

namespace perf {

/// State of `echo`.
struct echo_state {
  uint64_t echoed = 0;
};

/// Echoes `a.count` requests of `a.size` bytes back, then closes the socket
/// and quits.
inline caf::behavior echo(caf::stateful_actor<echo_state>* self,
                          mq::rep_actor sock, args a) {
  bool post = a.mode == "post";
  open(self, sock, a, [self, sock, post] {
    // REP hands out the next request only after the reply: with `post` the
    // credit need not ration it.
    self->send(sock, mq::deliver_atom::value,
               caf::actor_cast<caf::actor>(self),
               post ? uint64_t{1024} : uint64_t{1});
  });
  auto count = a.count;
  auto size = a.size;
  return {
    [self, sock, count, size, post](mq::message_atom, mq::multipart& msg) {
      check_size(msg, size);
      if (post) {
        self->send(sock, mq::post_atom::value, std::move(msg));
        if (++self->state.echoed == count) {
          self->request(sock, caf::infinite, mq::close_atom::value)
            .then([self](caf::ok_atom) { self->quit(); },
                  [](caf::error& err) { fail(err, "close"); });
          return;
        }
        if (self->state.echoed % 512 == 0)
          self->send(sock, mq::credit_atom::value, uint64_t{512});
        return;
      }
      self->request(sock, caf::infinite, mq::send_atom::value, std::move(msg))
        .then(
          [self, sock, count](caf::ok_atom) {
            if (++self->state.echoed == count) {
              self->request(sock, caf::infinite, mq::close_atom::value)
                .then([self](caf::ok_atom) { self->quit(); },
                      [](caf::error& err) { fail(err, "close"); });
              return;
            }
            self->send(sock, mq::credit_atom::value, uint64_t{1});
          },
          [](caf::error& err) { fail(err, "send"); });
    },
  };
}

/// State of `client`.
struct client_state {
  uint64_t done = 0;
  std::chrono::steady_clock::time_point t0;
  std::function<void()> next; // one round trip
};

/// Does `a.count` round trips of `a.size` bytes, timed from the first
/// request (sent once the socket is bound or connected, before a peer may
/// be there, as libzmq's tools do) to the last reply; prints libzmq's lines
/// (average latency = one way, half of the mean round trip), closes the
/// socket and quits.
inline caf::behavior client(caf::stateful_actor<client_state>* self,
                            mq::req_actor sock, args a) {
  using std::chrono::steady_clock;
  auto count = a.count;
  auto size = a.size;
  auto report = [self, sock, count, size] {
    auto elapsed = micros(self->state.t0, steady_clock::now());
    std::printf("message size: %zu [B]\n", size);
    std::printf("roundtrip count: %llu\n",
                static_cast<unsigned long long>(count));
    std::printf("average latency: %.3f [us]\n",
                elapsed / (static_cast<double>(count) * 2));
    std::fflush(stdout);
    self->request(sock, caf::infinite, mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { fail(err, "close"); });
  };
  self->state.next = [self, sock, count, size, report] {
    self->request(sock, caf::infinite, mq::send_atom::value,
                  make_payload(size))
      .then(
        [self, sock, count, size, report](caf::ok_atom) {
          self->request(sock, caf::infinite, mq::recv_atom::value)
            .then(
              [self, count, size, report](mq::multipart& msg) {
                check_size(msg, size);
                if (++self->state.done == count)
                  report();
                else
                  self->state.next();
              },
              [](caf::error& err) { fail(err, "recv"); });
        },
        [](caf::error& err) { fail(err, "send"); });
  };
  bool post = a.mode == "post";
  if (post)
    self->state.next = [self, sock, size] {
      self->send(sock, mq::post_atom::value, make_payload(size));
    };
  open(self, sock, a, [self, sock, post] {
    // REQ lets one reply through per request: the credit need not ration
    // it (returned in batches like any consumer would).
    if (post)
      self->send(sock, mq::deliver_atom::value,
                 caf::actor_cast<caf::actor>(self), uint64_t{1024});
    self->state.t0 = steady_clock::now();
    self->state.next();
  });
  return {
    [self, sock, count, size, report](mq::message_atom, mq::multipart& msg) {
      check_size(msg, size);
      if (++self->state.done == count)
        return report();
      if (self->state.done % 512 == 0)
        self->send(sock, mq::credit_atom::value, uint64_t{512});
      self->state.next();
    },
  };
}

} // namespace perf
