// zmq_remote_lat: libzmq baseline client of the latency test, REQ connects,
// does <roundtrip-count> round trips of <message-size> bytes and prints the
// one-way latency = elapsed / (roundtrips * 2) (as libzmq's remote_lat).
#include "perf_args.hpp"

#include <cstring>

#include <zmq.h>

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "zmq_remote_lat", "<connect-to>",
                               "<roundtrip-count>");
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  void* sock = zmq_socket(ctx, ZMQ_REQ);
  if (sock == nullptr)
    perf::die("zmq_socket", zmq_strerror(errno));
  if (zmq_connect(sock, args.endpoint) != 0)
    perf::die("zmq_connect", zmq_strerror(errno));
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
  zmq_close(sock);
  zmq_ctx_term(ctx);
  return 0;
}
