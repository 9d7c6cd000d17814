// zmq_inproc_thr: libzmq baseline of the in-process throughput test (as
// libzmq's perf/inproc_thr): one context, a PULL bound to inproc://thr_test
// in the main thread, a PUSH connected from a second thread sending
// <message-count> messages of <message-size> bytes (a fresh zmq_msg each);
// prints the throughput timed from the first message received to the last.
//   zmq_inproc_thr <message-size> <message-count>
#include "zmq_peer.hpp"

#include <thread>

int main(int argc, char** argv) {
  auto args = perf::parse_inproc_args(argc, argv, "zmq_inproc_thr",
                                      "inproc://thr_test", "<message-count>");
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  void* sock = perf::open_socket(ctx, ZMQ_PULL, args.endpoint, true, false);
  std::thread worker{[&] {
    void* push = perf::open_socket(ctx, ZMQ_PUSH, args.endpoint, false,
                                   false);
    for (long i = 0; i != args.count; ++i) {
      zmq_msg_t msg;
      if (zmq_msg_init_size(&msg, args.message_size) != 0)
        perf::die("zmq_msg_init_size", zmq_strerror(errno));
      if (zmq_msg_send(&msg, push, 0) < 0)
        perf::die("zmq_msg_send", zmq_strerror(errno));
    }
    zmq_close(push); // default linger: everything reaches the PULL
  }};
  double elapsed = perf::receive_all(sock, args.message_size, args.count);
  worker.join();
  zmq_close(sock);
  zmq_ctx_term(ctx);
  perf::print_throughput(args.message_size, args.count, elapsed);
  return 0;
}
