// fanout_args.hpp: the command line and the output of the fan-out tools
// (zmq_fanout on libzmq, fanout on our actors), which must stay comparable:
//   TOOL <bind-to> <message-size> <message-count> <subscribers> [--hwm=N]
//        [--quiet-ms=N] [--io-threads=N] [tool options]
// One process: a PUB binds <bind-to>, <subscribers> SUBs connect and
// subscribe to everything, the PUB publishes sync messages (two frames)
// until every SUB saw one, then <message-count> one-frame messages of
// <message-size> bytes as fast as it can. SNDHWM and RCVHWM are both
// --hwm (default: the message count plus 100000, so that nothing can be
// dropped: libzmq counts the sync messages against the HWM until the
// reader's acknowledgement, which comes every HWM / 2 reads); a
// run ends when every SUB got every message, or --quiet-ms (default 5000)
// after the last delivery once publishing is done (the rest is reported as
// dropped). The quiet time is long because deliveries may start late: our
// 100-SUB runs (one ring thread for the PUB, the SUBs and their 200
// connection actors) saw the first delivery more than 1 s after the last
// post. Throughput = messages delivered over all SUBs per second, from
// the first publish to the last delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fanout {

/// The longest pause between two sync messages: both tools send them every
/// 1 ms at first and double the pause up to this.
constexpr std::chrono::milliseconds max_sync_pause{64};

struct args {
  std::string endpoint;
  size_t size = 0;
  uint64_t count = 0;
  size_t subscribers = 0;
  uint64_t hwm = 0;
  uint64_t quiet_ms = 5000;
  uint64_t io_threads = 1;
  std::vector<std::string> rest; // other --options, for the tool itself
};

inline bool parse_u64(const std::string& str, uint64_t& out) {
  if (str.empty() || str.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::strtoull(str.c_str(), nullptr, 10);
  return true;
}

/// Parses the command line; prints the usage line and exits 1 on bad input.
inline args parse(int argc, char** argv, const char* tool) {
  args res;
  std::vector<std::string> positional;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--hwm=", 0) == 0)
      ok = ok && parse_u64(arg.substr(6), res.hwm);
    else if (arg.rfind("--quiet-ms=", 0) == 0)
      ok = ok && parse_u64(arg.substr(11), res.quiet_ms);
    else if (arg.rfind("--io-threads=", 0) == 0)
      ok = ok && parse_u64(arg.substr(13), res.io_threads)
           && res.io_threads >= 1 && res.io_threads <= 64;
    else if (arg.rfind("--", 0) == 0)
      res.rest.push_back(arg);
    else
      positional.push_back(arg);
  }
  uint64_t size = 0;
  uint64_t subs = 0;
  if (!ok || positional.size() != 4 || !parse_u64(positional[1], size)
      || !parse_u64(positional[2], res.count) || !parse_u64(positional[3], subs)
      || res.count == 0 || subs == 0) {
    std::fprintf(stderr,
                 "usage: %s <bind-to> <message-size> <message-count> "
                 "<subscribers> [--hwm=N] [--quiet-ms=N] [--io-threads=N]\n",
                 tool);
    std::exit(1);
  }
  res.endpoint = positional[0];
  res.size = static_cast<size_t>(size);
  res.subscribers = static_cast<size_t>(subs);
  if (res.hwm == 0)
    res.hwm = res.count + 100000;
  return res;
}

/// Prints the result lines (the same for both tools).
inline void print(const args& a, uint64_t delivered, double elapsed_us) {
  if (elapsed_us < 1.0)
    elapsed_us = 1.0;
  auto expected = a.count * a.subscribers;
  double thr = static_cast<double>(delivered) * 1e6 / elapsed_us;
  std::printf("message size: %zu [B]\n", a.size);
  std::printf("message count: %llu\n",
              static_cast<unsigned long long>(a.count));
  std::printf("subscribers: %zu\n", a.subscribers);
  std::printf("hwm: %llu\n", static_cast<unsigned long long>(a.hwm));
  std::printf("io threads: %llu\n",
              static_cast<unsigned long long>(a.io_threads));
  std::printf("delivered: %llu\n", static_cast<unsigned long long>(delivered));
  std::printf("dropped: %llu\n",
              static_cast<unsigned long long>(expected - delivered));
  std::printf("mean throughput: %d [msg/s]\n", static_cast<int>(thr));
  std::printf("mean throughput: %.3f [Mb/s]\n",
              thr * static_cast<double>(a.size) * 8 / 1e6);
  std::fflush(stdout);
}

} // namespace fanout
