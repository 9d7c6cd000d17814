// raw_remote_thr: raw-socket reference sender, connects and writes
// <message-count> length-prefixed frames of <message-size> bytes in 64 KiB
// batched writes over one blocking socket, then closes it.
#include "raw_endpoint.hpp"
#include "raw_frame.hpp"

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "raw_remote_thr", "<connect-to>",
                               "<message-count>");
  constexpr size_t batch_size = 64 * 1024;
  int fd = perf::connect_to(args.endpoint);
  std::vector<char> payload(args.message_size, 0);
  std::vector<char> batch(batch_size);
  size_t used = 0;
  size_t frame_size = perf::frame_header_size + args.message_size;
  for (long i = 0; i != args.count; ++i) {
    if (used + frame_size > batch_size && used > 0) {
      perf::write_all(fd, batch.data(), used);
      used = 0;
    }
    if (frame_size > batch_size) { // too large to batch: header + payload
      char header[perf::frame_header_size];
      perf::put_frame_header(header, args.message_size);
      perf::writev_all(fd, header, sizeof(header), payload.data(),
                       payload.size());
      continue;
    }
    perf::put_frame_header(batch.data() + used, args.message_size);
    if (args.message_size > 0)
      std::memcpy(batch.data() + used + perf::frame_header_size,
                  payload.data(), args.message_size);
    used += frame_size;
  }
  if (used > 0)
    perf::write_all(fd, batch.data(), used);
  close(fd);
  return 0;
}
