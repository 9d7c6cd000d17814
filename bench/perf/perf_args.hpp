// perf_args.hpp: shared argument parsing, stopwatch and result printing of
// the zmq_* and raw_* perf tools (same interface and output as libzmq's
// perf/local_thr, remote_thr, local_lat, remote_lat; the zmq_* tools also
// take a trailing `--curve`).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace perf {

struct args {
  const char* endpoint = nullptr;
  size_t message_size = 0;
  long count = 0; // message count or roundtrip count
  bool curve = false; // `--curve`: CURVE with the keys of curve_keys.hpp
};

// Parses a non-negative decimal integer; returns false on junk or overflow.
inline bool parse_number(const char* str, long& out) {
  if (str == nullptr || *str == '\0')
    return false;
  char* end = nullptr;
  errno = 0;
  long val = std::strtol(str, &end, 10);
  if (errno != 0 || *end != '\0' || val < 0)
    return false;
  out = val;
  return true;
}

// Parses `<endpoint> <message-size> <count>` (plus an optional trailing
// `--curve` if `curve_ok`); on bad arguments prints `usage: <tool>
// <endpoint_name> <message-size> <count_name>` to stderr and exits with 1,
// like libzmq's tools.
inline args parse_args(int argc, char** argv, const char* tool,
                       const char* endpoint_name, const char* count_name,
                       bool curve_ok = false) {
  args result;
  long size = 0;
  if (curve_ok && argc == 5 && std::string{argv[4]} == "--curve") {
    result.curve = true;
    --argc;
  }
  if (argc != 4 || !parse_number(argv[2], size)
      || !parse_number(argv[3], result.count) || result.count < 1) {
    std::fprintf(stderr, "usage: %s %s <message-size> %s%s\n", tool,
                 endpoint_name, count_name, curve_ok ? " [--curve]" : "");
    std::exit(1);
  }
  result.endpoint = argv[1];
  result.message_size = static_cast<size_t>(size);
  return result;
}

// Parses libzmq's inproc tools' `<message-size> <count>`; on bad arguments
// prints `usage: <tool> <message-size> <count_name>` to stderr and exits
// with 1 (libzmq's inproc_lat / inproc_thr print the same line).
inline args parse_inproc_args(int argc, char** argv, const char* tool,
                              const char* endpoint, const char* count_name) {
  args result;
  long size = 0;
  if (argc != 3 || !parse_number(argv[1], size)
      || !parse_number(argv[2], result.count) || result.count < 1) {
    std::fprintf(stderr, "usage: %s <message-size> %s\n", tool, count_name);
    std::exit(1);
  }
  result.endpoint = endpoint;
  result.message_size = static_cast<size_t>(size);
  return result;
}

// Wall-clock stopwatch in microseconds (libzmq's zmq_stopwatch resolution).
class stopwatch {
public:
  stopwatch() : start_(std::chrono::steady_clock::now()) {
  }

  double elapsed_us() const {
    using namespace std::chrono;
    auto ns = duration_cast<nanoseconds>(steady_clock::now() - start_).count();
    return static_cast<double>(ns) / 1000.0;
  }

private:
  std::chrono::steady_clock::time_point start_;
};

// Prints local_thr's four result lines.
inline void print_throughput(size_t message_size, long count,
                             double elapsed_us) {
  if (elapsed_us < 1.0)
    elapsed_us = 1.0;
  double throughput = static_cast<double>(count) / elapsed_us * 1000000.0;
  double megabits = throughput * static_cast<double>(message_size) * 8
                    / 1000000.0;
  std::printf("message size: %d [B]\n", static_cast<int>(message_size));
  std::printf("message count: %d\n", static_cast<int>(count));
  std::printf("mean throughput: %d [msg/s]\n", static_cast<int>(throughput));
  std::printf("mean throughput: %.3f [Mb/s]\n", megabits);
}

// Prints remote_lat's three result lines (one-way latency).
inline void print_latency(size_t message_size, long roundtrips,
                          double elapsed_us) {
  double latency = elapsed_us / (static_cast<double>(roundtrips) * 2);
  std::printf("message size: %d [B]\n", static_cast<int>(message_size));
  std::printf("roundtrip count: %d\n", static_cast<int>(roundtrips));
  std::printf("average latency: %.3f [us]\n", latency);
}

// Prints the handshake tools' four result lines: connections per second,
// each with its handshake, one round trip and the close.
inline void print_handshakes(size_t message_size, long count,
                             double elapsed_us) {
  if (elapsed_us < 1.0)
    elapsed_us = 1.0;
  double rate = static_cast<double>(count) / elapsed_us * 1000000.0;
  std::printf("message size: %d [B]\n", static_cast<int>(message_size));
  std::printf("handshake count: %d\n", static_cast<int>(count));
  std::printf("mean handshake rate: %d [handshakes/s]\n",
              static_cast<int>(rate));
  std::printf("average handshake time: %.3f [us]\n",
              elapsed_us / static_cast<double>(count));
}

// Prints `<what>: <reason>` to stderr and exits with 1.
[[noreturn]] inline void die(const char* what, const std::string& reason) {
  std::fprintf(stderr, "error in %s: %s\n", what, reason.c_str());
  std::exit(1);
}

} // namespace perf
