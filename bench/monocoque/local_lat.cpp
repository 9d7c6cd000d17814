// local_lat: the echo half of libzmq's latency test on our REP actor. Binds,
// echoes <roundtrips> requests back (push-style delivery, one credit at a
// time), then closes.
//   local_lat <bind-to> <message-size> <roundtrips> [--mode=M] [--ring]
//   [--curve]
// Modes: `post` (default) replies one way (`post_atom`); `request` replies
// with a `send` request and waits for its `ok` (lat_roles.hpp: `echo`).
#include "lat_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "local_lat <bind-to> <message-size> <roundtrip-count>",
                       "post");
  return perf::run(
    a, true,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_rep(sys, std::move(opts));
    }, perf::echo);
}
