// zmq_handshake: libzmq baseline of the handshake-rate test. <count> times:
// a new REQ socket connects, does the handshake (CURVE with `--curve`, else
// NULL), one request/reply round trip of <message-size> bytes, and closes;
// the next socket starts right after the close call (libzmq closes in the
// background). The clock runs from the first connect until the context is
// terminated (every socket closed). The server is zmq_local_lat (or our
// local_lat) with the same count:
//   zmq_local_lat <bind-to> <message-size> <handshake-count> [--curve]
//   zmq_handshake <connect-to> <message-size> <handshake-count> [--curve]
#include "zmq_peer.hpp"

#include <cstring>

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_handshake", "<connect-to>",
                               "<handshake-count>", true);
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  perf::stopwatch watch;
  for (long i = 0; i != args.count; ++i) {
    void* sock = perf::open_socket(ctx, ZMQ_REQ, args.endpoint, false,
                                   args.curve);
    if (zmq_msg_init_size(&msg, args.message_size) != 0)
      perf::die("zmq_msg_init_size", zmq_strerror(errno));
    if (args.message_size > 0)
      std::memset(zmq_msg_data(&msg), 0, args.message_size);
    if (zmq_msg_send(&msg, sock, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      perf::die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != args.message_size)
      perf::die("zmq_msg_recv", "message of incorrect size received");
    zmq_close(sock);
  }
  zmq_msg_close(&msg);
  zmq_ctx_term(ctx);
  perf::print_handshakes(args.message_size, args.count, watch.elapsed_us());
  return 0;
}
