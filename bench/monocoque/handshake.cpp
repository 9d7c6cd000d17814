// handshake: the client of the handshake-rate test on our REQ actor.
// <handshake-count> times: a new REQ socket connects, does the handshake
// (CURVE with `--curve`, else NULL), one `send` / `recv` round trip of
// <message-size> bytes, and closes; the next socket starts as soon as the
// reply arrived (the close runs alongside, as libzmq's zmq_close does in the
// background). The clock runs from the first connect to the last close
// acknowledged. The server is our local_lat (or zmq_local_lat) with the
// same count; zmq_handshake is the libzmq baseline:
//   local_lat <bind-to> <message-size> <handshake-count> [--curve]
//   handshake <connect-to> <message-size> <handshake-count> [--ring]
//             [--curve]
#include "perf_tool.hpp"

#include <caf/all.hpp>

using namespace std::chrono;

namespace {

struct client_state {
  uint64_t answered = 0; // round trips done
  uint64_t closed = 0;   // sockets closed
  steady_clock::time_point t0;
  std::function<void()> next; // starts one more socket
};

void report(const perf::args& a, double elapsed) {
  if (elapsed <= 0)
    elapsed = 1;
  auto count = static_cast<double>(a.count);
  std::printf("message size: %zu [B]\n", a.size);
  std::printf("handshake count: %llu\n",
              static_cast<unsigned long long>(a.count));
  std::printf("mean handshake rate: %d [handshakes/s]\n",
              static_cast<int>(count * 1e6 / elapsed));
  std::printf("average handshake time: %.3f [us]\n", elapsed / count);
  std::fflush(stdout);
}

caf::behavior client(caf::stateful_actor<client_state>* self, perf::args a) {
  auto opts = perf::socket_options(self->system(), a, false);
  // The close of each socket: the run ends with the last one.
  auto close = [self, a](const perf::mq::req_actor& sock) {
    self->request(sock, caf::infinite, perf::mq::close_atom::value)
      .then(
        [self, a](caf::ok_atom) {
          if (++self->state.closed == a.count) {
            report(a, perf::micros(self->state.t0, steady_clock::now()));
            self->quit();
          }
        },
        [](caf::error& err) { perf::fail(err, "close"); });
  };
  self->state.next = [self, a, opts, close] {
    auto sock = perf::mq::spawn_req(self->system(), opts);
    auto on_reply = [self, a, sock, close](perf::mq::multipart& msg) {
      perf::check_size(msg, a.size);
      close(sock);
      if (++self->state.answered < a.count)
        self->state.next();
    };
    auto on_sent = [self, sock, on_reply](caf::ok_atom) {
      self->request(sock, caf::infinite, perf::mq::recv_atom::value)
        .then(on_reply, [](caf::error& err) { perf::fail(err, "recv"); });
    };
    self->request(sock, caf::infinite, perf::mq::connect_atom::value,
                  a.endpoint)
      .then(
        [self, sock, a, on_sent](caf::ok_atom) {
          self->request(sock, caf::infinite, perf::mq::send_atom::value,
                        perf::make_payload(a.size))
            .then(on_sent, [](caf::error& err) { perf::fail(err, "send"); });
        },
        [](caf::error& err) { perf::fail(err, "connect"); });
  };
  self->state.t0 = steady_clock::now();
  self->state.next();
  return {
    [](perf::mq::status_atom) {}, // unused: everything comes as responses
  };
}

} // namespace

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "handshake <connect-to> <message-size> "
                       "<handshake-count>",
                       "request");
  if (a.mode != "request") {
    std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
    return 1;
  }
  perf::config cfg{a};
  caf::actor_system sys{cfg};
  if (a.ring)
    perf::mq::spawn_on_ring(sys, client, a);
  else
    sys.spawn(client, a);
  sys.await_all_actors_done();
  return 0;
}
