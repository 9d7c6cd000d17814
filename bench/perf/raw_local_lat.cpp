// raw_local_lat: raw-socket reference echo side of the latency test,
// accepts one peer and echoes <roundtrip-count> length-prefixed frames of
// <message-size> bytes (one blocking read and one write per frame).
#include "raw_endpoint.hpp"
#include "raw_frame.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "raw_local_lat", "<bind-to>",
                               "<roundtrip-count>");
  int fd = perf::accept_one(args.endpoint);
  auto frame = perf::make_frame(args.message_size);
  for (long i = 0; i != args.count; ++i) {
    perf::read_all(fd, frame.data(), frame.size());
    if (perf::get_frame_header(frame.data()) != args.message_size)
      perf::die("read", "message of incorrect size received");
    perf::write_all(fd, frame.data(), frame.size());
  }
  close(fd);
  return 0;
}
