// local_thr: the receiving half of libzmq's throughput test on our PULL
// actor. Binds, receives <message-count> messages of <message-size> bytes
// through push-style delivery with a credit window, and prints libzmq's
// lines (timed from the first message to the last).
//   local_thr <bind-to> <message-size> <message-count> [--mode=M] [--ring]
//   [--curve]
// Modes: `each` delivers one actor message per ZeroMQ message; `batch`
// (the default) one actor message per connection read (thr_roles.hpp:
// `sink`).
#include "thr_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "local_thr <bind-to> <message-size> <message-count>",
                       "batch");
  return perf::run(
    a, true,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_pull(sys, std::move(opts));
    }, perf::sink);
}
