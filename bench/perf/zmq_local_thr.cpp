// zmq_local_thr: libzmq baseline receiver, PULL binds and receives
// <message-count> messages of <message-size> bytes; prints the throughput
// measured from the first to the last message (as libzmq's local_thr).
// A trailing `--curve`: CURVE, this side the server (zmq_peer.hpp).
#include "zmq_peer.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_local_thr", "<bind-to>",
                               "<message-count>", true);
  perf::zmq_peer peer{ZMQ_PULL, args.endpoint, true, args.curve};
  void* sock = peer.sock();
  double elapsed = perf::receive_all(sock, args.message_size, args.count);
  perf::print_throughput(args.message_size, args.count, elapsed);
  return 0;
}
