// Attack: 1000 CURVE clients that send a valid HELLO, get their WELCOME
// (the server made a cookie for each) and stop there, held open at once.
// They stay out of the socket (no peer is up but the canary), cost little
// each (RSS bounded), the CURVE canary is served meanwhile, and the
// handshake timeout drops them all.

#define CAF_SUITE hostile.curve_stalled

#include "hostile/curve_fixture.hpp"

using namespace hostile;

namespace {

constexpr size_t n_stalled = 1000;

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_curve_stalled_tests, curve_fixture)

CAF_TEST(a thousand clients stalled after HELLO stay cheap and time out) {
  raise_fd_limit(2 * n_stalled + 256);
  auto opts = curve_options();
  opts.handshake_timeout = std::chrono::seconds{6};
  start_curve(opts);
  rss.start();
  auto t0 = clock_type::now();
  std::vector<connection> conns;
  conns.reserve(n_stalled);
  size_t welcomed = 0;
  for (size_t i = 0; i < n_stalled; ++i) {
    curve_peer peer{port, client_config()};
    if (!peer.valid())
      break;
    if (peer.to_initiate(2000ms))
      ++welcomed; // the INITIATE is never sent
    conns.push_back(std::move(peer.conn()));
  }
  auto setup_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      clock_type::now() - t0)
                      .count();
  CAF_MESSAGE(welcomed << " of " << n_stalled << " clients got a WELCOME in "
                       << setup_ms << " ms");
  CAF_CHECK_EQUAL(welcomed, n_stalled);
  CAF_CHECK(await([&] { return peers() >= n_stalled + 1; }, 5s));
  // Nobody but the canary takes part in the socket.
  CAF_CHECK_EQUAL(status(router), 1u);
  auto tally = probe_canary(5);
  CAF_MESSAGE("per stalled connection: "
              << static_cast<double>(rss.peak_growth()) / n_stalled
              << " KiB");
  check_bounds("1000 clients stalled after HELLO", 16, tally);
  // The handshake timeout (6 s) drops them.
  CAF_CHECK(await(
      [&] {
        size_t closed = 0;
        for (auto& c : conns)
          closed += c.closed_now() ? 1 : 0;
        return closed == conns.size();
      },
      15s));
  CAF_CHECK(await([&] { return peers() == 1; }, 5s));
  CAF_CHECK(failures->await("handshake_timeout", n_stalled, 5000ms));
  log_failure_codes();
  CAF_CHECK(canary_answers());
}

CAF_TEST_FIXTURE_SCOPE_END()
