// inproc_thr: libzmq's perf/inproc_thr on our actors. One actor system, a
// PULL socket bound to inproc://thr_test and a PUSH socket connected to it
// (as libzmq's tool); the PUSH's source sends <message-count> messages of
// <message-size> bytes (a fresh payload each), the PULL's sink receives
// them and prints libzmq's lines (timed from the first message received to
// the last).
//   inproc_thr <message-size> <message-count> [--mode=M] [--ring]
//              [CAF options]
// Modes are the source's (thr_roles.hpp): `stream` (default: one-way posts
// of every message the credit allows), `post` (one post per message),
// `batch` (`send` requests of 64), `request` (one `send` request each). The
// sink takes batched delivery (one actor message per hand-over), except
// with `post` and `request`: one actor message per message, as local_thr
// given the same flag. `--ring` spawns both roles on a ring.
#include "thr_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "inproc_thr <message-size> <message-count>", "stream",
                       2);
  if (!perf::source_mode(a.mode)) {
    std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
    return 1;
  }
  auto sink_args = a;
  sink_args.mode = a.mode == "post" || a.mode == "request" ? "each" : "batch";
  return perf::run_inproc(
    "inproc://thr_test", sink_args,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_pull(sys, std::move(opts));
    },
    perf::sink, a,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_push(sys, std::move(opts));
    },
    perf::source);
}
