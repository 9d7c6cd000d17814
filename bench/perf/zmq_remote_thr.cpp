// zmq_remote_thr: libzmq baseline sender, PUSH connects and sends
// <message-count> messages of <message-size> bytes, then closes with the
// default (infinite) linger so that everything gets sent (as libzmq's
// remote_thr).
// A trailing `--curve`: CURVE, this side the client (zmq_peer.hpp).
#include "zmq_peer.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_remote_thr", "<connect-to>",
                               "<message-count>", true);
  perf::zmq_peer peer{ZMQ_PUSH, args.endpoint, false, args.curve};
  void* sock = peer.sock();
  for (long i = 0; i != args.count; ++i) {
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, args.message_size) != 0)
      perf::die("zmq_msg_init_size", zmq_strerror(errno));
    if (zmq_msg_send(&msg, sock, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
  }
  return 0;
}
