// Attack (g): 2000 connections that close at once (every second one after
// half a greeting). Nothing leaks, the listener keeps accepting, the canary
// is served.

#define CAF_SUITE hostile.connect_flood

#include "hostile/fixture.hpp"

using namespace hostile;

CAF_TEST_FIXTURE_SCOPE(hostile_connect_flood_tests, fixture)

CAF_TEST(a connect and close flood leaves nothing behind) {
  start(options());
  rss.start();
  canary_tally tally;
  auto connected = during(
      [e = endpoint] { return connect_close_flood(e, 2000); }, tally);
  CAF_CHECK_EQUAL(connected, 2000u);
  CAF_CHECK(await([&] { return peers() == 1; }, 20s));
  CAF_MESSAGE("our socket knows " << peers() << " connection(s) afterwards");
  // A fresh peer still gets a greeting and a READY.
  auto c = connection::connect_to(endpoint);
  CAF_REQUIRE(c.valid());
  CAF_CHECK(c.write(handshake()) == outcome::ok);
  CAF_CHECK(c.read_greeting_and_ready(5000ms));
  check_bounds("2000 connect-and-close", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
