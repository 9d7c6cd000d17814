// CURVE (RFC 26 as libzmq 4.3.4 puts it on the wire) between two of our
// sessions, and between our server and a hand-made client: the handshake cut
// at every offset, sizes and nonces on the wire, pull-style authentication
// (no READY before the verdict), messages and subscriptions inside MESSAGE
// boxes for ZMTP 3.0 and 3.1, and a 255-byte Identity in INITIATE. The
// failures are in zmtp_curve_failures.cpp.
#define CAF_SUITE zmtp_curve
#include "protocol/curve_helpers.hpp"

#include "monocoque/zmtp/z85.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

struct keys {
  curve_keypair server = test_keypair();
  curve_keypair client = test_keypair();
};

// Runs greeting, HELLO, WELCOME and INITIATE; returns the server's request.
std::optional<auth_request> run_to_auth(session_pair& p, session& server) {
  p.start();
  p.run();
  return server.take_auth_request();
}

} // namespace

CAF_TEST(curve_handshake_at_every_split) {
  keys k;
  for (auto how : all_chunkings(80)) {
    CAF_MESSAGE(to_string(how));
    auto client = curve_client_config(socket_type::dealer, k.client,
                                      k.server.public_key);
    client.identity = "me";
    session_pair p{client, curve_server_config(socket_type::router, k.server),
                   how};
    auto req = run_to_auth(p, p.b);
    CAF_REQUIRE(req.has_value());
    CAF_CHECK_EQUAL(req->mechanism, "CURVE");
    CAF_CHECK(req->client_key == k.client.public_key);
    CAF_CHECK(!p.b.take_auth_request().has_value());
    CAF_CHECK(p.b.awaiting_auth());
    // The server sent its greeting and WELCOME only: no READY before 200.
    auto server_frames = parse_frames(p.b_sent);
    CAF_REQUIRE_EQUAL(server_frames.size(), 1u);
    CAF_CHECK_EQUAL(command_name_of(server_frames[0]), "WELCOME");
    CAF_CHECK_EQUAL(server_frames[0].body.size(), 168u);
    CAF_CHECK(poll_all(p.a).empty());
    CAF_CHECK(poll_all(p.b).empty());
    auto reply = curve_verdict(auth_status::success, "client-id");
    reply.properties.set("X-Role", "ops");
    CAF_REQUIRE_EQUAL(p.b.authenticated(std::move(reply), p.now),
                      local_error::none);
    p.run();
    CAF_REQUIRE(p.a.ready());
    CAF_REQUIRE(p.b.ready());
    CAF_CHECK_EQUAL(p.b.peer().identity, "me");
    CAF_CHECK_EQUAL(p.b.peer().type, socket_type::dealer);
    CAF_CHECK_EQUAL(p.a.peer().type, socket_type::router);
    CAF_CHECK_EQUAL(p.b.user_id(), "client-id");
    CAF_REQUIRE(p.b.auth_properties().find("X-Role") != nullptr);
    CAF_CHECK(p.a.user_id().empty());
    // The wire: greetings name CURVE; sizes and nonces as libzmq's.
    CAF_CHECK(bytes(p.a_sent.begin(), p.a_sent.begin() + 64)
              == greeting_bytes(1, "CURVE", 3, false));
    CAF_CHECK(bytes(p.b_sent.begin(), p.b_sent.begin() + 64)
              == greeting_bytes(1, "CURVE", 3, true));
    auto client_frames = parse_frames(p.a_sent);
    CAF_REQUIRE_EQUAL(client_frames.size(), 2u);
    CAF_CHECK_EQUAL(command_name_of(client_frames[0]), "HELLO");
    CAF_CHECK_EQUAL(client_frames[0].flags, 0x04);
    CAF_REQUIRE_EQUAL(client_frames[0].body.size(), 200u);
    auto hello = client_frames[0].body;
    CAF_CHECK_EQUAL(hello[6], 1); // version 1.0
    CAF_CHECK_EQUAL(hello[7], 0);
    CAF_CHECK(std::all_of(hello.begin() + 8, hello.begin() + 80,
                          [](uint8_t x) { return x == 0; }));
    CAF_CHECK_EQUAL(hello[119], 1); // short nonce 1
    CAF_CHECK_EQUAL(command_name_of(client_frames[1]), "INITIATE");
    CAF_CHECK_EQUAL(client_frames[1].flags, 0x06); // LONG: > 255 bytes
    CAF_CHECK_GREATER_OR_EQUAL(client_frames[1].body.size(), 257u);
    CAF_CHECK_EQUAL(client_frames[1].body[9 + 96 + 7], 2); // nonce 2
    server_frames = parse_frames(p.b_sent);
    CAF_REQUIRE_EQUAL(server_frames.size(), 2u);
    CAF_CHECK_EQUAL(command_name_of(server_frames[1]), "READY");
    CAF_CHECK_EQUAL(server_frames[1].body[6 + 7], 1); // nonce 1
    // Metadata travels boxed: no property name in clear.
    CAF_CHECK(!contains(p.a_sent, "Socket-Type"));
    CAF_CHECK(!contains(p.b_sent, "Socket-Type"));
    // Messages both ways, multipart included, as MESSAGE data frames.
    auto a_mark = p.a_sent.size();
    auto b_mark = p.b_sent.size();
    CAF_REQUIRE_EQUAL(p.a.send(make_message({"secret-one", "secret-two"})),
                      local_error::none);
    CAF_REQUIRE_EQUAL(p.b.send(make_message({"secret-back"})),
                      local_error::none);
    p.run();
    auto got_b = messages_of(poll_all(p.b));
    auto got_a = messages_of(poll_all(p.a));
    CAF_REQUIRE_EQUAL(got_b.size(), 1u);
    CAF_REQUIRE_EQUAL(got_a.size(), 1u);
    CAF_CHECK(same_message(got_b[0], make_message({"secret-one",
                                                   "secret-two"})));
    CAF_CHECK(same_message(got_a[0], make_message({"secret-back"})));
    CAF_CHECK(!contains(p.a_sent, "secret"));
    CAF_CHECK(!contains(p.b_sent, "secret"));
    auto client_msgs = parse_frames(p.a_sent, a_mark);
    CAF_REQUIRE_EQUAL(client_msgs.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      CAF_CHECK_EQUAL(client_msgs[i].flags, 0x00); // MORE is inside
      CAF_CHECK(bytes(client_msgs[i].body.begin(),
                      client_msgs[i].body.begin() + 8)
                == bytes_of("\x07MESSAGE"));
      CAF_CHECK_EQUAL(client_msgs[i].body[15], 3 + i); // nonces 3, 4
      CAF_CHECK_EQUAL(client_msgs[i].body.size(), 33u + 10u);
    }
    auto server_msgs = parse_frames(p.b_sent, b_mark);
    CAF_REQUIRE_EQUAL(server_msgs.size(), 1u);
    CAF_CHECK_EQUAL(server_msgs[0].body[15], 2); // server MESSAGEs from 2
  }
}

CAF_TEST(curve_works_for_compatible_pairs_and_both_minors) {
  keys k;
  std::vector<std::pair<socket_type, socket_type>> pairs{
    {socket_type::req, socket_type::rep},
    {socket_type::push, socket_type::pull},
    {socket_type::pair, socket_type::pair},
    {socket_type::dealer, socket_type::dealer},
  };
  for (auto [x, y] : pairs) {
    for (uint8_t minor : {uint8_t{0}, uint8_t{1}}) {
      CAF_MESSAGE(wire_name(x) << " -> " << wire_name(y) << ", 3." << +minor);
      auto client = curve_client_config(x, k.client, k.server.public_key);
      client.minor_version = minor;
      session_pair p{curve_server_config(y, k.server), client,
                     chunking::bytewise()};
      p.start();
      p.run();
      CAF_REQUIRE(p.a.take_auth_request().has_value());
      CAF_REQUIRE_EQUAL(p.a.authenticated(curve_verdict(auth_status::success),
                                          p.now),
                        local_error::none);
      p.run();
      CAF_REQUIRE(p.a.ready() && p.b.ready());
      CAF_CHECK_EQUAL(p.a.peer().minor, minor);
      CAF_REQUIRE_EQUAL(p.b.send(make_message({"x", "", "payload"})),
                        local_error::none);
      p.run();
      auto got = messages_of(poll_all(p.a));
      CAF_REQUIRE_EQUAL(got.size(), 1u);
      CAF_CHECK(same_message(got[0], make_message({"x", "", "payload"})));
    }
  }
}

// With a 3.1 peer SUBSCRIBE/CANCEL go inside the box as commands (inner flag
// COMMAND); with a 3.0 peer as \x01topic / \x00topic messages in the box.
CAF_TEST(curve_subscriptions_travel_inside_the_box) {
  keys k;
  for (uint8_t minor : {uint8_t{0}, uint8_t{1}}) {
    CAF_MESSAGE("ZMTP 3." << +minor);
    auto sub = curve_client_config(socket_type::sub, k.client,
                                   k.server.public_key);
    sub.minor_version = minor;
    session_pair p{sub, curve_server_config(socket_type::pub, k.server)};
    auto req = run_to_auth(p, p.b);
    CAF_REQUIRE(req.has_value());
    CAF_REQUIRE_EQUAL(p.b.authenticated(curve_verdict(auth_status::success),
                                        p.now),
                      local_error::none);
    p.run();
    CAF_REQUIRE(p.a.ready() && p.b.ready());
    poll_all(p.b);
    auto mark = p.a_sent.size();
    CAF_REQUIRE_EQUAL(p.a.subscribe(frame::from_string("weather")),
                      local_error::none);
    CAF_REQUIRE_EQUAL(p.a.cancel(frame::from_string("weather")),
                      local_error::none);
    p.run();
    auto subs = only<events::subscription>(poll_all(p.b));
    CAF_REQUIRE_EQUAL(subs.size(), 2u);
    CAF_CHECK(subs[0].subscribe);
    CAF_CHECK_EQUAL(subs[0].topic.to_string(), "weather");
    CAF_CHECK(!subs[1].subscribe);
    CAF_CHECK(!contains(p.a_sent, "weather"));
    CAF_CHECK(!contains(p.a_sent, "SUBSCRIBE"));
    auto frames = parse_frames(p.a_sent, mark);
    CAF_REQUIRE_EQUAL(frames.size(), 2u);
    CAF_CHECK_EQUAL(frames[0].flags, 0x00);
    // Messages from PUB reach SUB.
    CAF_REQUIRE_EQUAL(p.b.send(make_message({"weather", "sunny"})),
                      local_error::none);
    p.run();
    CAF_CHECK_EQUAL(messages_of(poll_all(p.a)).size(), 1u);
  }
}

// libzmq's CVE-2019-13132: INITIATE metadata over 256 bytes smashed a stack
// buffer. A 255-byte Identity (and a large property) must just work.
CAF_TEST(curve_initiate_with_a_255_byte_identity) {
  keys k;
  auto client = curve_client_config(socket_type::dealer, k.client,
                                    k.server.public_key);
  client.identity = std::string(255, 'i');
  client.properties.set("X-Large", std::string(2000, 'p'));
  session_pair p{client, curve_server_config(socket_type::router, k.server),
                 chunking::bytewise()};
  auto req = run_to_auth(p, p.b);
  CAF_REQUIRE(req.has_value());
  // The Identity reaches the authenticator with the request, before READY.
  CAF_CHECK_EQUAL(req->routing_id, std::string(255, 'i'));
  CAF_REQUIRE_EQUAL(p.b.authenticated(curve_verdict(auth_status::success),
                                      p.now),
                    local_error::none);
  p.run();
  CAF_REQUIRE(p.a.ready() && p.b.ready());
  CAF_CHECK_EQUAL(p.b.peer().identity, std::string(255, 'i'));
  auto initiate = parse_frames(p.a_sent)[1];
  CAF_CHECK_GREATER(initiate.body.size(), 2000u + 255u);
}

// The routing id in the request is the client's Identity, or empty for a
// client that announces none.
CAF_TEST(curve_request_carries_the_clients_routing_id) {
  keys k;
  for (std::string id : {"", "client-7"}) {
    auto client = curve_client_config(socket_type::dealer, k.client,
                                      k.server.public_key);
    client.identity = id;
    session_pair p{client, curve_server_config(socket_type::router, k.server),
                   chunking::split(5)};
    auto req = run_to_auth(p, p.b);
    CAF_REQUIRE(req.has_value());
    CAF_CHECK_EQUAL(req->routing_id, id);
    CAF_CHECK_EQUAL(p.b.peer().identity, ""); // nothing is up yet
  }
}

// A hand-made client (libsodium directly) against our server: the layout
// our own client and server agree on is RFC 26's, not just our own.
CAF_TEST(curve_server_talks_to_a_hand_made_client) {
  keys k;
  session server{curve_server_config(socket_type::router, k.server)};
  server.start(timestamp{0});
  raw_curve_client raw{k.server.public_key};
  auto input = concat({greeting_bytes(1, "CURVE", 3, false),
                       command_frame("HELLO", raw.hello())});
  feed_bytes(server, input, timestamp{0});
  auto out = drain_written(server);
  auto frames = parse_frames(out, 64);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_REQUIRE(raw.welcome(command_data(frames[0])));
  auto meta = metadata_bytes({{"Socket-Type", "DEALER"}, {"Identity", "raw"}});
  feed_bytes(server, command_frame("INITIATE", raw.initiate(meta)),
             timestamp{0});
  auto req = server.take_auth_request();
  CAF_REQUIRE(req.has_value());
  CAF_CHECK(std::equal(req->client_key.begin(), req->client_key.end(),
                       raw.pub));
  CAF_CHECK(drain_written(server).empty());
  CAF_REQUIRE_EQUAL(server.authenticated(curve_verdict(auth_status::success,
                                                       z85_encode_key(
                                                         req->client_key)),
                                         timestamp{0}),
                    local_error::none);
  CAF_REQUIRE(server.ready());
  frames = parse_frames(drain_written(server), 0);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_CHECK_EQUAL(command_name_of(frames[0]), "READY");
  auto ready = raw.ready(command_data(frames[0]));
  CAF_REQUIRE(ready.has_value());
  CAF_CHECK(contains(*ready, "ROUTER"));
  // MESSAGEs with gaps in the nonces are fine; MORE inside the box.
  feed_bytes(server, message_frame(raw.message(0x01, "first", 3)),
             timestamp{0});
  feed_bytes(server, message_frame(raw.message(0x00, "second", 7)),
             timestamp{0});
  auto got = messages_of(poll_all(server));
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK(same_message(got[0], make_message({"first", "second"})));
  CAF_REQUIRE_EQUAL(server.send(make_message({"reply"})), local_error::none);
  frames = parse_frames(drain_written(server), 0);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  auto plain = raw.open_message(frames[0].body);
  CAF_REQUIRE(plain.has_value());
  CAF_CHECK(*plain == concat({bytes{0x00}, bytes_of("reply")}));
}

// PING and PONG travel inside MESSAGE boxes with the inner COMMAND flag.
CAF_TEST(curve_heartbeats_travel_inside_the_box) {
  keys k;
  auto client = curve_client_config(socket_type::dealer, k.client,
                                    k.server.public_key);
  client.heartbeat.interval = 1s;
  client.heartbeat.timeout = 5s;
  session_pair p{client, curve_server_config(socket_type::router, k.server)};
  auto req = run_to_auth(p, p.b);
  CAF_REQUIRE(req.has_value());
  CAF_REQUIRE_EQUAL(p.b.authenticated(curve_verdict(auth_status::success),
                                      p.now),
                    local_error::none);
  p.run();
  CAF_REQUIRE(p.a.ready() && p.b.ready());
  auto a_mark = p.a_sent.size();
  auto b_mark = p.b_sent.size();
  for (int i = 0; i < 3; ++i) {
    p.advance(1s);
    p.run();
  }
  CAF_CHECK(p.a.ready());
  CAF_CHECK(p.b.ready());
  auto pings = parse_frames(p.a_sent, a_mark);
  auto pongs = parse_frames(p.b_sent, b_mark);
  CAF_CHECK_GREATER_OR_EQUAL(pings.size(), 2u);
  CAF_CHECK_EQUAL(pongs.size(), pings.size());
  for (const auto& frm : pings)
    CAF_CHECK_EQUAL(frm.flags, 0x00); // a data frame carrying a MESSAGE
  CAF_CHECK(!contains(bytes(p.a_sent.begin() + static_cast<long>(a_mark),
                            p.a_sent.end()),
                      "PING"));
  CAF_CHECK(!contains(bytes(p.b_sent.begin() + static_cast<long>(b_mark),
                            p.b_sent.end()),
                      "PONG"));
  // Long after the timeout the client is still connected: PONGs arrived.
  p.advance(10s);
  p.run();
  CAF_CHECK(p.a.ready());
}
