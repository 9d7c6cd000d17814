// RFC 37: a peer's PING carries a TTL, and the receiver closes the
// connection when nothing arrives from that peer within it. Our socket has
// no heartbeats of its own here (heartbeat_ivl 0), so only the peer's TTL
// can make it drop a peer that fell silent.
// - a libzmq DEALER with ZMQ_HEARTBEAT_TTL behind a relay that freezes (a
//   silent partition: no FIN, no RST), and the same without a TTL;
// - a hand-written peer that completes the handshake, sends one PING with a
//   TTL and falls silent.
#define CAF_SUITE interop_heartbeat_ttl
#include "interop_fixture.hpp"
#include "tcp_relay.hpp"

using namespace interop;

namespace {

// The PING command body with a TTL of `ds` deciseconds and no context.
std::string ping_body(uint16_t ds) {
  std::string body = "\x04PING";
  body += static_cast<char>(ds >> 8);
  body += static_cast<char>(ds & 0xFF);
  return body;
}

struct ttl_fixture : fixture {
  // A libzmq DEALER that PINGs every 100 ms announcing `ttl_ms`, and never
  // gives up on us itself within a test (60 s timeout).
  zmq::socket_t heartbeating_dealer(int ttl_ms) {
    auto z = zsock(ctx, zmq::socket_type::dealer);
    z.set(zmq::sockopt::routing_id, "z");
    z.set(zmq::sockopt::heartbeat_ivl, 100);
    z.set(zmq::sockopt::heartbeat_ttl, ttl_ms);
    z.set(zmq::sockopt::heartbeat_timeout, 60000);
    return z;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(heartbeat_ttl_tests, ttl_fixture)

CAF_TEST(a silent libzmq peer is dropped after the TTL it announced) {
  auto r = router_socket(); // heartbeat_ivl 0: no PINGs of ours
  auto ep = bind(r);
  tcp_relay relay{port_of(ep)};
  CAF_REQUIRE(relay.valid());
  auto z = heartbeating_dealer(1000);
  z.connect(relay.endpoint());
  CAF_REQUIRE(zsend(z, {"hello"}));
  CAF_CHECK_EQUAL(recv_strs(r), (std::vector<std::string>{"z", "hello"}));
  CAF_REQUIRE(await_status(r, 1));
  // libzmq's PINGs carry the TTL: 1000 ms = 10 deciseconds.
  CAF_REQUIRE(await([&] { return relay.saw(ping_body(10)); }));
  relay.freeze();
  auto t0 = std::chrono::steady_clock::now();
  CAF_CHECK(await_status(r, 0, std::chrono::seconds{10}));
  CAF_MESSAGE("dropped "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - t0)
                   .count()
              << " ms after the freeze (TTL 1000 ms)");
  CAF_CHECK(stats(r).peers.empty());
}

CAF_TEST(without a TTL the silent libzmq peer stays) {
  // The control: the same partition, PINGs with TTL 0. Nothing on our side
  // may drop it (no heartbeats of ours, no TTL of the peer's).
  auto r = router_socket();
  auto ep = bind(r);
  tcp_relay relay{port_of(ep)};
  CAF_REQUIRE(relay.valid());
  auto z = heartbeating_dealer(0);
  z.connect(relay.endpoint());
  CAF_REQUIRE(zsend(z, {"hello"}));
  CAF_CHECK_EQUAL(recv_strs(r), (std::vector<std::string>{"z", "hello"}));
  CAF_REQUIRE(await([&] { return relay.saw(ping_body(0)); }));
  relay.freeze();
  std::this_thread::sleep_for(2500ms);
  CAF_CHECK_EQUAL(status(r), 1u);
}

CAF_TEST(one PING with a TTL then silence closes the connection) {
  auto r = router_socket();
  auto ep = bind(r);
  auto peer = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(peer.valid());
  CAF_REQUIRE(peer.write(greeting(1, false)
                         + ready({{"Socket-Type", "DEALER"},
                                  {"Identity", "raw"}})
                         + encode(0x04, ping_body(3)))); // TTL 300 ms
  CAF_REQUIRE(await_status(r, 1));
  // We PONG, then hang up once the TTL passed without traffic. (Each read
  // is bounded by `interop::timeout`.)
  CAF_CHECK(peer.drain_until_eof() == raw_tcp::eof_result::closed);
  CAF_CHECK(await_status(r, 0));
}

CAF_TEST_FIXTURE_SCOPE_END()
