// Our ZMTP 2.0 side (RFC 15) against a real libzmq 4.3.4: a session that
// announces revision 1 (`session_config::revision`, test-only) makes libzmq
// downgrade to 2.0 for it, as it does for libzmq 3.x and JeroMQ 0.3.x peers.
// Checks the greeting byte for byte (libzmq's socket type and identity frame
// instead of its 3.x rest), that the two-step greeting cannot deadlock, and
// traffic both ways for DEALER/ROUTER and PUB/SUB (subscriptions as
// messages). Helpers and facts: libzmq_peer.hpp.

#define CAF_SUITE zmtp_libzmq_zmtp20
#include "libzmq_peer.hpp"

#include <caf/test/dsl.hpp>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

namespace {

session_config v2_config(socket_type type, std::string identity = {}) {
  auto cfg = config(type, std::move(identity));
  cfg.revision = 1;
  return cfg;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_zmtp20_tests, fixture)

CAF_TEST(libzmq_answers_revision_1_with_a_zmtp20_greeting) {
  auto router = make(zmq::socket_type::router, "lz");
  auto port = bind_ephemeral(router);
  raw_peer us{connect_tcp(port), v2_config(socket_type::dealer, "us")};
  CAF_REQUIRE(us.fd() >= 0);
  us.sess().start(now());
  auto& out = us.sess().output();
  CAF_CHECK_EQUAL(hex(pending_bytes(out)), "ff00000000000000007f01");
  // libzmq: signature, and after ours its revision byte (3).
  auto signature = read_exactly(us.fd(), 10);
  CAF_REQUIRE_EQUAL(signature.size(), 10u);
  CAF_REQUIRE(write_prefix(us.fd(), out, 11));
  auto revision = read_exactly(us.fd(), 1);
  CAF_CHECK_EQUAL(hex(revision), "03");
  // Our revision 1 makes it send its socket type (ROUTER = 6), not the 3.x
  // rest; its identity frame waits for our whole 2.0 greeting.
  auto type = read_exactly(us.fd(), 1);
  CAF_CHECK_EQUAL(hex(type), "06");
  CAF_CHECK(stays_silent(us.fd(), 50ms));
  us.sess().feed(span_of(concat({signature, revision, type})), now());
  // We answer with our socket type (DEALER = 5) and identity frame.
  CAF_CHECK_EQUAL(hex(pending_bytes(out)), "0500027573");
  CAF_REQUIRE(write_prefix(us.fd(), out, 5));
  // Then libzmq's identity, a final short frame.
  auto identity = read_exactly(us.fd(), 4);
  CAF_CHECK_EQUAL(hex(identity), "00026c7a");
  us.sess().feed(span_of(identity), now());
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->revision, 1u);
  CAF_CHECK_EQUAL(peer->minor, 0u);
  CAF_CHECK_EQUAL(wire_name(peer->type), "ROUTER");
  CAF_CHECK_EQUAL(peer->identity, "lz");
  CAF_CHECK(peer->properties.empty());
  // libzmq's ROUTER took our identity frame as our routing id.
  CAF_REQUIRE(us.send({"hello", std::string(300, 'L')}));
  auto got = zrecv(router);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{"us", "hello", std::string(300, 'L')}));
  zsend(router, {"us", "back", ""});
  auto reply = us.receive();
  CAF_REQUIRE(reply.has_value());
  CAF_CHECK(*reply == (parts{"back", ""}));
  CAF_CHECK(us.sess().ready());
}

CAF_TEST(no_deadlock_when_libzmq_connects_to_us) {
  // libzmq as the connecting side: each side sends its signature at once;
  // neither waits for the other to send more first.
  for (bool as_v2 : {false, true}) {
    CAF_MESSAGE("we announce revision " << (as_v2 ? 1 : 3));
    uint16_t port = 0;
    fd_guard listener{listen_tcp(port)};
    CAF_REQUIRE(listener.get() >= 0);
    auto dealer = make(zmq::socket_type::dealer, "d");
    dealer.connect("tcp://127.0.0.1:" + std::to_string(port));
    auto fd = accept_tcp(listener.get());
    CAF_REQUIRE(fd >= 0);
    auto cfg = as_v2 ? v2_config(socket_type::router)
                     : config(socket_type::router);
    raw_peer us{fd, cfg};
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(peer->revision, as_v2 ? 1u : 3u);
    CAF_CHECK_EQUAL(peer->identity, "d");
    zsend(dealer, {"ping"});
    auto msg = us.receive();
    CAF_REQUIRE(msg.has_value());
    CAF_CHECK(*msg == (parts{"ping"}));
  }
}

CAF_TEST(pub_sub_with_subscriptions_as_messages_both_ways) {
  { // Our SUB (2.0) subscribes to a libzmq PUB with a \x01abc message.
    auto pub = make(zmq::socket_type::pub);
    auto port = bind_ephemeral(pub);
    raw_peer us{connect_tcp(port), v2_config(socket_type::sub)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    auto before = us.sess().output().size();
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("abc")),
                      local_error::none);
    auto sent = pending_bytes(us.sess().output());
    sent.erase(sent.begin(), sent.begin() + static_cast<long>(before));
    CAF_CHECK_EQUAL(hex(sent), "000401616263");
    CAF_REQUIRE(us.flush());
    auto synced = us.run_until(
      [&] {
        zsend(pub, {"abc-sync"});
        return us.receive(20ms).has_value();
      },
      3000ms);
    CAF_REQUIRE(synced);
    zsend(pub, {"xyz"});
    zsend(pub, {"abc-1", "two"});
    std::optional<parts> got;
    do {
      got = us.receive();
      CAF_REQUIRE(got.has_value());
    } while (*got == parts{"abc-sync"});
    CAF_CHECK(*got == (parts{"abc-1", "two"}));
  }
  { // A libzmq SUB subscribes to our PUB (2.0): a subscription event.
    auto sub = make(zmq::socket_type::sub);
    auto port = bind_ephemeral(sub);
    sub.set(zmq::sockopt::subscribe, "t");
    raw_peer us{connect_tcp(port), v2_config(socket_type::pub)};
    CAF_REQUIRE(us.fd() >= 0);
    us.tick = [&] { nudge(sub); };
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    auto ev = us.subscription();
    CAF_REQUIRE(ev.has_value());
    CAF_CHECK(ev->subscribe);
    CAF_CHECK_EQUAL(ev->topic.to_string(), "t");
    CAF_REQUIRE(us.send({"t-1"}));
    auto got = zrecv(sub);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"t-1"}));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
