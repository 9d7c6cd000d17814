// Attack (b): 60 MiB of PING commands after a valid handshake; the
// attacker never reads the PONGs. At most one PONG may be pending per
// connection (later PINGs refresh it, as libzmq does) and a connection stops
// reading while its unwritten output exceeds a bound: RSS +<= 8 MiB.

#define CAF_SUITE hostile.pings

#include "hostile/fixture.hpp"

using namespace hostile;


CAF_TEST_FIXTURE_SCOPE(hostile_pings_tests, fixture)

CAF_TEST(unread PONGs do not pile up) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during(
      [p = port] {
        flood_result r;
        auto c = connection::open(p);
        if (!c.valid())
          return r;
        r.out = c.write(handshake());
        if (r.out == outcome::ok)
          r.out = c.repeat(ping(), 60 * mib);
        // Hold the connection (still not reading) while the target digests
        // what the kernel buffered.
        std::this_thread::sleep_for(1500ms);
        r.sent = c.sent();
        return r;
      },
      tally);
  CAF_MESSAGE("attacker wrote " << res.sent << " bytes of PINGs, "
                                << to_string(res.out));
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("60 MiB of PINGs, PONGs unread", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
