// Attack (h): frame headers announcing absurd sizes after a valid handshake:
// 2^63 (top bit set: invalid), 2^63 - 1 and 2^40 (above the default
// max-message-size of 256 MiB). Each peer is dropped on the header with a
// typed error; nothing of the announced size is allocated.

#define CAF_SUITE hostile.huge_header

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

bool announce(const std::string& endpoint, uint64_t size) {
  auto c = connection::connect_to(endpoint);
  if (!c.valid())
    return false;
  auto out = c.write(handshake() + long_header(0x00, size));
  return out == outcome::dropped || c.await_close(5000ms);
}

struct attack_result {
  bool top_bit = false;
  bool max_int = false;
  bool tera = false;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_huge_header_tests, fixture)

CAF_TEST(absurd frame sizes drop the peer on the header) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during(
      [e = endpoint] {
        attack_result r;
        r.top_bit = announce(e, uint64_t{1} << 63);
        r.max_int = announce(e, (uint64_t{1} << 63) - 1);
        r.tera = announce(e, uint64_t{1} << 40);
        return r;
      },
      tally);
  CAF_CHECK(res.top_bit);
  CAF_CHECK(res.max_int);
  CAF_CHECK(res.tera);
  CAF_CHECK(failures->await("invalid_frame_size", 1));
  CAF_CHECK(failures->await("message_too_large", 2));
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("frame headers of 2^63, 2^63-1, 2^40 bytes", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
