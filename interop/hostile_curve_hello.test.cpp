// Attack: 10 000 garbage HELLOs at a CURVE server (a valid CURVE greeting,
// then a HELLO of the wrong size, with a garbage or all-zero box, a wrong
// version or name, sent as a data frame, or no HELLO at all): every
// connection is dropped with a typed failure, RSS stays bounded and the
// CURVE canary is served throughout.

#define CAF_SUITE hostile.curve_hello

#include "hostile/curve_fixture.hpp"

using namespace hostile;

namespace {

constexpr size_t n_hellos = 10000;
constexpr size_t n_threads = 2;

/// Sends garbage HELLOs number `first`, `first + step`, ... below `n`;
/// returns how many connections the target closed.
size_t garbage_hellos(uint16_t port, size_t first, size_t step, size_t n) {
  size_t closed = 0;
  auto greeting = curve_greeting();
  for (size_t i = first; i < n; i += step) {
    auto c = connection::open(port, 2000ms);
    if (!c.valid())
      continue;
    auto out = c.write(greeting + garbage_hello(i));
    if (out == outcome::dropped || c.await_close(5000ms))
      ++closed;
  }
  return closed;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_curve_hello_tests, curve_fixture)

CAF_TEST(ten thousand garbage HELLOs are dropped) {
  start_curve();
  rss.start();
  canary_tally tally;
  auto t0 = clock_type::now();
  auto closed = during(
      [p = port] {
        std::vector<std::future<size_t>> parts;
        for (size_t t = 0; t < n_threads; ++t)
          parts.push_back(std::async(std::launch::async, garbage_hellos, p, t,
                                     n_threads, n_hellos));
        size_t total = 0;
        for (auto& f : parts)
          total += f.get();
        return total;
      },
      tally);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                clock_type::now() - t0)
                .count();
  CAF_MESSAGE(n_hellos << " garbage HELLOs in " << ms << " ms, " << closed
                       << " connections closed by the target");
  CAF_CHECK_EQUAL(closed, n_hellos);
  CAF_CHECK(failures->await("cryptographic", 1));
  CAF_CHECK(await([&] { return failures->total() >= n_hellos; }, 10s));
  log_failure_codes();
  CAF_MESSAGE("failures (first lines):\n" << failures->lines());
  CAF_CHECK(await([&] { return peers() == 1; }, 10s));
  check_bounds("10000 garbage HELLOs", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
