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
  zmq_msg_t msg;
  if (zmq_msg_init_size(&msg, args.message_size) != 0)
    perf::die("zmq_msg_init_size", zmq_strerror(errno));
  if (args.message_size > 0)
    std::memset(zmq_msg_data(&msg), 0, args.message_size);
  perf::stopwatch watch;
  for (long i = 0; i != args.count; ++i) {
    if (zmq_msg_send(&msg, sock, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      perf::die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != args.message_size)
      perf::die("zmq_msg_recv", "message of incorrect size received");
  }
  double elapsed = watch.elapsed_us();
  zmq_msg_close(&msg);
  perf::print_latency(args.message_size, args.count, elapsed);
  return 0;
}
