// remote_thr: the sending half of libzmq's throughput test on our PUSH actor.
// Connects, sends <message-count> messages of <message-size> bytes (a fresh
// payload each, as libzmq's tool), closes with linger (waits until written).
//   remote_thr <connect-to> <message-size> <message-count> [--mode=M] [--ring]
//   [--curve]
// Modes (the public ways to stream; thr_roles.hpp: `source`): `request`,
// `batch`, `post`, `stream` (the default: the fastest).
#include "thr_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "remote_thr <connect-to> <message-size> "
                       "<message-count>",
                       "stream");
  if (!perf::source_mode(a.mode)) {
    std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
    return 1;
  }
  return perf::run(
    a, false,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_push(sys, std::move(opts));
    }, perf::source);
}
