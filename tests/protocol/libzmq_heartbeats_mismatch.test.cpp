// Interop with a real libzmq 4.3.4 peer: heartbeats both ways, socket-type
// and mechanism mismatches, long routing ids and the message size limit.
// Helpers and facts: libzmq_peer.hpp.

#define CAF_SUITE zmtp_libzmq_heartbeats_mismatch
#include "libzmq_peer.hpp"

#include <caf/test/dsl.hpp>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_heartbeats_mismatch_tests, fixture)

// -- (e) heartbeats -----------------------------------------------------------

CAF_TEST(libzmq_pings_get_answered_and_connection_stays) {
  auto make_heartbeating = [&] {
    auto dealer = make(zmq::socket_type::dealer, "hb");
    // A timeout far above the interval: the PONGs of a test thread that a
    // loaded machine starves for a while still come in time.
    dealer.set(zmq::sockopt::heartbeat_ivl, 100);
    dealer.set(zmq::sockopt::heartbeat_timeout, 1000);
    dealer.set(zmq::sockopt::heartbeat_ttl, 2000);
    return dealer;
  };
  auto dealer = make_heartbeating();
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::router)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  // 22 PINGs (no count in a time window: the wait is bounded, 20 s). The
  // connection must outlive them: they span 21 intervals (2.1 s), more
  // than twice libzmq's heartbeat timeout (1 s), which drops a peer that
  // does not answer (the control below), so only our PONGs keep it. The
  // times are the behaviour here, with that margin.
  auto pings = [&] { return count(command_names(us.received()), "PING"); };
  CAF_CHECK(us.run_until([&] { return pings() >= 22u; }, 20000ms));
  auto names = command_names(us.received());
  CAF_MESSAGE("commands from libzmq: " << names.size());
  CAF_CHECK_GREATER_OR_EQUAL(count(names, "PING"), 22u);
  CAF_CHECK(!us.eof());
  CAF_CHECK(us.sess().ready());
  // Its PINGs are byte for byte the captured one (TTL 2 s, no context).
  auto frames = frames_after_greeting(us.received());
  auto ping = std::find_if(frames.begin(), frames.end(),
                           [](const wire_frame& f) { return f.command; });
  ping = std::find_if(ping + 1, frames.end(),
                      [](const wire_frame& f) { return f.command; });
  CAF_REQUIRE(ping != frames.end());
  CAF_CHECK_EQUAL(hex(byte_span{ping->body}),
                  hex(captured::ping_ttl_2s).substr(4));
  // The connection still carries messages both ways.
  CAF_REQUIRE(us.send({"still-here"})); // no routing: one connection
  auto got = zrecv(dealer);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{"still-here"}));
  zsend(dealer, {"me-too"});
  auto back = us.receive();
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(*back == (parts{"me-too"}));
  // Control: a peer that never answers gets dropped after the timeout, so the
  // connection above survived because of our PONGs.
  auto strict = make_heartbeating();
  auto strict_port = bind_ephemeral(strict);
  raw_peer silent{connect_tcp(strict_port), config(socket_type::router)};
  CAF_REQUIRE(silent.fd() >= 0);
  silent.start();
  CAF_REQUIRE(silent.handshake().has_value());
  silent.mute = true;
  // Bounded wait, 10 times libzmq's heartbeat timeout.
  CAF_CHECK(silent.run_until([&] { return silent.eof(); }, 10000ms));
}

CAF_TEST(libzmq_answers_our_pings) {
  auto dealer = make(zmq::socket_type::dealer, "quiet");
  auto port = bind_ephemeral(dealer);
  auto cfg = config(socket_type::dealer);
  cfg.heartbeat.interval = 50ms;
  // Timeout and TTL far above the interval: a test thread starved by a
  // loaded machine does not end the connection (what is tested is that
  // libzmq answers).
  cfg.heartbeat.timeout = 2s;
  cfg.heartbeat.ttl = 5s;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  // Five PONGs, however long they take (bounded, 10 s): each answers one of
  // our PINGs (50 ms apart).
  auto pongs = [&] { return count(command_names(us.received()), "PONG"); };
  CAF_CHECK(us.run_until([&] { return pongs() >= 5u; }, 10000ms));
  CAF_CHECK_GREATER_OR_EQUAL(count(command_names(us.received()), "PONG"), 5u);
  CAF_CHECK(us.sess().ready());
  CAF_CHECK(!us.eof());
}

// -- (f) socket-type mismatch -------------------------------------------------

CAF_TEST(socket_type_mismatch_pub_vs_dealer) {
  auto dealer = make(zmq::socket_type::dealer, "d");
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::pub)};
  CAF_REQUIRE(us.fd() >= 0);
  // Our greeting goes out in two steps; its rest and our READY would leave
  // together, and libzmq, reading both at once, may drop us before its own
  // READY is out. Hold our READY back until libzmq has sent its READY.
  us.sess().start(now());
  auto& out = us.sess().output();
  CAF_REQUIRE(write_prefix(us.fd(), out, 11));
  auto theirs = read_exactly(us.fd(), greeting::size);
  CAF_REQUIRE_EQUAL(theirs.size(), greeting::size);
  us.sess().feed(span_of(theirs), now());
  CAF_REQUIRE(write_prefix(us.fd(), out, greeting::size - 11));
  // libzmq's READY (a short command frame) arrives before it sees ours.
  auto head = read_exactly(us.fd(), 2);
  CAF_REQUIRE_EQUAL(head.size(), 2u);
  auto body = read_exactly(us.fd(), head[1]);
  auto ready = concat({head, body});
  us.sess().feed(span_of(ready), now());
  us.turn(); // collects the session's events, writes our READY and ERROR
  CAF_CHECK(!us.handshake().has_value());
  auto failed = us.take<events::failed>();
  CAF_REQUIRE(failed.has_value());
  CAF_CHECK_EQUAL(std::string{to_string(failed->reason.code)},
                  "socket_type_mismatch");
  CAF_MESSAGE("our reason: " << failed->reason.detail);
  CAF_CHECK_EQUAL(us.sess().error().code, peer_error::socket_type_mismatch);
  // libzmq finds the mismatch too and silently drops the connection: it
  // sends its READY (before it has seen ours) but no ERROR command.
  us.run_until([&] { return us.eof(); });
  CAF_CHECK(us.eof());
  auto frames = frames_after_greeting(concat({theirs, ready, us.received()}));
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_CHECK(frames[0].command);
  auto cmd = parse_command(byte_span{frames[0].body});
  CAF_REQUIRE(cmd.has_value());
  CAF_CHECK_EQUAL(cmd->name, "READY");
}

CAF_TEST(our_null_session_refuses_a_libzmq_plain_server) {
  auto dealer = make(zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::plain_server, 1);
  auto port = bind_ephemeral(dealer);
  { // Our greeting goes out in two steps, so libzmq never reads our
    // mechanism before it has sent its whole greeting: we see PLAIN and
    // refuse it with mechanism_mismatch.
    raw_peer us{connect_tcp(port), config(socket_type::dealer)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_CHECK(us.run_until([&] { return us.failed(); }));
    CAF_CHECK_GREATER_OR_EQUAL(us.received().size(), greeting::size);
    CAF_CHECK_EQUAL(us.sess().error().code, peer_error::mechanism_mismatch);
    CAF_CHECK(!us.sess().ready());
  }
  { // Our greeting up to the major version: libzmq sends all of its own, so
    // our session sees PLAIN and refuses it.
    raw_peer us{connect_tcp(port), config(socket_type::dealer)};
    CAF_REQUIRE(us.fd() >= 0);
    us.sess().start(now());
    CAF_REQUIRE(write_prefix(us.fd(), us.sess().output(), 11));
    auto theirs = read_exactly(us.fd(), greeting::size);
    CAF_REQUIRE_EQUAL(theirs.size(), greeting::size);
    CAF_CHECK_EQUAL(
        std::string(theirs.begin() + greeting::mechanism_offset,
                    theirs.begin() + greeting::mechanism_offset + 6),
        std::string("PLAIN\0", 6));
    // libzmq leaves the as-server flag at 0 even as a PLAIN server: a
    // mechanism must not insist on RFC 23's "opposite roles" rule.
    CAF_CHECK_EQUAL(theirs[greeting::as_server_offset], 0);
    us.sess().feed(span_of(theirs), now());
    auto failed = us.sess().poll();
    CAF_REQUIRE(failed.has_value());
    CAF_REQUIRE(std::holds_alternative<events::failed>(*failed));
    CAF_CHECK_EQUAL(
        std::string{to_string(std::get<events::failed>(*failed).reason.code)},
        "mechanism_mismatch");
    // The rest of our greeting and our ERROR go out; libzmq hangs up.
    CAF_CHECK(us.flush());
    CAF_CHECK(us.run_until([&] { return us.eof(); }));
  }
}

CAF_TEST(routing_ids_of_255_bytes_both_ways) {
  auto long_id = pattern(255, 9);
  long_id[0] = 'L'; // libzmq reserves routing ids that start with a NUL
  auto router = make(zmq::socket_type::router, long_id);
  router.set(zmq::sockopt::router_mandatory, 1);
  auto port = bind_ephemeral(router);
  auto our_id = std::string(255, 'm');
  raw_peer us{connect_tcp(port), config(socket_type::dealer, our_id)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->identity.size(), 255u);
  CAF_CHECK(peer->identity == long_id);
  // The ZMTP 1.0 length in the signature is 256 now: it spills into byte 7.
  CAF_CHECK_EQUAL(hex(bytes(us.received().begin(), us.received().begin() + 10)),
                  "ff00000000000001007f");
  CAF_REQUIRE(us.send({"x"}));
  auto got = zrecv(router);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{our_id, "x"}));
}

CAF_TEST(libzmq_message_above_our_limit_fails_the_session) {
  auto dealer = make(zmq::socket_type::dealer);
  auto port = bind_ephemeral(dealer);
  auto cfg = config(socket_type::dealer);
  cfg.max_message_size = 1000;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  // Exactly the limit: 600 + 336 bytes, plus 64 for the second frame (see
  // `frame_cost_overhead`).
  zsend(dealer, {pattern(600, 1), pattern(336, 2)});
  auto ok = us.receive();
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK_EQUAL(ok->size(), 2u);
  zsend(dealer, {pattern(600, 1), pattern(337, 2)});
  CAF_CHECK(!us.receive().has_value());
  CAF_CHECK_EQUAL(std::string{to_string(us.sess().error().code)},
                  "message_too_large");
}

CAF_TEST_FIXTURE_SCOPE_END()
