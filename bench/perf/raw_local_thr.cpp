// raw_local_thr: raw-socket reference receiver, accepts one peer, reads the
// length-prefixed stream into a 256 KiB buffer and parses <message-count>
// frames of <message-size> bytes; prints local_thr's output (timed from the
// first complete frame to the last).
#include "raw_endpoint.hpp"
#include "raw_frame.hpp"

#include <algorithm>

namespace {

// Incremental frame parser: counts complete frames, checks their sizes.
class frame_counter {
public:
  explicit frame_counter(size_t expected) : expected_(expected) {
  }

  // Consumes [p, end); calls on_frame() per complete frame; returns false
  // once on_frame() returned false (enough frames).
  template <class F>
  bool consume(const char* p, const char* end, F&& on_frame) {
    while (p < end) {
      if (in_payload_) {
        size_t take = std::min(payload_left_, static_cast<size_t>(end - p));
        p += take;
        payload_left_ -= take;
      } else if (have_ == 0 && end - p >= 4) {
        start_payload(perf::get_frame_header(p));
        p += perf::frame_header_size;
      } else {
        header_[have_++] = *p++;
        if (have_ < perf::frame_header_size)
          continue;
        have_ = 0;
        start_payload(perf::get_frame_header(header_));
      }
      if (in_payload_ && payload_left_ == 0) {
        in_payload_ = false;
        if (!on_frame())
          return false;
      }
    }
    return true;
  }

private:
  void start_payload(size_t len) {
    if (len != expected_)
      perf::die("read", "message of incorrect size received");
    in_payload_ = true;
    payload_left_ = len;
  }

  size_t expected_;
  bool in_payload_ = false;
  size_t payload_left_ = 0;
  char header_[perf::frame_header_size] = {};
  size_t have_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  auto args = perf::parse_args(argc, argv, "raw_local_thr", "<bind-to>",
                               "<message-count>");
  int fd = perf::accept_one(args.endpoint);
  std::vector<char> buf(256 * 1024);
  frame_counter parser{args.message_size};
  long received = 0;
  perf::stopwatch watch;
  auto on_frame = [&] {
    if (++received == 1)
      watch = perf::stopwatch{}; // from the first message to the last
    return received != args.count;
  };
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      perf::die("read", perf::errno_str());
    if (n == 0)
      perf::die("read", "connection closed before the last message");
    if (!parser.consume(buf.data(), buf.data() + n, on_frame))
      break;
  }
  double elapsed = watch.elapsed_us();
  perf::print_throughput(args.message_size, args.count, elapsed);
  close(fd);
  return 0;
}
