// remote_thr: the sending half of libzmq's throughput test on our PUSH actor.
// Connects, sends <message-count> messages of <message-size> bytes (a fresh
// payload each, as libzmq's tool), closes with linger (waits until written).
//   remote_thr <connect-to> <message-size> <message-count> [--mode=M] [--ring]
//   [--curve]
// Modes (the public ways to stream):
//   request  one `(send_atom, multipart)` request per message, a window of
//            requests in flight (the reply is the backpressure);
//   batch    `(send_atom, vector<multipart>)` requests of 64 messages, two
//            in flight;
//   post     one-way `(post_atom, multipart)` per message within the credit
//            window the socket grants (`window_atom`);
//   stream   one-way `(post_atom, vector<multipart>)`: every message the
//            credit allows in one post (the default: the fastest).
#include "perf_tool.hpp"

#include <caf/all.hpp>

namespace {

using perf::mq::send_atom;

struct source_state {
  uint64_t sent = 0;   // handed to the socket
  uint64_t acked = 0;  // acknowledged by the socket
  bool closing = false;
  std::function<void()> next; // sends one more request if allowed
  uint64_t credit = 0;         // post modes
};

// The credit window: 4096 messages, but at most ~4 MiB of payload in flight
// between this actor and the socket (a window counts messages, memory counts
// bytes: 4096 x 64 KiB would be 256 MiB).
uint64_t window_for(size_t size) {
  return std::clamp<uint64_t>((4u << 20) / std::max<size_t>(size, 1), 16,
                              4096);
}

// Posts what the credit allows; closes after the last message.
void post_some(caf::stateful_actor<source_state>* self,
               const perf::mq::push_actor& sock, const perf::args& a) {
  auto& st = self->state;
  auto n = std::min(st.credit, a.count - st.sent);
  st.credit -= n;
  st.sent += n;
  if (a.mode == "post") {
    for (uint64_t i = 0; i < n; ++i)
      self->send(sock, perf::mq::post_atom::value, perf::make_payload(a.size));
  } else if (n > 0) {
    std::vector<perf::mq::multipart> batch;
    batch.reserve(n);
    for (uint64_t i = 0; i < n; ++i)
      batch.push_back(perf::make_payload(a.size));
    self->send(sock, perf::mq::post_atom::value, std::move(batch));
  }
  if (st.sent == a.count && !st.closing) {
    st.closing = true; // close flushes every posted message first
    self->request(sock, caf::infinite, perf::mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { perf::fail(err, "close"); });
  }
}

// Keeps `inflight` requests of `per_request` messages outstanding.
caf::behavior source(caf::stateful_actor<source_state>* self,
                     perf::mq::push_actor sock, perf::args a) {
  if (a.mode == "post" || a.mode == "stream") {
    self->request(sock, caf::infinite, perf::mq::connect_atom::value,
                  a.endpoint)
      .then(
        [self, sock, a](caf::ok_atom) {
          self->send(sock, perf::mq::window_atom::value,
                     caf::actor_cast<caf::actor>(self), window_for(a.size));
        },
        [](caf::error& err) { perf::fail(err, "connect"); });
    return {
      [self, sock, a](perf::mq::credit_atom, uint64_t n) {
        self->state.credit += n;
        post_some(self, sock, a);
      },
    };
  }
  size_t per_request = a.mode == "request" ? 1 : 64;
  uint64_t inflight = a.mode == "request" ? 16 : 2;
  auto count = a.count;
  auto size = a.size;
  auto finish = [self, sock] {
    self->state.closing = true;
    self->request(sock, caf::infinite, perf::mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { perf::fail(err, "close"); });
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
    auto on_err = [](caf::error& err) { perf::fail(err, "send"); };
    if (per_request == 1) {
      self->request(sock, caf::infinite, send_atom::value,
                    perf::make_payload(size))
        .then(on_ok, on_err);
    } else {
      std::vector<perf::mq::multipart> batch;
      batch.reserve(n);
      for (uint64_t i = 0; i < n; ++i)
        batch.push_back(perf::make_payload(size));
      self->request(sock, caf::infinite, send_atom::value, std::move(batch))
        .then(on_ok, on_err);
    }
  };
  self->request(sock, caf::infinite, perf::mq::connect_atom::value,
                a.endpoint)
    .then(
      [self, inflight](caf::ok_atom) {
        for (uint64_t i = 0; i < inflight; ++i)
          self->state.next();
      },
      [](caf::error& err) { perf::fail(err, "connect"); });
  return {
    [](perf::mq::status_atom) {}, // unused: everything comes as responses
  };
}

} // namespace

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "remote_thr <connect-to> <message-size> "
                       "<message-count>",
                       "stream");
  if (a.mode != "request" && a.mode != "batch" && a.mode != "post"
      && a.mode != "stream") {
    std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
    return 1;
  }
  return perf::run(
    a, false,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_push(sys, std::move(opts));
    }, source);
}
