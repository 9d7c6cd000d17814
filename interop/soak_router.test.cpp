// Soak: 100 libzmq DEALER slots connect, talk and disconnect at random
// against one of our ROUTERs (echo), for MONOCOQUE_SOAK_SECONDS (default
// 20 s under CTest; for longer runs call the binary with a larger watchdog,
// e.g. MONOCOQUE_SOAK_SECONDS=600 monocoque-interop -r 900 -s
// '^interop_soak_router$'; MONOCOQUE_SOAK_TRACE=1 prints RSS, actors, fds
// and heap in use as it goes). Half the slots have an Identity and
// reconnect with it (router_handover lets the new connection take the id
// over while the old one's down_msg may still be in flight); the others get
// generated ids. Asserts: every request of a live connection gets its echo,
// no ghost peer remains after everyone left, and RSS stays flat.
#define CAF_SUITE interop_soak_router
#ifndef FAIL
#define FAIL(msg) CAF_FAIL(msg)
#endif

#include "test_rings.hpp"
#include "watchdog.hpp"

#include <caf/all.hpp>
#include <caf/monocoque/all.hpp>
#include <caf/test/unit_test.hpp>
#include <zmq.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <dirent.h>
#include <malloc.h>
#include <unistd.h>
#include <vector>

using namespace caf;
using namespace std::chrono_literals;
namespace mq = caf::monocoque;

namespace {

struct config : mq::config {
  config() {
    load<mq::module>();
    interop::use_test_io_threads(*this); // rings2./rings3. copies
  }
};

/// Resident set size of this process in KiB.
long rss_kib() {
  std::ifstream in{"/proc/self/statm"};
  long pages = 0;
  long resident = 0;
  in >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Echoes every message the router pushes to it, granting credit back.
behavior echo(event_based_actor* self, mq::router_actor router) {
  self->set_default_handler(drop);
  self->set_error_handler([](scheduled_actor*, error&) {});
  self->send(router, mq::deliver_atom::value, actor{self}, uint64_t{256});
  return {
    [=](mq::message_atom, mq::multipart& msg) {
      self->send(router, mq::send_atom::value, std::move(msg));
      self->send(router, mq::credit_atom::value, uint64_t{1});
    },
    [](ok_atom) {},
  };
}

/// Open file descriptors of this process.
size_t count_fds() {
  size_t n = 0;
  if (auto* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr)
      ++n;
    closedir(dir);
  }
  return n;
}

int soak_seconds() {
  if (auto* str = std::getenv("MONOCOQUE_SOAK_SECONDS"))
    return std::max(1, std::atoi(str));
  return 20;
}

struct slot {
  std::optional<zmq::socket_t> sock;
  std::string identity; // empty: the router generates one
  uint64_t generation = 0;
};

} // namespace

CAF_TEST(hundred peers churning against one router) {
  auto seconds = soak_seconds();
  interop::watchdog dog{"soak", std::chrono::seconds{seconds + 60}};
  config cfg;
  actor_system sys{cfg};
  scoped_actor self{sys};
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.router_handover = true;
  auto router = mq::spawn_router(sys, opts);
  std::string ep;
  self->request(router, 10s, mq::bind_atom::value, "tcp://127.0.0.1:*")
    .receive([&](std::string& x) { ep = x; },
             [&](error& err) { CAF_FAIL(sys.render(err)); });
  auto echoer = sys.spawn(echo, router);
  zmq::context_t ctx;
  std::vector<slot> slots(100);
  for (size_t i = 0; i < slots.size(); ++i)
    if (i % 2 == 0)
      slots[i].identity = "peer-" + std::to_string(i);
  std::mt19937 rng{7};
  auto open = [&](slot& s) {
    zmq::socket_t sock{ctx, zmq::socket_type::dealer};
    sock.set(zmq::sockopt::linger, 0);
    sock.set(zmq::sockopt::rcvtimeo, 5000);
    sock.set(zmq::sockopt::sndtimeo, 5000);
    if (!s.identity.empty())
      sock.set(zmq::sockopt::routing_id, s.identity);
    sock.connect(ep);
    s.sock.emplace(std::move(sock));
    ++s.generation;
  };
  uint64_t requests = 0;
  uint64_t lost = 0;
  uint64_t connects = 0;
  uint64_t disconnects = 0;
  long rss_warm = 0;
  long rss_peak = 0;
  // The soak runs for `seconds` and for at least `min_requests` requests:
  // a slow (loaded) machine runs longer instead of failing a rate, up to
  // `hard_deadline` (then the check below fails: the router is stuck).
  constexpr uint64_t min_requests = 1000;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds{seconds};
  auto hard_deadline = deadline + std::chrono::seconds{30};
  auto warm_at = start + std::chrono::seconds{seconds} / 4;
  for (;;) {
    auto t = std::chrono::steady_clock::now();
    if (t >= hard_deadline || (t >= deadline && requests >= min_requests))
      break;
    auto& s = slots[rng() % slots.size()];
    if (!s.sock) {
      open(s);
      ++connects;
      continue;
    }
    if (rng() % 4 == 0) {
      s.sock.reset(); // disconnect at once (linger 0)
      ++disconnects;
      continue;
    }
    // One request on this live connection: it must come back.
    auto body = "req-" + std::to_string(requests++);
    s.sock->send(zmq::buffer(body), zmq::send_flags::none);
    zmq::message_t reply;
    auto got = s.sock->recv(reply);
    if (!got || reply.to_string() != body)
      ++lost;
    auto now = std::chrono::steady_clock::now();
    if (rss_warm == 0 && now >= warm_at)
      rss_warm = rss_kib();
    if (rss_warm != 0)
      rss_peak = std::max(rss_peak, rss_kib());
    if (std::getenv("MONOCOQUE_SOAK_TRACE") && requests % 2000 == 0)
      std::printf("soak trace: %llu requests, %llu connects, RSS %ld KiB, "
                  "%zu actors, %zu fds, heap in use %zu KiB\n",
                  static_cast<unsigned long long>(requests),
                  static_cast<unsigned long long>(connects), rss_kib(),
                  sys.registry().running(), count_fds(),
                  static_cast<size_t>(mallinfo2().uordblks) / 1024);
  }
  for (auto& s : slots)
    s.sock.reset();
  // No ghost: every incarnation leaves the table once its connection went.
  size_t left = SIZE_MAX;
  for (int i = 0; i < 200 && left != 0; ++i) {
    self->request(router, 10s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& st) { left = st.peers.size(); },
               [&](error& err) { CAF_FAIL(sys.render(err)); });
    if (left != 0)
      std::this_thread::sleep_for(50ms);
  }
  auto rss_end = rss_kib();
  CAF_MESSAGE("soak " << seconds << " s: " << requests << " requests, "
                      << connects << " connects, " << disconnects
                      << " disconnects, " << lost << " lost; RSS after warm-up "
                      << rss_warm << " KiB, peak " << rss_peak
                      << " KiB, end " << rss_end << " KiB");
  std::printf("soak: %d s, %llu requests, %llu connects, %llu disconnects, "
              "%llu lost, RSS warm %ld KiB peak %ld KiB end %ld KiB\n",
              seconds, static_cast<unsigned long long>(requests),
              static_cast<unsigned long long>(connects),
              static_cast<unsigned long long>(disconnects),
              static_cast<unsigned long long>(lost), rss_warm, rss_peak,
              rss_end);
  CAF_CHECK_GREATER_OR_EQUAL(requests, min_requests);
  CAF_CHECK_EQUAL(lost, 0u);
  CAF_CHECK_EQUAL(left, 0u);
#ifdef __SANITIZE_ADDRESS__
  // ASan keeps freed memory in quarantine (up to 256 MiB): RSS says nothing.
  CAF_MESSAGE("RSS bound not checked under AddressSanitizer");
#else
  CAF_CHECK_LESS(rss_peak - rss_warm, 16 * 1024); // flat: < 16 MiB growth
#endif
  anon_send_exit(echoer, exit_reason::user_shutdown);
  self->request(router, 10s, mq::close_atom::value)
    .receive([](ok_atom) {}, [&](error& err) { CAF_FAIL(sys.render(err)); });
}
