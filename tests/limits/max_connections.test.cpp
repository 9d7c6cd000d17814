// max_connections: accepted connections beyond the limit are closed at once
// (no greeting, no actors) and counted in `socket_stats::refused`; a freed
// slot admits the next connection; `monocoque.max-connections` sets the
// default.
#define CAF_SUITE limits_max_connections
#include "interop_fixture.hpp"
#include "limits_helpers.hpp"

using namespace interop;

namespace {

/// Whether our greeting (its 10-byte signature) arrives on `c` in time.
bool greeted(raw_tcp& c) {
  auto sig = c.read(10);
  return sig && (*sig)[0] == '\xFF' && (*sig)[9] == '\x7F';
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(limits_max_connections_tests, fixture)

CAF_TEST(the option reads from the monocoque group) {
  module_config cfg;
  cfg.set("monocoque.max-connections", 7);
  auto opts = mq::options::read(cfg);
  CAF_CHECK_EQUAL(opts.defaults.max_connections, 7u);
  CAF_CHECK_EQUAL(mq::socket_options{}.max_connections, 0u);
}

CAF_TEST(connections beyond the limit are closed at once and counted) {
  watchdog dog{"max_connections", std::chrono::seconds{60}};
  auto opts = defaults();
  opts.max_connections = 3;
  auto d = dealer(opts);
  auto port = port_of(bind(d));
  std::vector<raw_tcp> admitted;
  for (int i = 0; i < 3; ++i) {
    admitted.push_back(raw_tcp::connect(port));
    CAF_REQUIRE(admitted.back().valid());
    CAF_CHECK(greeted(admitted.back()));
  }
  CAF_REQUIRE(await([&] { return stats(d).peers.size() == 3; }));
  // Two more: accepted by the kernel, closed by us before any byte.
  for (int i = 0; i < 2; ++i) {
    auto extra = raw_tcp::connect(port);
    CAF_REQUIRE(extra.valid());
    CAF_CHECK(!extra.read(1)); // not a byte of a greeting
    CAF_CHECK(extra.drain_until_eof() == raw_tcp::eof_result::closed);
  }
  auto st = stats(d);
  CAF_CHECK_EQUAL(st.refused, 2u);
  CAF_CHECK_EQUAL(st.peers.size(), 3u);
  // The admitted ones still work: one completes its handshake.
  CAF_REQUIRE(admitted[0].write(greeting(1, false)
                                + ready({{"Socket-Type", "DEALER"}})
                                + message_frame("hello", false)));
  CAF_CHECK_EQUAL(recv_strs(d), (std::vector<std::string>{"hello"}));
  // A freed slot admits the next connection.
  admitted.pop_back();
  CAF_REQUIRE(await([&] { return stats(d).peers.size() == 2; }));
  auto next = raw_tcp::connect(port);
  CAF_REQUIRE(next.valid());
  CAF_CHECK(greeted(next));
  CAF_CHECK_EQUAL(stats(d).refused, 2u);
  CAF_CHECK(close(d));
}

CAF_TEST(zero means no limit) {
  watchdog dog{"no limit", std::chrono::seconds{60}};
  auto d = dealer(defaults());
  auto port = port_of(bind(d));
  std::vector<raw_tcp> conns;
  for (int i = 0; i < 50; ++i) {
    conns.push_back(raw_tcp::connect(port));
    CAF_REQUIRE(conns.back().valid());
  }
  for (auto& c : conns)
    CAF_CHECK(greeted(c));
  CAF_CHECK_EQUAL(stats(d).refused, 0u);
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
