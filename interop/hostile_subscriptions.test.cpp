// Attack (l): a subscription flood against a publisher: a SUB that sends
// a million distinct SUBSCRIBE commands (16-byte prefixes, ~28 MiB). Every
// prefix costs index memory, charged to its subscriber: past
// max-subscription-bytes (8 MiB by default) the subscriber is dropped and
// the hub says so; RSS +<= 16 MiB, the canary (a libzmq SUB) is served. An
// XPUB also hands each new prefix to the application (the fixture's thread
// drains them). Runs against our XPUB unless the environment names PUB
// (MONOCOQUE_HOSTILE_TARGET=pub).

#define CAF_SUITE hostile.subscriptions

#include "hostile/fixture.hpp"

#include <cstdio>

using namespace hostile;

namespace {

constexpr uint64_t n_subscriptions = 1000000;

// A SUBSCRIBE command (RFC 37) for the `n`th distinct 16-byte prefix.
std::string subscribe(uint64_t n) {
  char prefix[17];
  std::snprintf(prefix, sizeof(prefix), "flood-%010llu",
                static_cast<unsigned long long>(n));
  return command("SUBSCRIBE", std::string{prefix, 16});
}

flood_result flood(const std::string& endpoint) {
  flood_result r;
  auto c = connection::connect_to(endpoint);
  if (!c.valid())
    return r;
  r.out = c.write(handshake());
  std::string chunk;
  uint64_t n = 0;
  while (r.out == outcome::ok && n < n_subscriptions) {
    chunk.clear();
    for (size_t i = 0; i < 2048 && n < n_subscriptions; ++i)
      chunk += subscribe(n++);
    r.out = c.write(chunk);
  }
  r.closed = r.out == outcome::dropped || c.await_close(5000ms);
  r.sent = c.sent();
  return r;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_subscriptions_tests, fixture)

CAF_TEST(a subscription flood drops the subscriber) {
  if (target.type != target_type::pub)
    target.type = target_type::xpub;
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during([e = endpoint] { return flood(e); }, tally);
  CAF_MESSAGE("attacker wrote " << res.sent << " bytes, " << to_string(res.out)
                                << ", closed: " << res.closed);
  CAF_CHECK(res.closed);
  // Dropped long before the million: 8 MiB hold ~20 000 short prefixes.
  CAF_CHECK_LESS(res.sent, 28 * n_subscriptions / 2);
  CAF_CHECK_EQUAL(failures->warnings_with("passed max_subscription_bytes"),
                  1u);
  CAF_CHECK(await([&] { return peers() == 1; }, 5s));
  check_bounds("a million subscriptions", 16, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
