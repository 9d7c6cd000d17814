// local_thr: the receiving half of libzmq's throughput test on our PULL
// actor. Binds, receives <message-count> messages of <message-size> bytes
// through push-style delivery with a credit window, and prints libzmq's
// lines (timed from the first message to the last).
//   local_thr <bind-to> <message-size> <message-count> [--mode=M] [--ring]
//   [--curve]
// Modes: `each` delivers one actor message per ZeroMQ message; `batch`
// (the default) one actor message per connection read.
#include "perf_tool.hpp"

#include <caf/all.hpp>

using namespace std::chrono;

namespace {

using perf::mq::message_atom;

constexpr uint64_t window = 8192;

struct sink_state {
  uint64_t got = 0;
  uint64_t uncredited = 0;
  steady_clock::time_point t0;
};

caf::behavior sink(caf::stateful_actor<sink_state>* self,
                   perf::mq::pull_actor sock, perf::args a) {
  auto count = a.count;
  auto size = a.size;
  bool batched = a.mode == "batch";
  auto on_msg = [self, sock, count, size](perf::mq::multipart& msg) {
    auto& st = self->state;
    perf::check_size(msg, size);
    if (st.got++ == 0)
      st.t0 = steady_clock::now();
    if (st.got == count) {
      auto elapsed = perf::micros(st.t0, steady_clock::now());
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
      self->send(sock, perf::mq::close_atom::value);
      self->quit();
      return;
    }
    if (++st.uncredited >= window / 2) {
      self->send(sock, perf::mq::credit_atom::value, st.uncredited);
      st.uncredited = 0;
    }
  };
  self->request(sock, caf::infinite, perf::mq::bind_atom::value, a.endpoint)
    .then([self, sock, batched](const std::string&) {
      if (batched)
        self->send(sock, perf::mq::deliver_atom::value,
                   perf::mq::batch_atom::value,
                   caf::actor_cast<caf::actor>(self), window);
      else
        self->send(sock, perf::mq::deliver_atom::value,
                   caf::actor_cast<caf::actor>(self), window);
    },
    [](caf::error& err) { perf::fail(err, "bind"); });
  return {
    [on_msg](message_atom, perf::mq::multipart& msg) { on_msg(msg); },
    [on_msg](message_atom, std::vector<perf::mq::multipart>& msgs) {
      for (auto& msg : msgs)
        on_msg(msg);
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "local_thr <bind-to> <message-size> <message-count>",
                       "batch");
  return perf::run(
    a, true,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_pull(sys, std::move(opts));
    }, sink);
}
