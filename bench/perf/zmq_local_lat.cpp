// zmq_local_lat: libzmq baseline echo side of the latency test, REP binds
// and echoes <roundtrip-count> messages of <message-size> bytes (as libzmq's
// local_lat).
// A trailing `--curve`: CURVE, this side the server (zmq_peer.hpp).
#include "zmq_peer.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_local_lat", "<bind-to>",
                               "<roundtrip-count>", true);
  perf::zmq_peer peer{ZMQ_REP, args.endpoint, true, args.curve};
  void* sock = peer.sock();
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  for (long i = 0; i != args.count; ++i) {
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      perf::die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != args.message_size)
      perf::die("zmq_msg_recv", "message of incorrect size received");
    if (zmq_msg_send(&msg, sock, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
  }
  zmq_msg_close(&msg);
  return 0;
}
