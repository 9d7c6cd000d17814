// ZMTP 2.0 peers (RFC 15), byte by byte: our greeting in two steps, the
// 12-byte 2.0 greeting with the socket type, the identity frame, framing
// with MORE and LONG only (no commands, so no PINGs, no ERROR, subscriptions
// as messages), and the refusals (unknown or incompatible socket type,
// identity with MORE or above 255 bytes, the COMMAND bit).
#define CAF_SUITE zmtp_session_v2
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

// Signature, revision 1, socket type (ZMQ_* number).
bytes v2_greeting(uint8_t type) {
  return bytes{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0x01, type};
}

// The identity frame: final and short.
bytes v2_identity(std::string_view id) {
  return concat({bytes{0x00, static_cast<uint8_t>(id.size())}, bytes_of(id)});
}

session_config v2_config(socket_type type, std::string id = {}) {
  auto cfg = config(type);
  cfg.identity = std::move(id);
  return cfg;
}

} // namespace

CAF_TEST(our_greeting_to_a_v2_peer_is_socket_type_and_identity) {
  session s{v2_config(socket_type::dealer, "me")};
  s.start(0ns);
  CAF_CHECK(drain(s.output()) == greeting_head());
  // Their signature: nothing more from us yet.
  auto theirs = v2_greeting(6);
  feed_bytes(s, bytes(theirs.begin(), theirs.begin() + 10), 0ns);
  CAF_CHECK(s.output().empty());
  // Their revision 1: our socket type (DEALER = 5) and identity frame.
  feed_bytes(s, bytes{0x01}, 0ns);
  CAF_CHECK(drain(s.output()) == (bytes{0x05, 0x00, 0x02, 'm', 'e'}));
  CAF_CHECK_EQUAL(s.state(), session_state::greeting);
  // Their socket type (ROUTER = 6), then their identity frame: ready.
  feed_bytes(s, bytes{0x06}, 0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::handshake);
  CAF_CHECK(!s.has_events());
  feed_bytes(s, v2_identity("peer"), 0ns);
  CAF_REQUIRE(s.ready());
  auto evs = poll_all(s);
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  auto done = std::get<events::handshake_done>(evs[0]);
  CAF_CHECK_EQUAL(done.peer.revision, 1u);
  CAF_CHECK_EQUAL(done.peer.minor, 0u);
  CAF_CHECK_EQUAL(done.peer.type, socket_type::router);
  CAF_CHECK_EQUAL(done.peer.identity, "peer");
  CAF_CHECK(done.peer.properties.empty());
  // No READY, no commands: nothing else went out.
  CAF_CHECK(s.output().empty());
}

CAF_TEST(socket_types_use_libzmq_numbers_and_only_some_send_identities) {
  struct row {
    socket_type type;
    uint8_t number;
    bool identity;
  };
  for (auto x : {row{socket_type::pair, 0, false}, row{socket_type::pub, 1, false},
                 row{socket_type::sub, 2, false}, row{socket_type::req, 3, true},
                 row{socket_type::rep, 4, false},
                 row{socket_type::dealer, 5, true},
                 row{socket_type::router, 6, true},
                 row{socket_type::pull, 7, false},
                 row{socket_type::push, 8, false},
                 row{socket_type::xpub, 9, false},
                 row{socket_type::xsub, 10, false}}) {
    CAF_CHECK_EQUAL(zmq_number(x.type), x.number);
    CAF_CHECK_EQUAL(from_zmq_number(x.number), x.type);
    session s{v2_config(x.type, "id")};
    s.start(0ns);
    drain(s.output());
    auto theirs = v2_greeting(0);
    feed_bytes(s, bytes(theirs.begin(), theirs.begin() + 11), 0ns);
    auto want = x.identity ? bytes{x.number, 0x00, 0x02, 'i', 'd'}
                           : bytes{x.number, 0x00, 0x00};
    CAF_CHECK(drain(s.output()) == want);
  }
  CAF_CHECK(!from_zmq_number(11).has_value());
  CAF_CHECK(!from_zmq_number(255).has_value());
}

CAF_TEST(v2_greeting_and_traffic_with_every_chunking) {
  auto input = concat({v2_greeting(6), v2_identity("rid"),
                       message_frame("one", true), message_frame(""),
                       message_frame(std::string(300, 'L'))});
  for (auto how : all_chunkings(20)) {
    session s{v2_config(socket_type::dealer)};
    s.start(0ns);
    feed_chunked(s, input, how, 0ns);
    auto evs = poll_all(s);
    CAF_REQUIRE_EQUAL(evs.size(), 3u);
    CAF_CHECK_EQUAL(std::get<events::handshake_done>(evs[0]).peer.identity,
                    "rid");
    auto msgs = messages_of(evs);
    CAF_REQUIRE_EQUAL(msgs.size(), 2u);
    CAF_CHECK(same_message(msgs[0], make_message({"one", ""})));
    CAF_CHECK_EQUAL(msgs[1][0].size(), 300u);
  }
}

CAF_TEST(our_messages_to_a_v2_peer_use_more_and_long_only) {
  session s{v2_config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s, concat({v2_greeting(6), v2_identity("")}), 0ns);
  CAF_REQUIRE(s.ready());
  drain(s.output());
  auto msg = make_message({"", std::string(256, 'x')});
  CAF_REQUIRE_EQUAL(s.send(msg), local_error::none);
  auto out = drain(s.output());
  auto want = concat({bytes{0x01, 0x00}, bytes{0x02, 0, 0, 0, 0, 0, 0, 1, 0},
                      bytes(256, 'x')});
  CAF_CHECK(out == want);
}

CAF_TEST(v2_peers_get_no_heartbeats_and_no_error_commands) {
  auto cfg = v2_config(socket_type::dealer);
  cfg.heartbeat.interval = 1s;
  session s{cfg};
  s.start(0ns);
  feed_bytes(s, concat({v2_greeting(6), v2_identity("")}), 0ns);
  CAF_REQUIRE(s.ready());
  drain(s.output());
  CAF_CHECK(!s.next_deadline().has_value());
  s.advance_time(10s);
  CAF_CHECK(s.output().empty());
  // The COMMAND bit is reserved in 2.0: a PING is a framing error, and the
  // peer gets no ERROR command (it could not parse one).
  feed_bytes(s, command_frame("PING", ping_data(0)), 10s);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::reserved_flags);
  CAF_CHECK(s.output().empty());
}

CAF_TEST(subscriptions_to_and_from_v2_peers_are_messages) {
  { // We subscribe: \x01topic and \x00topic messages, never commands.
    session s{v2_config(socket_type::sub)};
    s.start(0ns);
    feed_bytes(s, concat({v2_greeting(1), v2_identity("")}), 0ns);
    CAF_REQUIRE(s.ready());
    drain(s.output());
    CAF_REQUIRE_EQUAL(s.subscribe(frame::from_string("ab")), local_error::none);
    CAF_REQUIRE_EQUAL(s.cancel(frame::from_string("ab")), local_error::none);
    CAF_CHECK(drain(s.output())
              == (bytes{0x00, 0x03, 0x01, 'a', 'b', 0x00, 0x03, 0x00, 'a', 'b'}));
  }
  { // They subscribe: the same messages become subscription events.
    session s{v2_config(socket_type::pub)};
    s.start(0ns);
    feed_bytes(s, concat({v2_greeting(2), v2_identity(""),
                          message_frame("\x01t"), message_frame(bytes{0, 't'})}),
               0ns);
    auto subs = only<events::subscription>(poll_all(s));
    CAF_REQUIRE_EQUAL(subs.size(), 2u);
    CAF_CHECK(subs[0].subscribe);
    CAF_CHECK(!subs[1].subscribe);
    CAF_CHECK_EQUAL(subs[1].topic.to_string(), "t");
  }
}

CAF_TEST(v2_refusals) {
  struct row {
    const char* what;
    bytes input;
    peer_error code;
  };
  std::vector<row> rows{
    {"unknown socket type 11", v2_greeting(11),
     peer_error::socket_type_mismatch},
    {"PUB cannot talk to DEALER", v2_greeting(1),
     peer_error::socket_type_mismatch},
    {"identity with MORE", concat({v2_greeting(6), bytes{0x01, 0x00}}),
     peer_error::malformed_greeting},
    {"identity of 256 bytes",
     concat({v2_greeting(6), frame_header(0x00, 256)}),
     peer_error::message_too_large},
    {"identity with the COMMAND bit",
     concat({v2_greeting(6), bytes{0x04, 0x00}}), peer_error::reserved_flags},
  };
  for (auto& x : rows) {
    CAF_MESSAGE(x.what);
    session s{v2_config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s, x.input, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), x.code);
    // Our socket type and identity went out; no ERROR follows.
    CAF_CHECK(drain(s.output()) == concat({greeting_head(), bytes{5, 0, 0}}));
  }
  // An identity of exactly 255 bytes passes, as a long frame too (libzmq
  // accepts both).
  for (bool long_frame : {false, true}) {
    session s{v2_config(socket_type::router)};
    s.start(0ns);
    auto head = long_frame ? bytes{0x02, 0, 0, 0, 0, 0, 0, 0, 255}
                           : bytes{0x00, 255};
    feed_bytes(s, concat({v2_greeting(5), head, bytes(255, 'i')}), 0ns);
    CAF_CHECK(s.ready());
    CAF_CHECK_EQUAL(s.peer().identity.size(), 255u);
  }
}

CAF_TEST(a_session_announcing_revision_1_talks_v2_to_a_v3_session) {
  // Like libzmq: a 3.x side downgrades to 2.0 for a peer announcing 1.
  for (auto how : {chunking::whole(), chunking::bytewise()}) {
    auto old = v2_config(socket_type::dealer, "old");
    old.revision = 1;
    session_pair p{old, v2_config(socket_type::router, "new"), how};
    CAF_REQUIRE(p.connect());
    CAF_CHECK_EQUAL(p.a.peer().revision, 1u);
    CAF_CHECK_EQUAL(p.b.peer().revision, 1u);
    CAF_CHECK_EQUAL(p.b.peer().identity, "old");
    CAF_CHECK_EQUAL(p.a.peer().identity, "new");
    // a wrote signature + 01, socket type 5, identity frame; b wrote
    // signature + 03, socket type 6, its identity frame.
    CAF_CHECK(p.a_sent
              == concat({greeting_head(1), bytes{5}, v2_identity("old")}));
    CAF_CHECK(p.b_sent
              == concat({greeting_head(), bytes{6}, v2_identity("new")}));
    CAF_REQUIRE_EQUAL(p.a.send(make_message({"", "hi"})), local_error::none);
    p.run();
    auto msgs = messages_of(poll_all(p.b));
    CAF_REQUIRE_EQUAL(msgs.size(), 1u);
    CAF_CHECK(same_message(msgs[0], make_message({"", "hi"})));
  }
}

CAF_TEST(zmtp_1_0_stays_refused_with_a_typed_error) {
  { // Unversioned: no 0xFF signature.
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s, bytes{0x05, 0x00, 'h', 'e', 'l', 'l', 'o'}, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::unversioned_peer);
  }
  { // Signature without the versioned bit.
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s, bytes{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7E}, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::unversioned_peer);
  }
}
