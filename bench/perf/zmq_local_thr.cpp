// zmq_local_thr: libzmq baseline receiver, PULL binds and receives
// <message-count> messages of <message-size> bytes; prints the throughput
// measured from the first to the last message (as libzmq's local_thr).
#include "perf_args.hpp"

#include <zmq.h>

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_local_thr", "<bind-to>",
                               "<message-count>");
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  void* sock = zmq_socket(ctx, ZMQ_PULL);
  if (sock == nullptr)
    perf::die("zmq_socket", zmq_strerror(errno));
  if (zmq_bind(sock, args.endpoint) != 0)
    perf::die("zmq_bind", zmq_strerror(errno));
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
  zmq_close(sock);
  zmq_ctx_term(ctx);
  return 0;
}
