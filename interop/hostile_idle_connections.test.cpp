// Attack (d): 1000 connections that never send a greeting, held open.
// Idle connections must be cheap (no receive buffer while nothing arrives,
// <= 4 KiB each): RSS +<= 8 MiB for all of them, canary served meanwhile.

#define CAF_SUITE hostile.idle_connections

#include "hostile/fixture.hpp"

#include <sys/resource.h>

using namespace hostile;

namespace {

// Both ends of every connection live in this process: make room for them.
void raise_fd_limit(rlim_t need) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= need)
    return;
  lim.rlim_cur = std::min(need, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

constexpr size_t n_idle = 1000;

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_idle_connections_tests, fixture)

CAF_TEST(a thousand idle connections stay cheap) {
  raise_fd_limit(2 * n_idle + 256);
  start(options());
  rss.start();
  auto conns = open_idle(endpoint, n_idle);
  CAF_REQUIRE_EQUAL(conns.size(), n_idle);
  CAF_CHECK(await([&] { return peers() >= n_idle + 1; }, 20s));
  CAF_MESSAGE("our socket knows " << peers() << " connections");
  std::this_thread::sleep_for(500ms);
  auto tally = probe_canary(5);
  CAF_MESSAGE("per idle connection: "
              << static_cast<double>(rss.peak_growth()) / n_idle << " KiB");
  size_t closed = 0;
  for (auto& c : conns)
    closed += c.closed_now() ? 1 : 0;
  CAF_CHECK_EQUAL(closed, 0u); // held: the handshake timeout is 30 s
  check_bounds("1000 idle connections", 8, tally);
  conns.clear();
  CAF_CHECK(await([&] { return peers() == 1; }, 20s));
}

CAF_TEST_FIXTURE_SCOPE_END()
