// Attack (f): garbage right after a valid greeting, and right after a valid
// greeting plus READY: the peer is dropped with a typed error, nothing is
// buffered, the canary is served.

#define CAF_SUITE hostile.garbage

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

struct attack_result {
  bool after_greeting_closed = false;
  bool after_ready_closed = false;
};

bool garbage_after(const std::string& endpoint, const std::string& prefix) {
  auto c = connection::connect_to(endpoint);
  if (!c.valid())
    return false;
  auto out = c.write(prefix);
  if (out == outcome::ok)
    out = c.write(garbage(64 * 1024));
  return out == outcome::dropped || c.await_close(5000ms);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_garbage_tests, fixture)

CAF_TEST(garbage after the greeting drops the peer) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during(
      [e = endpoint] {
        attack_result r;
        r.after_greeting_closed = garbage_after(e, greeting());
        r.after_ready_closed = garbage_after(e, handshake());
        return r;
      },
      tally);
  CAF_CHECK(res.after_greeting_closed);
  CAF_CHECK(res.after_ready_closed);
  // Both start with reserved flag bits set (0xF0).
  CAF_CHECK(failures->await("reserved_flags", 2));
  CAF_MESSAGE("failures:\n" << failures->lines());
  CAF_CHECK(await([&] { return peers() == 1; }, 5s));
  check_bounds("garbage after the greeting", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
