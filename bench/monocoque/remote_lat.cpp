// remote_lat: the timing half of libzmq's latency test on our REQ actor.
// Connects, does <roundtrips> request/reply round trips of <message-size>
// bytes and prints libzmq's lines (average latency = one way, half of the
// mean round trip).
//   remote_lat <connect-to> <message-size> <roundtrips> [--mode=M] [--ring]
//   [--curve]
// Modes: `post` (default) posts each request one way and gets the reply by
// push delivery; `request` uses a `send` request, then a `recv` request.
#include "perf_tool.hpp"

#include <caf/all.hpp>

using namespace std::chrono;

namespace {

struct client_state {
  uint64_t done = 0;
  steady_clock::time_point t0;
  std::function<void()> next; // one round trip
};

caf::behavior client(caf::stateful_actor<client_state>* self,
                     perf::mq::req_actor sock, perf::args a) {
  auto count = a.count;
  auto size = a.size;
  auto report = [self, sock, count, size] {
    auto elapsed = perf::micros(self->state.t0, steady_clock::now());
    std::printf("message size: %zu [B]\n", size);
    std::printf("roundtrip count: %llu\n",
                static_cast<unsigned long long>(count));
    std::printf("average latency: %.3f [us]\n",
                elapsed / (static_cast<double>(count) * 2));
    std::fflush(stdout);
    self->request(sock, caf::infinite, perf::mq::close_atom::value)
      .then([self](caf::ok_atom) { self->quit(); },
            [](caf::error& err) { perf::fail(err, "close"); });
  };
  self->state.next = [self, sock, count, size, report] {
    self->request(sock, caf::infinite, perf::mq::send_atom::value,
                  perf::make_payload(size))
      .then(
        [self, sock, count, size, report](caf::ok_atom) {
          self->request(sock, caf::infinite, perf::mq::recv_atom::value)
            .then(
              [self, count, size, report](perf::mq::multipart& msg) {
                perf::check_size(msg, size);
                if (++self->state.done == count)
                  report();
                else
                  self->state.next();
              },
              [](caf::error& err) { perf::fail(err, "recv"); });
        },
        [](caf::error& err) { perf::fail(err, "send"); });
  };
  bool post = a.mode == "post";
  if (post)
    self->state.next = [self, sock, size] {
      self->send(sock, perf::mq::post_atom::value, perf::make_payload(size));
    };
  self->request(sock, caf::infinite, perf::mq::connect_atom::value,
                a.endpoint)
    .then(
      [self, sock, post](caf::ok_atom) {
        // REQ lets one reply through per request: the credit need not
        // ration it (returned in batches like any consumer would).
        if (post)
          self->send(sock, perf::mq::deliver_atom::value,
                     caf::actor_cast<caf::actor>(self), uint64_t{1024});
        self->state.t0 = steady_clock::now();
        self->state.next();
      },
      [](caf::error& err) { perf::fail(err, "connect"); });
  return {
    [self, sock, count, size, report](perf::mq::message_atom,
                                      perf::mq::multipart& msg) {
      perf::check_size(msg, size);
      if (++self->state.done == count)
        return report();
      if (self->state.done % 512 == 0)
        self->send(sock, perf::mq::credit_atom::value, uint64_t{512});
      self->state.next();
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "remote_lat <connect-to> <message-size> "
                       "<roundtrip-count>",
                       "post");
  return perf::run(
    a, false,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_req(sys, std::move(opts));
    }, client);
}
