// Attack (e): slowloris greetings, one byte per second, against a short
// handshake timeout (2 s): every connection is dropped with
// handshake_timeout long before its greeting could complete, the canary is
// served meanwhile.

#define CAF_SUITE hostile.slowloris

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

constexpr size_t n_slow = 20;

// Milliseconds until the target closed each connection (-1: never, within
// 12 s).
std::vector<int64_t> drip(const std::string& endpoint) {
  std::vector<connection> conns;
  for (size_t i = 0; i < n_slow; ++i)
    conns.push_back(connection::connect_to(endpoint));
  std::vector<int64_t> closed_at(n_slow, -1);
  auto g = greeting();
  auto t0 = clock_type::now();
  size_t open = n_slow;
  for (size_t step = 0; step < 120 && open > 0; ++step) { // 100 ms steps
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  clock_type::now() - t0)
                  .count();
    for (size_t i = 0; i < n_slow; ++i) {
      if (closed_at[i] >= 0)
        continue;
      bool gone = !conns[i].valid() || conns[i].closed_now();
      auto byte = step / 10;
      if (!gone && step % 10 == 0 && byte < g.size())
        gone = conns[i].write(&g[byte], 1) == outcome::dropped;
      if (gone) {
        closed_at[i] = ms;
        --open;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  return closed_at;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_slowloris_tests, fixture)

CAF_TEST(slow greetings hit the handshake timeout) {
  auto opts = options();
  opts.handshake_timeout = std::chrono::seconds{2};
  start(opts);
  rss.start();
  canary_tally tally;
  auto closed_at = during([e = endpoint] { return drip(e); }, tally);
  int64_t last = 0;
  size_t never = 0;
  for (auto ms : closed_at) {
    never += ms < 0 ? 1 : 0;
    last = std::max(last, ms);
  }
  CAF_MESSAGE(n_slow << " slowloris connections: last closed after " << last
                     << " ms, " << never << " never closed");
  // Every connection closed while its handshake was still unfinished (one
  // byte a second: a ZMTP 3 greeting takes 64 s, a ZMTP 2.0 one 12 s and
  // still lacks its identity frame; the watch ends after 12 s), each for the
  // handshake timeout: the typed failure, one per connection.
  CAF_CHECK_EQUAL(never, 0u);
  CAF_CHECK(failures->await("handshake_timeout", n_slow));
  CAF_CHECK_EQUAL(failures->count("handshake_timeout"), n_slow);
  // The time is the behaviour here (a 2 s timeout), so one bound, wide: no
  // connection went before half the timeout (a close that early would come
  // from something else than the timer). No upper bound beyond the 12 s
  // watch: a loaded machine may fire the timer late.
  int64_t first = last;
  for (auto ms : closed_at)
    if (ms >= 0)
      first = std::min(first, ms);
  CAF_CHECK_GREATER_OR_EQUAL(first, 1000);
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("slowloris greetings", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
