// zmq_remote_thr: libzmq baseline sender, PUSH connects and sends
// <message-count> messages of <message-size> bytes, then closes with the
// default (infinite) linger so that everything gets sent (as libzmq's
// remote_thr).
#include "perf_args.hpp"

#include <zmq.h>

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_remote_thr", "<connect-to>",
                               "<message-count>");
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  void* sock = zmq_socket(ctx, ZMQ_PUSH);
  if (sock == nullptr)
    perf::die("zmq_socket", zmq_strerror(errno));
  if (zmq_connect(sock, args.endpoint) != 0)
    perf::die("zmq_connect", zmq_strerror(errno));
  for (long i = 0; i != args.count; ++i) {
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, args.message_size) != 0)
      perf::die("zmq_msg_init_size", zmq_strerror(errno));
    if (zmq_msg_send(&msg, sock, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
  }
  zmq_close(sock);
  zmq_ctx_term(ctx);
  return 0;
}
