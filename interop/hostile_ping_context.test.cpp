// Attack (j): PINGs with an oversized context (RFC 37 allows 16 bytes).
// libzmq's rule: the PONG carries at most the first 16 bytes. A flood of
// PINGs with 1000-byte contexts, PONGs never read, stays bounded: RSS
// +<= 8 MiB, canary served.

#define CAF_SUITE hostile.ping_context

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

struct attack_result {
  std::string pong;
  outcome flood = outcome::ok;
  uint64_t flood_sent = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_ping_context_tests, fixture)

CAF_TEST(oversized PING contexts are truncated and bounded) {
  start(options());
  rss.start();
  canary_tally tally;
  auto context = interop::pattern(200, 9);
  auto res = during(
      [e = endpoint, context] {
        attack_result r;
        {
          auto c = connection::connect_to(e);
          c.write(handshake());
          if (c.read_greeting_and_ready(5000ms)) {
            c.write(ping(context));
            interop::raw_frame frm;
            while (c.read_frame(frm, 5000ms))
              if (frm.command() && frm.body.compare(0, 5, "\x04PONG") == 0) {
                r.pong = frm.body;
                break;
              }
          }
        }
        {
          auto c = connection::connect_to(e);
          c.write(handshake());
          r.flood = c.repeat(ping(std::string(1000, 'c')), 60 * mib);
          r.flood_sent = c.sent();
          std::this_thread::sleep_for(1500ms); // held, still unread
        }
        return r;
      },
      tally);
  CAF_MESSAGE("PONG body: " << res.pong.size() << " bytes");
  CAF_CHECK_EQUAL(res.pong, "\x04PONG" + context.substr(0, 16));
  CAF_MESSAGE("flood: " << res.flood_sent << " bytes, "
                        << to_string(res.flood));
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("PINGs with 1000-byte contexts", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
