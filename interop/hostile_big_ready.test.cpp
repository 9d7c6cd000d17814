// Attack (c): one READY of 64 MiB made of 6-byte properties, streamed. The
// handshake cap (max-handshake-size, 64 KiB) drops the peer on the frame
// header: nothing of the body is buffered, RSS +<= 16 MiB, canary served.

#define CAF_SUITE hostile.big_ready

#include "hostile/fixture.hpp"

using namespace hostile;


CAF_TEST_FIXTURE_SCOPE(hostile_big_ready_tests, fixture)

CAF_TEST(a 64 MiB READY is dropped on its header) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during(
      [e = endpoint] {
        flood_result r;
        auto c = connection::connect_to(e);
        if (!c.valid())
          return r;
        uint64_t body = 6 + 6 * ((64 * mib - 6) / 6);
        r.out = c.write(big_first_frame(body));
        if (r.out == outcome::ok)
          r.out = c.repeat(tiny_property(), body - 6);
        r.closed = r.out == outcome::dropped || c.await_close(5000ms);
        r.sent = c.sent();
        return r;
      },
      tally);
  CAF_MESSAGE("attacker wrote " << res.sent << " bytes, " << to_string(res.out)
                                << ", closed: " << res.closed);
  CAF_CHECK(res.closed);
  // Dropped on the header: only what the kernel buffers got through.
  CAF_CHECK_LESS(res.sent, 8 * mib);
  CAF_CHECK(failures->await("message_too_large", 1));
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("64 MiB READY", 16, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
