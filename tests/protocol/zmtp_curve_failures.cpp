// CURVE failures, each with its typed code: a wrong server key, corrupted
// HELLO / WELCOME / cookie / INITIATE / vouch / READY / MESSAGE boxes,
// replayed or non-increasing MESSAGE nonces, commands of the wrong size
// (a HELLO over 200 bytes refused on its header), NULL and PLAIN clients at
// a CURVE server, all-zero keys, and authentication verdicts 300/400/500.
#define CAF_SUITE zmtp_curve_failures
#include "protocol/curve_helpers.hpp"

#include <caf/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;

namespace {

struct fixture {
  curve_keypair server_keys = test_keypair();
  curve_keypair client_keys = test_keypair();
  timestamp now{0};

  session make_server(socket_type type = socket_type::router) {
    return session{curve_server_config(type, server_keys)};
  }

  // Starts a server and feeds it a raw client's greeting and `hello`.
  // Returns what the server wrote after its greeting (frames).
  std::vector<wire_frame> feed_hello(session& server, const bytes& hello) {
    server.start(now);
    auto input = concat({greeting_bytes(1, "CURVE", 3, false),
                         command_frame("HELLO", hello)});
    feed_bytes(server, input, now);
    return parse_frames(drain_written(server), 64);
  }

  // Runs a raw client up to the server's auth request with `initiate`.
  std::vector<event> raw_to_initiate(
    session& server, raw_curve_client& raw,
    const std::function<bytes(raw_curve_client&)>& initiate) {
    auto frames = feed_hello(server, raw.hello());
    if (frames.size() != 1 || !raw.welcome(command_data(frames[0])))
      return {};
    feed_bytes(server, command_frame("INITIATE", initiate(raw)), now);
    return poll_all(server);
  }

  // A raw client that completed the handshake with `server`.
  void raw_ready(session& server, raw_curve_client& raw) {
    auto meta = metadata_bytes({{"Socket-Type", "DEALER"}});
    raw_to_initiate(server, raw,
                    [&](raw_curve_client& r) { return r.initiate(meta); });
    if (!server.take_auth_request()
        || server.authenticated(curve_verdict(auth_status::success), now)
             != local_error::none)
      CAF_FAIL("authentication did not proceed");
    drain_written(server);
    poll_all(server);
  }

  static bytes flip(bytes xs, size_t index) {
    xs.at(index) ^= 0x01;
    return xs;
  }

};

// Shuttles bytes between two sessions, letting `tamper` change each chunk;
// the server's auth request is answered with 200.
void run_tampered(session& client, session& server, timestamp now,
                  const std::function<void(bool from_client, bytes&)>& tamper) {
  client.start(now);
  server.start(now);
  for (int round = 0; round < 20; ++round) {
    auto from_client = drain_written(client);
    auto from_server = drain_written(server);
    if (from_client.empty() && from_server.empty()
        && !server.awaiting_auth())
      break;
    tamper(true, from_client);
    tamper(false, from_server);
    feed_bytes(server, from_client, now);
    feed_bytes(client, from_server, now);
    if (server.take_auth_request())
      static_cast<void>(
        server.authenticated(curve_verdict(auth_status::success), now));
  }
}

// Flips one bit in the `index`-th byte of the first frame whose command name
// is `name` (in a chunk that begins with whole frames after the greeting).
std::function<void(bool, bytes&)> corrupt(std::string_view name,
                                          size_t body_offset) {
  auto done = std::make_shared<bool>(false);
  return [=](bool, bytes& chunk) {
    if (*done)
      return;
    for (size_t start : {size_t{0}, size_t{64}}) {
      if (chunk.size() <= start)
        continue;
      size_t pos = start;
      while (pos + 2 <= chunk.size()) {
        auto flags = chunk[pos];
        size_t header = (flags & 0x02) ? 9 : 2;
        if (pos + header > chunk.size())
          break;
        uint64_t size = 0;
        if (flags & 0x02)
          for (size_t i = 1; i < 9; ++i)
            size = (size << 8) | chunk[pos + i];
        else
          size = chunk[pos + 1];
        auto body = pos + header;
        if (body + size > chunk.size())
          break;
        if (size > name.size()
            && std::string_view(reinterpret_cast<const char*>(&chunk[body + 1]),
                                name.size())
                 == name
            && chunk[body] == name.size()) {
          chunk.at(body + body_offset) ^= 0x01;
          *done = true;
          return;
        }
        pos = body + size;
      }
    }
  };
}

peer_error fail_code(session& s) {
  return s.state() == session_state::failed ? s.error().code
                                            : peer_error::none;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(curve_failure_tests, fixture)

CAF_TEST(wrong_server_key_fails_cryptographic) {
  auto other = test_keypair();
  session client{curve_client_config(socket_type::dealer, client_keys,
                                     other.public_key)};
  auto server = make_server();
  run_tampered(client, server, now, [](bool, bytes&) {});
  CAF_CHECK_EQUAL(fail_code(server), peer_error::cryptographic);
  CAF_CHECK_NOT_EQUAL(fail_code(client), peer_error::none);
  CAF_CHECK(!client.ready());
}

CAF_TEST(corrupted_handshake_boxes_fail_cryptographic) {
  struct scenario {
    const char* what;
    const char* command;
    size_t offset; // within the frame body (name included)
    bool server_fails;
  };
  std::vector<scenario> scenarios{
    {"HELLO box", "HELLO", 6 + 2 + 72 + 32 + 8 + 20, true},
    {"HELLO nonce", "HELLO", 6 + 2 + 72 + 32 + 7, true},
    {"HELLO client key", "HELLO", 6 + 2 + 72 + 3, true},
    {"WELCOME nonce", "WELCOME", 8 + 3, false},
    {"WELCOME box", "WELCOME", 8 + 16 + 40, false},
    {"cookie nonce", "INITIATE", 9 + 5, true},
    {"cookie box", "INITIATE", 9 + 16 + 30, true},
    {"INITIATE nonce", "INITIATE", 9 + 96 + 7, true},
    {"INITIATE box (vouch part)", "INITIATE", 9 + 96 + 8 + 16 + 60, true},
    {"INITIATE box (metadata)", "INITIATE", 9 + 96 + 8 + 16 + 140, true},
    {"READY nonce", "READY", 6 + 7, false},
    {"READY box", "READY", 6 + 8 + 5, false},
  };
  for (auto& x : scenarios) {
    CAF_MESSAGE(x.what);
    session client{curve_client_config(socket_type::dealer, client_keys,
                                       server_keys.public_key)};
    auto server = make_server();
    run_tampered(client, server, now, corrupt(x.command, x.offset));
    auto& failing = x.server_fails ? server : client;
    CAF_CHECK_EQUAL(fail_code(failing), peer_error::cryptographic);
    CAF_CHECK(!client.ready());
    CAF_CHECK(!server.ready() || !x.server_fails);
  }
}

CAF_TEST(hello_of_the_wrong_size_or_version) {
  raw_curve_client raw{server_keys.public_key};
  {
    CAF_MESSAGE("HELLO of 201 bytes: refused on its header");
    auto server = make_server();
    server.start(now);
    auto hello = raw.hello();
    hello.push_back(0);
    auto input = concat({greeting_bytes(1, "CURVE", 3, false),
                         command_frame("HELLO", hello)});
    // Only the header of the frame: refused before its body arrives.
    feed_bytes(server, bytes(input.begin(), input.begin() + 64 + 2), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::malformed_command_hello);
  }
  {
    CAF_MESSAGE("a 1 MiB HELLO: refused on its header");
    auto server = make_server();
    server.start(now);
    auto input = concat({greeting_bytes(1, "CURVE", 3, false),
                         frame_header(0x04, 1 << 20)});
    feed_bytes(server, input, now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::malformed_command_hello);
  }
  {
    CAF_MESSAGE("HELLO of 199 bytes");
    auto server = make_server();
    auto hello = raw.hello();
    hello.pop_back();
    feed_hello(server, hello);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::malformed_command_hello);
  }
  {
    CAF_MESSAGE("HELLO version 2.0");
    auto server = make_server();
    auto hello = raw.hello();
    hello[0] = 2;
    feed_hello(server, hello);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::malformed_command_hello);
  }
  {
    CAF_MESSAGE("libzmq's tests send a HELLO with nonce 0: accepted");
    auto server = make_server();
    auto frames = feed_hello(server, raw.hello(0));
    CAF_CHECK_EQUAL(fail_code(server), peer_error::none);
    CAF_CHECK_EQUAL(frames.size(), 1u);
  }
}

CAF_TEST(welcome_of_the_wrong_size) {
  for (size_t size : {size_t{159}, size_t{161}}) {
    session client{curve_client_config(socket_type::dealer, client_keys,
                                       server_keys.public_key)};
    client.start(now);
    feed_bytes(client,
               concat({greeting_bytes(1, "CURVE", 3, true),
                       command_frame("WELCOME", bytes(size, 0))}),
               now);
    CAF_CHECK_EQUAL(fail_code(client), peer_error::malformed_command_welcome);
  }
}

CAF_TEST(error_or_huge_frame_instead_of_welcome) {
  {
    CAF_MESSAGE("an ERROR with a 255-byte reason is read as such");
    session client{curve_client_config(socket_type::dealer, client_keys,
                                       server_keys.public_key)};
    client.start(now);
    feed_bytes(client,
               concat({greeting_bytes(1, "CURVE", 3, true),
                       error_command(std::string(255, 'r'))}),
               now);
    CAF_CHECK_EQUAL(fail_code(client), peer_error::error_command);
    CAF_CHECK_EQUAL(client.error().detail, std::string(255, 'r'));
  }
  {
    CAF_MESSAGE("a 1 MiB frame instead of WELCOME: refused on its header");
    session client{curve_client_config(socket_type::dealer, client_keys,
                                       server_keys.public_key)};
    client.start(now);
    feed_bytes(client,
               concat({greeting_bytes(1, "CURVE", 3, true),
                       frame_header(0x04, 1 << 20)}),
               now);
    CAF_CHECK_EQUAL(fail_code(client), peer_error::malformed_command_welcome);
  }
}

CAF_TEST(initiate_too_short_fails_malformed) {
  auto server = make_server();
  raw_curve_client raw{server_keys.public_key};
  auto events = raw_to_initiate(server, raw, [](raw_curve_client& r) {
    auto full = r.initiate({});
    full.resize(247); // 9 + 247 = 256 bytes < 257
    return full;
  });
  CAF_CHECK_EQUAL(failure_code(events), peer_error::malformed_command_initiate);
}

CAF_TEST(vouch_for_another_key_fails_key_exchange) {
  auto server = make_server();
  raw_curve_client raw{server_keys.public_key};
  uint8_t other[32];
  randombytes_buf(other, sizeof(other));
  auto meta = metadata_bytes({{"Socket-Type", "DEALER"}});
  auto events = raw_to_initiate(server, raw, [&](raw_curve_client& r) {
    return r.initiate(meta, 2, other);
  });
  CAF_CHECK_EQUAL(failure_code(events), peer_error::key_exchange);
  CAF_CHECK(!server.take_auth_request().has_value());
}

CAF_TEST(message_nonces_must_increase) {
  raw_curve_client raw{server_keys.public_key};
  {
    CAF_MESSAGE("replayed MESSAGE");
    auto server = make_server();
    raw_ready(server, raw);
    auto msg = message_frame(raw.message(0, "one", 3));
    feed_bytes(server, msg, now);
    CAF_CHECK_EQUAL(messages_of(poll_all(server)).size(), 1u);
    feed_bytes(server, msg, now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::invalid_sequence);
  }
  {
    CAF_MESSAGE("MESSAGE with the INITIATE nonce");
    raw_curve_client raw2{server_keys.public_key};
    auto server = make_server();
    raw_ready(server, raw2);
    feed_bytes(server, message_frame(raw2.message(0, "x", 2)), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::invalid_sequence);
  }
  {
    CAF_MESSAGE("decreasing nonce");
    raw_curve_client raw3{server_keys.public_key};
    auto server = make_server();
    raw_ready(server, raw3);
    feed_bytes(server, message_frame(raw3.message(0, "a", 10)), now);
    feed_bytes(server, message_frame(raw3.message(0, "b", 9)), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::invalid_sequence);
  }
}

CAF_TEST(corrupted_or_malformed_messages) {
  struct scenario {
    const char* what;
    std::function<bytes(raw_curve_client&)> frame;
    peer_error expected;
  };
  std::vector<scenario> scenarios{
    {"flipped box byte",
     [](raw_curve_client& r) {
       return message_frame(flip(r.message(0, "payload", 3), 20));
     },
     peer_error::cryptographic},
    {"MESSAGE boxed for the other direction",
     [](raw_curve_client& r) {
       auto body = r.message(0, "payload", 3);
       // Re-box with the server's prefix: the client's nonce space only.
       uint8_t nonce[24];
       raw_curve_client::nonce16(nonce, "CurveZMQMESSAGES", 3);
       bytes plain{0};
       plain.insert(plain.end(), {'p', 'a', 'y'});
       body.resize(32 + plain.size());
       crypto_box_easy_afternm(body.data() + 16, plain.data(), plain.size(),
                               nonce, r.precom);
       return message_frame(body);
     },
     peer_error::cryptographic},
    {"too short",
     [](raw_curve_client& r) {
       auto body = r.message(0, "", 3);
       body.pop_back();
       return message_frame(body);
     },
     peer_error::malformed_command},
    {"not a MESSAGE",
     [](raw_curve_client&) { return message_frame("plain text in clear"); },
     peer_error::unexpected_command},
    {"command frame in clear",
     [](raw_curve_client&) { return command_frame("PING", ping_data(10)); },
     peer_error::unexpected_command},
    {"outer MORE flag",
     [](raw_curve_client& r) {
       return message_frame(r.message(0, "x", 3), true);
     },
     peer_error::unexpected_command},
    {"unknown inner flags",
     [](raw_curve_client& r) {
       return message_frame(r.message(0x80, "x", 3));
     },
     peer_error::reserved_flags},
  };
  for (auto& x : scenarios) {
    CAF_MESSAGE(x.what);
    raw_curve_client raw{server_keys.public_key};
    auto server = make_server();
    raw_ready(server, raw);
    feed_bytes(server, x.frame(raw), now);
    CAF_CHECK_EQUAL(fail_code(server), x.expected);
    CAF_CHECK(messages_of(poll_all(server)).empty());
  }
}

CAF_TEST(null_and_plain_clients_at_a_curve_server) {
  for (const char* mech : {"NULL", "PLAIN"}) {
    CAF_MESSAGE(mech);
    auto server = make_server();
    server.start(now);
    feed_bytes(server, greeting_bytes(1, mech, 3, false), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::mechanism_mismatch);
  }
  // And the other way: a CURVE client at a NULL server.
  session client{curve_client_config(socket_type::dealer, client_keys,
                                     server_keys.public_key)};
  client.start(now);
  feed_bytes(client, greeting_bytes(1, "NULL", 3, false), now);
  CAF_CHECK_EQUAL(fail_code(client), peer_error::mechanism_mismatch);
}

CAF_TEST(all_zero_keys_fail) {
  curve_key zero{};
  {
    CAF_MESSAGE("validate() refuses zero keys");
    auto cfg = curve_client_config(socket_type::dealer, client_keys, zero);
    CAF_CHECK_EQUAL(cfg.security.validate(), local_error::invalid_config);
    auto bad_secret = security_config::curve_server(
      server_keys.public_key, byte_span{zero.data(), zero.size()});
    CAF_CHECK_EQUAL(bad_secret.validate(), local_error::invalid_config);
    auto short_secret = security_config::curve_server(
      server_keys.public_key, byte_span{zero.data(), 31});
    CAF_CHECK_EQUAL(short_secret.validate(), local_error::invalid_config);
    auto good = curve_client_config(socket_type::dealer, client_keys,
                                    server_keys.public_key);
    CAF_CHECK_EQUAL(good.security.validate(), local_error::none);
  }
  {
    CAF_MESSAGE("a client with a zero server key fails at HELLO");
    session client{curve_client_config(socket_type::dealer, client_keys,
                                       zero)};
    client.start(now);
    feed_bytes(client, greeting_bytes(1, "CURVE", 3, true), now);
    CAF_CHECK_EQUAL(fail_code(client), peer_error::cryptographic);
  }
  {
    CAF_MESSAGE("a HELLO from an all-zero transient key");
    raw_curve_client raw{server_keys.public_key};
    auto hello = raw.hello();
    std::fill(hello.begin() + 74, hello.begin() + 106, 0);
    auto server = make_server();
    feed_hello(server, hello);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::cryptographic);
  }
}

CAF_TEST(authentication_refused) {
  for (auto status : {auth_status::failure, auth_status::internal_error,
                      auth_status::temporary_failure}) {
    CAF_MESSAGE(to_string(status));
    session_pair p{curve_client_config(socket_type::dealer, client_keys,
                                       server_keys.public_key),
                   curve_server_config(socket_type::router, server_keys)};
    p.start();
    p.run();
    CAF_REQUIRE(p.b.take_auth_request().has_value());
    auto mark = p.b_sent.size();
    CAF_REQUIRE_EQUAL(p.b.authenticated(curve_verdict(status), p.now),
                      local_error::none);
    p.run();
    CAF_CHECK_EQUAL(fail_code(p.b), peer_error::auth_failed);
    CAF_CHECK_EQUAL(p.b.error().auth_status, static_cast<uint16_t>(status));
    auto frames = parse_frames(p.b_sent, mark);
    if (status == auth_status::temporary_failure) {
      CAF_CHECK(frames.empty()); // 300: close without ERROR
      CAF_CHECK(!p.a.ready());
    } else {
      CAF_REQUIRE_EQUAL(frames.size(), 1u);
      CAF_CHECK(frames[0].body
                == concat({bytes{5}, bytes_of("ERROR"),
                           error_data(to_string(status))}));
      CAF_CHECK_EQUAL(fail_code(p.a), peer_error::auth_failed);
      CAF_CHECK_EQUAL(p.a.error().auth_status, static_cast<uint16_t>(status));
    }
  }
}

CAF_TEST(commands_out_of_order) {
  // INITIATE before HELLO; a second HELLO; READY at the server.
  raw_curve_client raw{server_keys.public_key};
  {
    auto server = make_server();
    server.start(now);
    feed_bytes(server,
               concat({greeting_bytes(1, "CURVE", 3, false),
                       command_frame("INITIATE", bytes(300, 0))}),
               now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::malformed_command_hello);
  }
  {
    auto server = make_server();
    feed_hello(server, raw.hello());
    feed_bytes(server, command_frame("HELLO", raw.hello(2)), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::unexpected_command);
  }
  {
    auto server = make_server();
    feed_hello(server, raw.hello());
    feed_bytes(server, ready_command(socket_type::dealer), now);
    CAF_CHECK_EQUAL(fail_code(server), peer_error::unexpected_command);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
