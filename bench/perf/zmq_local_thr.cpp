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
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  auto recv_one = [&] {
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      perf::die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != args.message_size)
      perf::die("zmq_msg_recv", "message of incorrect size received");
  };
  recv_one();
  perf::stopwatch watch; // from the first message to the last
  for (long i = 1; i != args.count; ++i)
    recv_one();
  double elapsed = watch.elapsed_us();
  zmq_msg_close(&msg);
  perf::print_throughput(args.message_size, args.count, elapsed);
  return 0;
}
