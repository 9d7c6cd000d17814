// Attack: INITIATEs with huge metadata at a CURVE server, each after a real
// HELLO/WELCOME exchange (an INITIATE is only parsed with a valid cookie):
// a header announcing 64 MiB (dropped on the header), a valid INITIATE
// whose metadata exceeds the handshake budget, and a corrupted one within
// it. RSS stays bounded and the CURVE canary is served throughout. Then
// the CVE-2019-13132 regression: INITIATEs with metadata beyond 256 bytes
// (300 B, 4 KiB, 48 KiB) and a 255-byte Identity work.

#define CAF_SUITE hostile.curve_initiate

#include "hostile/curve_fixture.hpp"

using namespace hostile;

namespace {

constexpr size_t n_each = 200;

/// How the hostile INITIATEs fared.
struct initiate_result {
  size_t welcomed = 0;
  size_t closed = 0;
  uint64_t max_sent = 0; // most bytes one 64 MiB INITIATE got out
};

/// A client config whose INITIATE carries `meta` bytes of metadata.
zmtp::session_config with_metadata(zmtp::session_config cfg, size_t meta) {
  static_cast<void>(cfg.properties.set("X-Big", std::string(meta, 'm')));
  return cfg;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_curve_initiate_tests, curve_fixture)

CAF_TEST(huge INITIATEs are dropped and cost nothing) {
  start_curve();
  rss.start();
  canary_tally tally;
  auto base = client_config();
  auto t0 = clock_type::now();
  auto res = during(
      [p = port, base] {
        initiate_result r;
        for (size_t i = 0; i < 3 * n_each; ++i) {
          auto kind = i % 3;
          auto cfg = base;
          if (kind == 1)
            cfg = with_metadata(base, 70 * 1024); // over the 64 KiB budget
          if (kind == 2)
            cfg = with_metadata(base, 48 * 1024); // within it
          curve_peer peer{p, cfg};
          auto initiate = peer.valid() ? peer.to_initiate(2000ms)
                                       : std::nullopt;
          if (!initiate)
            continue;
          ++r.welcomed;
          auto& c = peer.conn();
          outcome out = outcome::ok;
          if (kind == 0) {
            // A header announcing 64 MiB, then filler until dropped.
            out = c.write(long_header(0x04, 64 * mib) + "\x08INITIATE");
            if (out == outcome::ok)
              out = c.repeat(tiny_property(), 64 * mib);
            r.max_sent = std::max(r.max_sent, c.sent());
          } else {
            if (kind == 2) // corrupt the box: the cookie checks, it fails
              (*initiate)[initiate->size() / 2] ^= 0x5A;
            out = c.write(*initiate);
          }
          if (out == outcome::dropped || c.await_close(5000ms))
            ++r.closed;
        }
        return r;
      },
      tally);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                clock_type::now() - t0)
                .count();
  CAF_MESSAGE(3 * n_each << " hostile INITIATEs in " << ms << " ms: "
                         << res.welcomed << " got a WELCOME, " << res.closed
                         << " dropped; a 64 MiB one got " << res.max_sent
                         << " bytes out");
  CAF_CHECK_EQUAL(res.welcomed, 3 * n_each);
  CAF_CHECK_EQUAL(res.closed, 3 * n_each);
  // Dropped on the header: only what the kernel buffers got through.
  CAF_CHECK_LESS(res.max_sent, 8 * mib);
  CAF_CHECK(failures->await("message_too_large", 2 * n_each));
  CAF_CHECK(failures->await("cryptographic", n_each));
  log_failure_codes();
  CAF_CHECK(await([&] { return peers() == 1; }, 5s));
  CAF_CHECK_EQUAL(status(router), 1u);
  check_bounds("600 hostile INITIATEs", 16, tally);
}

CAF_TEST(big legal metadata and a 255-byte Identity work) {
  start_curve();
  std::string long_id(255, 'i');
  long_id[0] = 'L';
  struct trial {
    size_t meta;
    std::string identity;
  };
  std::vector<trial> trials{{300, ""},
                            {4096, ""},
                            {48 * 1024, ""},
                            {0, long_id},
                            {300, long_id}};
  for (auto& t : trials) {
    auto cfg = with_metadata(client_config(t.identity), t.meta);
    curve_peer peer{port, cfg};
    CAF_REQUIRE(peer.valid());
    if (!peer.handshake(3000ms))
      CAF_FAIL("handshake failed: " << peer.why() << " / state "
                                    << zmtp::to_string(peer.sess().state()));
    auto text = "hello-" + std::to_string(t.meta) + "-"
                + std::to_string(t.identity.size());
    CAF_CHECK(peer.send({text}));
    auto echo = peer.recv(3000ms);
    CAF_CHECK(echo.has_value());
    if (echo)
      CAF_CHECK_EQUAL(*echo, std::vector<std::string>{text});
    if (!t.identity.empty()) {
      bool found = false;
      for (auto& p : stats(router).peers)
        found = found || (p.up && p.routing_id == t.identity);
      CAF_CHECK(found);
    }
    CAF_MESSAGE("metadata " << t.meta << " B, identity "
                            << t.identity.size() << " B: served");
  }
  CAF_CHECK(canary_answers());
}

CAF_TEST_FIXTURE_SCOPE_END()
