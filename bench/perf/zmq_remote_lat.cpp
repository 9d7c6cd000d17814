// zmq_remote_lat: libzmq baseline client of the latency test, REQ connects,
// does <roundtrip-count> round trips of <message-size> bytes and prints the
// one-way latency = elapsed / (roundtrips * 2) (as libzmq's remote_lat).
// A trailing `--curve`: CURVE, this side the client (zmq_peer.hpp).
#include "zmq_peer.hpp"

#include <cstring>

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_remote_lat", "<connect-to>",
                               "<roundtrip-count>", true);
  perf::zmq_peer peer{ZMQ_REQ, args.endpoint, false, args.curve};
  void* sock = peer.sock();
  double elapsed = perf::run_roundtrips(sock, args.message_size, args.count);
  perf::print_latency(args.message_size, args.count, elapsed);
  return 0;
}
