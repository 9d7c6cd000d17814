// zmq_inproc_lat: libzmq baseline of the in-process latency test (as
// libzmq's perf/inproc_lat): one context, a REQ bound to inproc://lat_test
// in the main thread, a REP connected from a second thread echoing
// <roundtrip-count> messages of <message-size> bytes; prints the one-way
// latency = elapsed / (roundtrips * 2), timed over every round trip.
//   zmq_inproc_lat <message-size> <roundtrip-count>
#include "zmq_peer.hpp"

#include <cstring>
#include <thread>

int main(int argc, char** argv) {
  auto args = perf::parse_inproc_args(argc, argv, "zmq_inproc_lat",
                                      "inproc://lat_test",
                                      "<roundtrip-count>");
  void* ctx = zmq_ctx_new();
  if (ctx == nullptr)
    perf::die("zmq_ctx_new", zmq_strerror(errno));
  void* sock = perf::open_socket(ctx, ZMQ_REQ, args.endpoint, true, false);
  std::thread worker{[&] {
    void* rep = perf::open_socket(ctx, ZMQ_REP, args.endpoint, false, false);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (long i = 0; i != args.count; ++i) {
      if (zmq_msg_recv(&msg, rep, 0) < 0)
        perf::die("zmq_msg_recv", zmq_strerror(errno));
      if (zmq_msg_send(&msg, rep, 0) < 0)
        perf::die("zmq_msg_send", zmq_strerror(errno));
    }
    zmq_msg_close(&msg);
    zmq_close(rep);
  }};
  double elapsed = perf::run_roundtrips(sock, args.message_size, args.count);
  worker.join();
  zmq_close(sock);
  zmq_ctx_term(ctx);
  perf::print_latency(args.message_size, args.count, elapsed);
  return 0;
}
