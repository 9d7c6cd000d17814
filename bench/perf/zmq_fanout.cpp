// zmq_fanout: the libzmq baseline of the fan-out benchmark (see
// fanout_args.hpp): one libzmq PUB and <subscribers> libzmq SUBs in one
// process and one context (--io-threads I/O threads, default one, as our
// tool's --io-threads rings). The
// main thread publishes; one receiver thread polls every SUB (2 vCPUs:
// a thread per SUB would measure the scheduler).
#include "fanout_args.hpp"
#include "perf_args.hpp"

#include <zmq.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <thread>

namespace {

using clock_type = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           clock_type::now().time_since_epoch())
    .count();
}

void check(int rc, const char* what) {
  if (rc != 0)
    perf::die(what, zmq_strerror(errno));
}

} // namespace

int main(int argc, char** argv) {
  auto a = fanout::parse(argc, argv, "zmq_fanout");
  if (!a.rest.empty())
    perf::die("zmq_fanout", "unknown option " + a.rest.front());
  int hwm = a.hwm > INT_MAX ? INT_MAX : static_cast<int>(a.hwm);
  int linger = 0;
  void* ctx = zmq_ctx_new();
  check(zmq_ctx_set(ctx, ZMQ_IO_THREADS, static_cast<int>(a.io_threads)),
        "ZMQ_IO_THREADS");
  void* pub = zmq_socket(ctx, ZMQ_PUB);
  check(zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof(hwm)), "ZMQ_SNDHWM");
  check(zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof(linger)), "linger");
  check(zmq_bind(pub, a.endpoint.c_str()), "zmq_bind");
  std::vector<void*> subs;
  for (size_t i = 0; i < a.subscribers; ++i) {
    void* s = zmq_socket(ctx, ZMQ_SUB);
    check(zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm)), "ZMQ_RCVHWM");
    check(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)), "linger");
    check(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
    check(zmq_connect(s, a.endpoint.c_str()), "zmq_connect");
    subs.push_back(s);
  }
  std::atomic<bool> synced{false};
  std::atomic<bool> published{false};
  std::atomic<int64_t> last_ns{0};
  std::atomic<uint64_t> delivered{0};
  std::thread receiver([&] {
    auto n = subs.size();
    std::vector<zmq_pollitem_t> items(n);
    for (size_t i = 0; i < n; ++i)
      items[i] = {subs[i], 0, ZMQ_POLLIN, 0};
    std::vector<bool> seen(n, false);
    size_t nseen = 0;
    uint64_t total = 0;
    uint64_t expected = a.count * n;
    auto quiet = static_cast<int64_t>(a.quiet_ms) * 1000000;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    while (total < expected) {
      int rc = zmq_poll(items.data(), static_cast<int>(n), 100);
      if (rc < 0) {
        if (errno == EINTR)
          continue;
        perf::die("zmq_poll", zmq_strerror(errno));
      }
      bool progress = false;
      for (size_t i = 0; i < n; ++i) {
        if ((items[i].revents & ZMQ_POLLIN) == 0)
          continue;
        while (zmq_msg_recv(&msg, subs[i], ZMQ_DONTWAIT) >= 0) {
          if (zmq_msg_more(&msg)) { // a sync message: take its 2nd frame
            if (zmq_msg_recv(&msg, subs[i], 0) < 0)
              perf::die("zmq_msg_recv", zmq_strerror(errno));
            if (!seen[i]) {
              seen[i] = true;
              if (++nseen == n)
                synced = true;
            }
            continue;
          }
          if (zmq_msg_size(&msg) != a.size)
            perf::die("zmq_msg_recv", "message of incorrect size received");
          ++total;
          progress = true;
        }
      }
      auto t = now_ns();
      if (progress)
        last_ns = t;
      else if (published && t - last_ns > quiet)
        break;
    }
    zmq_msg_close(&msg);
    delivered = total;
  });
  // Sync messages every 1 ms, backing off to every 64 ms: each goes to every
  // SUB connected so far, so a fixed 1 ms period floods 1000 SUBs with
  // thousands of them while the rest connect.
  for (auto pause = std::chrono::milliseconds{1}; !synced;
       pause = std::min(pause * 2, fanout::max_sync_pause)) {
    zmq_send(pub, "S", 1, ZMQ_SNDMORE);
    zmq_send(pub, "", 0, 0);
    std::this_thread::sleep_for(pause);
  }
  auto t0 = now_ns();
  last_ns = t0;
  for (uint64_t i = 0; i < a.count; ++i) {
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, a.size) != 0)
      perf::die("zmq_msg_init_size", zmq_strerror(errno));
    if (zmq_msg_send(&msg, pub, 0) < 0)
      perf::die("zmq_msg_send", zmq_strerror(errno));
  }
  published = true;
  receiver.join();
  fanout::print(a, delivered, static_cast<double>(last_ns - t0) / 1000.0);
  for (auto* s : subs)
    zmq_close(s);
  zmq_close(pub);
  zmq_ctx_term(ctx);
  return 0;
}
