// inproc_lat: libzmq's perf/inproc_lat on our actors. One actor system, a
// REQ socket bound to inproc://lat_test and a REP socket connected to it
// (as libzmq's tool); the REQ's client does <roundtrip-count> round trips
// of <message-size> bytes against the REP's echo and prints libzmq's lines
// (average latency = one way, half of the mean round trip, timed over
// every round trip from the first request on).
//   inproc_lat <message-size> <roundtrip-count> [--mode=M] [--ring]
//              [CAF options]
// Modes (lat_roles.hpp, both roles): `post` (default) one-way posts and
// push delivery; `request` `send` / `recv` requests. `--ring` spawns both
// roles on a ring.
#include "lat_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "inproc_lat <message-size> <roundtrip-count>", "post",
                       2);
  return perf::run_inproc(
    "inproc://lat_test", a,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_req(sys, std::move(opts));
    },
    perf::client, a,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_rep(sys, std::move(opts));
    },
    perf::echo);
}
