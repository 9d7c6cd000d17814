// Interop with a real libzmq 4.3.4 peer: the greeting byte for byte, the
// handshake with every socket-type pairing, and captured byte streams
// through our decoder. Helpers and facts: libzmq_peer.hpp.

#define CAF_SUITE zmtp_libzmq_greeting
#include "libzmq_peer.hpp"

#include <caf/test/dsl.hpp>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_greeting_tests, fixture)

// -- (a) the greeting, byte for byte -----------------------------------------

CAF_TEST(greeting_matches_rfc23_and_arrives_in_three_steps) {
  auto dealer = make(zmq::socket_type::dealer, "peer-1");
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::router)};
  CAF_REQUIRE(us.fd() >= 0);
  us.sess().start(now());
  auto& out = us.sess().output();
  // We send signature and revision (11 bytes) first, the rest once we know
  // the peer's revision.
  auto full = our_greeting();
  auto head = bytes(full.begin(), full.begin() + 11);
  CAF_REQUIRE_EQUAL(out.size(), 11u);
  CAF_CHECK_EQUAL(hex(pending_bytes(out)), hex(head));
  // Step 1: libzmq sends its signature and nothing else before ours.
  auto signature = read_exactly(us.fd(), 10);
  CAF_CHECK_EQUAL(hex(signature), hex(captured::dealer_greeting).substr(0, 20));
  CAF_REQUIRE_EQUAL(signature.size(), 10u);
  CAF_CHECK_EQUAL(signature[0], 0xFF);
  CAF_CHECK_EQUAL(signature[9], 0x7F);
  // The "not significant" padding carries the routing-id size + 1.
  CAF_CHECK_EQUAL(signature[8], 7);
  CAF_CHECK(stays_silent(us.fd(), 100ms));
  // Step 2: after our signature, it sends its major version only.
  CAF_REQUIRE(write_prefix(us.fd(), out, 10));
  auto major = read_exactly(us.fd(), 1);
  CAF_CHECK_EQUAL(hex(major), "03");
  CAF_CHECK(stays_silent(us.fd(), 50ms));
  // Step 3: after our major version, the remaining 53 bytes, although we
  // hold our rest back: the two-step greeting cannot deadlock with libzmq.
  CAF_REQUIRE(write_prefix(us.fd(), out, 1));
  CAF_CHECK(out.empty());
  auto rest = read_exactly(us.fd(), 53);
  CAF_REQUIRE_EQUAL(rest.size(), 53u);
  CAF_CHECK_EQUAL(rest[0], 1); // minor version: ZMTP 3.1
  CAF_CHECK_EQUAL(std::string(rest.begin() + 1, rest.begin() + 21),
                  std::string("NULL\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20));
  CAF_CHECK_EQUAL(rest[21], 0); // as-server
  CAF_CHECK(std::all_of(rest.begin() + 22, rest.end(),
                        [](uint8_t x) { return x == 0; })); // filler
  auto theirs = concat({signature, major, rest});
  CAF_CHECK_EQUAL(hex(theirs), hex(captured::dealer_greeting));
  // Our session accepts it as it arrived, in three pieces, and finishes the
  // handshake with the rest of the stream.
  us.sess().feed(span_of(signature), now());
  CAF_CHECK(out.empty());
  us.sess().feed(span_of(major), now());
  // Their revision 3 releases the 3.x rest of ours.
  CAF_CHECK_EQUAL(hex(pending_bytes(out)),
                  hex(bytes(full.begin() + 11, full.end())));
  us.sess().feed(span_of(rest), now());
  CAF_CHECK_EQUAL(us.sess().state(), session_state::handshake);
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(wire_name(peer->type), "DEALER");
  CAF_CHECK_EQUAL(peer->identity, "peer-1");
  // The READY that followed is the captured one.
  CAF_CHECK_EQUAL(hex(us.received()), hex(captured::dealer_ready));
}

CAF_TEST(greeting_without_routing_id_to_a_zmtp30_peer) {
  auto router = make(zmq::socket_type::router);
  auto port = bind_ephemeral(router);
  auto cfg = config(socket_type::dealer, "d");
  cfg.minor_version = 0;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start(); // all 64 bytes at once
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(hex(bytes(us.received().begin(), us.received().begin() + 10)),
                  hex(captured::anonymous_signature));
  // libzmq still announces 3.1; we settle on the lower version.
  CAF_CHECK_EQUAL(us.received()[greeting::minor_offset], 1);
  CAF_CHECK_EQUAL(peer->minor, 0);
  auto frames = frames_after_greeting(us.received());
  CAF_REQUIRE(!frames.empty());
  CAF_CHECK_EQUAL(hex(byte_span{frames[0].body}),
                  hex(captured::router_ready).substr(4));
}

// -- (b) handshakes with every socket-type pairing ----------------------------

CAF_TEST(handshake_with_each_socket_type) {
  struct pairing {
    zmq::socket_type theirs;
    std::string routing_id;
    socket_type ours;
    std::string_view expected_type;
    bool expect_identity;
  };
  std::vector<pairing> pairings{
      {zmq::socket_type::router, "router-1", socket_type::dealer, "ROUTER",
       true},
      {zmq::socket_type::router, "", socket_type::req, "ROUTER", true},
      {zmq::socket_type::dealer, "dealer-1", socket_type::router, "DEALER",
       true},
      {zmq::socket_type::dealer, "dealer-2", socket_type::dealer, "DEALER",
       true},
      {zmq::socket_type::dealer, "dealer-3", socket_type::rep, "DEALER", true},
      {zmq::socket_type::req, "req-1", socket_type::rep, "REQ", true},
      {zmq::socket_type::req, "req-2", socket_type::router, "REQ", true},
      {zmq::socket_type::rep, "rep-1", socket_type::req, "REP", false},
      {zmq::socket_type::rep, "rep-2", socket_type::dealer, "REP", false},
      {zmq::socket_type::pub, "", socket_type::sub, "PUB", false},
      {zmq::socket_type::sub, "", socket_type::pub, "SUB", false},
      {zmq::socket_type::xpub, "", socket_type::xsub, "XPUB", false},
      {zmq::socket_type::xsub, "", socket_type::xpub, "XSUB", false},
      {zmq::socket_type::push, "", socket_type::pull, "PUSH", false},
      {zmq::socket_type::pull, "", socket_type::push, "PULL", false},
      {zmq::socket_type::pair, "", socket_type::pair, "PAIR", false},
  };
  for (const auto& p : pairings) {
    CAF_MESSAGE("libzmq " << p.expected_type << " <-> our "
                          << wire_name(p.ours));
    auto sock = make(p.theirs, p.routing_id);
    auto port = bind_ephemeral(sock);
    raw_peer us{connect_tcp(port), config(p.ours, "us")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), p.expected_type);
    CAF_CHECK_EQUAL(peer->minor, 1);
    CAF_CHECK_EQUAL(peer->identity, p.expect_identity ? p.routing_id : "");
    CAF_CHECK_EQUAL(peer->properties.find("Identity").has_value(),
                    p.expect_identity);
    auto type = peer->properties.find("Socket-Type");
    CAF_REQUIRE(type.has_value());
    CAF_CHECK_EQUAL(std::string{*type}, p.expected_type);
    // libzmq accepted our READY too: it keeps the connection open.
    us.run_for(20ms);
    CAF_CHECK(!us.eof());
    CAF_CHECK(us.sess().ready());
  }
}

// -- (g) captured byte streams through our decoder ----------------------------

CAF_TEST(captured_streams_parse_whole_and_bytewise) {
  auto stream = concat({captured::dealer_greeting, captured::dealer_ready,
                        captured::ping_ttl_2s});
  for (bool bytewise : {false, true}) {
    session sess{config(socket_type::router)};
    sess.start(timestamp{0});
    sess.output().clear(); // drop our greeting
    if (bytewise)
      for (size_t i = 0; i < stream.size(); ++i)
        sess.feed(span_of(stream).subspan(i, 1), timestamp{0});
    else
      sess.feed(span_of(stream), timestamp{0});
    auto ev = sess.poll();
    CAF_REQUIRE(ev.has_value());
    auto* done = std::get_if<events::handshake_done>(&*ev);
    CAF_REQUIRE(done != nullptr);
    CAF_CHECK_EQUAL(wire_name(done->peer.type), "DEALER");
    CAF_CHECK_EQUAL(done->peer.identity, "peer-1");
    CAF_CHECK_EQUAL(done->peer.minor, 1);
    CAF_CHECK(!sess.poll().has_value());
    // Our READY, then a PONG with the (empty) context of the PING.
    auto out = pending_bytes(sess.output());
    auto pong = unhex("0405"
                      "04"
                      "504f4e47");
    CAF_REQUIRE_GREATER_OR_EQUAL(out.size(), pong.size());
    CAF_CHECK_EQUAL(
        hex(bytes(out.end() - static_cast<long>(pong.size()), out.end())),
        hex(pong));
    // The PING's TTL (2 s) now bounds the peer's silence.
    auto deadline = sess.next_deadline();
    CAF_REQUIRE(deadline.has_value());
    CAF_CHECK_EQUAL(*deadline, timestamp{2s});
  }
}

CAF_TEST(captured_subscriptions_parse_for_30_and_31) {
  auto sub_greeting = captured::dealer_greeting;
  sub_greeting[8] = 1; // no routing id
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    auto cfg = config(socket_type::pub);
    cfg.minor_version = minor;
    session sess{cfg};
    sess.start(timestamp{0});
    auto stream =
        minor == 1
            ? concat({sub_greeting, captured::sub_ready,
                      captured::subscribe_abc, captured::cancel_abc})
            : concat({sub_greeting, captured::sub_ready,
                      captured::subscribe_abc_v30, captured::cancel_abc_v30});
    sess.feed(span_of(stream), timestamp{0});
    auto done = sess.poll();
    CAF_REQUIRE(done.has_value());
    CAF_REQUIRE(std::holds_alternative<events::handshake_done>(*done));
    CAF_CHECK_EQUAL(std::get<events::handshake_done>(*done).peer.minor, minor);
    for (bool subscribe : {true, false}) {
      auto ev = sess.poll();
      CAF_REQUIRE(ev.has_value());
      auto* sub = std::get_if<events::subscription>(&*ev);
      CAF_REQUIRE(sub != nullptr);
      CAF_CHECK_EQUAL(sub->subscribe, subscribe);
      CAF_CHECK_EQUAL(sub->topic.to_string(), "abc");
    }
    CAF_CHECK(!sess.poll().has_value());
  }
  // A ROUTER's READY with an empty Identity.
  auto router_greeting = sub_greeting;
  session sess{config(socket_type::dealer)};
  sess.start(timestamp{0});
  sess.feed(span_of(concat({router_greeting, captured::router_ready})),
            timestamp{0});
  auto ev = sess.poll();
  CAF_REQUIRE(ev.has_value());
  auto* done = std::get_if<events::handshake_done>(&*ev);
  CAF_REQUIRE(done != nullptr);
  CAF_CHECK_EQUAL(wire_name(done->peer.type), "ROUTER");
  CAF_CHECK_EQUAL(done->peer.identity, "");
  CAF_CHECK(done->peer.properties.find("Identity").has_value());
}

CAF_TEST_FIXTURE_SCOPE_END()
