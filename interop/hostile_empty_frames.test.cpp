// Attack (a): 20 MiB of empty frames with MORE set (`01 00` ...) after a
// valid greeting and READY, max-message-size 1 MiB. Every frame costs us a
// header and bookkeeping, so it must count toward the limit: the peer is
// dropped with message_too_large long before 20 MiB, RSS +<= 16 MiB.

#define CAF_SUITE hostile.empty_frames

#include "hostile/fixture.hpp"

using namespace hostile;


CAF_TEST_FIXTURE_SCOPE(hostile_empty_frames_tests, fixture)

CAF_TEST(empty MORE frames count toward the maximum message size) {
  auto opts = options();
  opts.max_message_size = mib;
  start(opts);
  rss.start();
  canary_tally tally;
  auto res = during(
      [e = endpoint] {
        flood_result r;
        auto c = connection::connect_to(e);
        if (!c.valid())
          return r;
        r.out = c.write(handshake());
        if (r.out == outcome::ok)
          r.out = c.repeat(std::string{"\x01\x00", 2}, 20 * mib);
        r.closed = r.out == outcome::dropped || c.await_close(5000ms);
        r.sent = c.sent();
        return r;
      },
      tally);
  CAF_MESSAGE("attacker wrote " << res.sent << " bytes, " << to_string(res.out)
                                << ", closed: " << res.closed);
  CAF_CHECK(res.closed);
  CAF_CHECK(failures->await("message_too_large", 1));
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("20 MiB of empty MORE frames", 16, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
