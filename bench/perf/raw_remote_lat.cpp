// raw_remote_lat: raw-socket reference client of the latency test, connects
// and does <roundtrip-count> blocking ping-pongs of one length-prefixed frame
// of <message-size> bytes; prints remote_lat's output (one-way latency).
#include "raw_endpoint.hpp"
#include "raw_frame.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "raw_remote_lat", "<connect-to>",
                               "<roundtrip-count>");
  int fd = perf::connect_to(args.endpoint);
  auto frame = perf::make_frame(args.message_size);
  perf::stopwatch watch;
  for (long i = 0; i != args.count; ++i) {
    perf::write_all(fd, frame.data(), frame.size());
    perf::read_all(fd, frame.data(), frame.size());
    if (perf::get_frame_header(frame.data()) != args.message_size)
      perf::die("read", "message of incorrect size received");
  }
  double elapsed = watch.elapsed_us();
  perf::print_latency(args.message_size, args.count, elapsed);
  close(fd);
  return 0;
}
