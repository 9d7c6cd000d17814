// remote_lat: the timing half of libzmq's latency test on our REQ actor.
// Connects, does <roundtrips> request/reply round trips of <message-size>
// bytes and prints libzmq's lines (average latency = one way, half of the
// mean round trip).
//   remote_lat <connect-to> <message-size> <roundtrips> [--mode=M] [--ring]
//   [--curve]
// Modes: `post` (default) posts each request one way and gets the reply by
// push delivery; `request` uses a `send` request, then a `recv` request
// (lat_roles.hpp: `client`).
#include "lat_roles.hpp"

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "remote_lat <connect-to> <message-size> "
                       "<roundtrip-count>",
                       "post");
  return perf::run(
    a, false,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_req(sys, std::move(opts));
    }, perf::client);
}
