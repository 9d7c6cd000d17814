// PLAIN (RFC 24) handshakes that fail: refused credentials (400/500 send
// ERROR with the status, 300 closes silently), malformed and unexpected
// commands, mechanism and role mismatches, ZMTP 2.0 peers, oversized HELLOs.
// Each side is either one of our sessions or a raw peer made of hand-written
// bytes; inputs are also fed one byte at a time.
#define CAF_SUITE zmtp_plain_failures
#include "protocol/plain_helpers.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

std::vector<chunking> some_chunkings() {
  return {chunking::whole(), chunking::bytewise(), chunking::split(3, true),
          chunking::split(13), chunking::split(65, true)};
}

// Returns the single failure among the events of `s`, if exactly one.
std::optional<failure> single_failure(session& s) {
  auto fails = only<events::failed>(poll_all(s));
  if (fails.size() != 1)
    return std::nullopt;
  return fails.front().reason;
}

// A PLAIN server fed `input` (after a PLAIN client greeting) as `how` says.
struct raw_client_at_plain_server {
  explicit raw_client_at_plain_server(const bytes& commands,
                                      chunking how = chunking::whole())
      : s(plain_server_config(socket_type::router)) {
    s.start(timestamp{0});
    feed_chunked(s, concat({plain_greeting(false), commands}), how,
                 timestamp{0});
    sent = drain_written(s);
  }
  session s;
  bytes sent;
};

// A PLAIN client fed `input` (after a PLAIN server greeting).
struct raw_server_at_plain_client {
  explicit raw_server_at_plain_client(const bytes& commands,
                                      chunking how = chunking::whole())
      : s(plain_client_config(socket_type::dealer)) {
    s.start(timestamp{0});
    feed_chunked(s, concat({plain_greeting(true), commands}), how,
                 timestamp{0});
    sent = drain_written(s);
  }
  session s;
  bytes sent;
};

} // namespace

// -- refused credentials ------------------------------------------------------

CAF_TEST(status_400_and_500_send_error_with_the_status) {
  for (auto status : {auth_status::failure, auth_status::internal_error}) {
    for (auto how : all_chunkings(20)) {
      CAF_MESSAGE(to_string(status) << ", " << to_string(how));
      session_pair p{plain_client_config(socket_type::dealer, "admin", "wrong"),
                     plain_server_config(socket_type::router), how};
      p.start();
      p.run();
      auto req = p.b.take_auth_request();
      CAF_REQUIRE(req.has_value());
      CAF_CHECK_EQUAL(req->password.reveal_string(), "wrong");
      CAF_REQUIRE_EQUAL(p.b.authenticated(verdict(status), p.now),
                        local_error::none);
      p.run();
      auto server_fail = single_failure(p.b);
      auto client_fail = single_failure(p.a);
      CAF_REQUIRE(server_fail && client_fail);
      CAF_CHECK_EQUAL(server_fail->code, peer_error::auth_failed);
      CAF_CHECK_EQUAL(server_fail->auth_status, static_cast<uint16_t>(status));
      CAF_CHECK_EQUAL(client_fail->code, peer_error::auth_failed);
      CAF_CHECK_EQUAL(client_fail->auth_status, static_cast<uint16_t>(status));
      // The server sent exactly ERROR "400" / "500" after its greeting, and
      // the client nothing after its HELLO.
      CAF_CHECK(p.b_sent == concat({plain_greeting(true),
                                    error_command(to_string(status))}));
      CAF_CHECK(command_names(p.a_sent) == std::vector<std::string>{"HELLO"});
      CAF_CHECK_EQUAL(p.a.state(), session_state::failed);
      CAF_CHECK_EQUAL(p.b.state(), session_state::failed);
      CAF_CHECK_EQUAL(p.a.send(make_message({"x"})), local_error::closed);
    }
  }
}

CAF_TEST(status_300_closes_without_error) {
  for (auto how : some_chunkings()) {
    session_pair p{plain_client_config(socket_type::dealer),
                   plain_server_config(socket_type::router), how};
    p.start();
    p.run();
    CAF_REQUIRE(p.b.take_auth_request().has_value());
    CAF_REQUIRE_EQUAL(
        p.b.authenticated(verdict(auth_status::temporary_failure), p.now),
        local_error::none);
    p.run();
    auto server_fail = single_failure(p.b);
    CAF_REQUIRE(server_fail.has_value());
    CAF_CHECK_EQUAL(server_fail->code, peer_error::auth_failed);
    CAF_CHECK_EQUAL(server_fail->auth_status, 300u);
    CAF_CHECK_EQUAL(p.b_sent.size(), 64u); // the greeting, nothing else
    // The client learns it from the closed connection only.
    CAF_CHECK(poll_all(p.a).empty());
    CAF_CHECK_EQUAL(p.a.state(), session_state::handshake);
  }
}

CAF_TEST(a_refused_client_keeps_nothing_and_gets_no_welcome) {
  session_pair p{plain_client_config(socket_type::dealer),
                 plain_server_config(socket_type::router)};
  p.start();
  p.run();
  // The verdict arrives before anyone took the request: it is wiped.
  CAF_REQUIRE_EQUAL(p.b.authenticated(verdict(auth_status::failure), p.now),
                    local_error::none);
  CAF_CHECK(!p.b.take_auth_request().has_value());
  CAF_CHECK(!p.b.awaiting_auth());
  CAF_CHECK(p.b.user_id().empty());
  p.run();
  for (const auto& name : command_names(p.b_sent))
    CAF_CHECK_NOT_EQUAL(name, "WELCOME");
}

// -- the server facing malformed or unexpected commands -----------------------

CAF_TEST(hello_lengths_must_add_up_exactly) {
  std::vector<bytes> bad{
      {},                                            // no user name length
      {5, 'a', 'b', 'c'},                            // user name cut short
      {3, 'a', 'b', 'c'},                            // no password length
      {3, 'a', 'b', 'c', 2, 'x'},                    // password cut short
      {3, 'a', 'b', 'c', 1, 'x', 'y'},               // one byte too many
      concat({hello_data("u", "p"), bytes(300, 0)}), // much too many
      {0},                                           // empty user, no password
      {255}, // claims 255 bytes, has none
  };
  for (const auto& data : bad) {
    for (auto how : some_chunkings()) {
      raw_client_at_plain_server t{command_frame("HELLO", data), how};
      CAF_CHECK_EQUAL(failure_code(poll_all(t.s)),
                      peer_error::malformed_command_hello);
      CAF_CHECK(!t.s.take_auth_request().has_value());
      CAF_CHECK(!t.s.awaiting_auth());
      CAF_CHECK(command_names(concat(
                    {bytes(64, 0),
                     t.sent.size() > 64
                         ? bytes(t.sent.begin() + 64, t.sent.end())
                         : bytes{}})) == std::vector<std::string>{"ERROR"});
    }
  }
  // The same lengths, well-formed, pass.
  raw_client_at_plain_server ok{command_frame("HELLO", hello_data("abc", "x"))};
  CAF_CHECK(poll_all(ok.s).empty());
  auto req = ok.s.take_auth_request();
  CAF_REQUIRE(req.has_value());
  CAF_CHECK_EQUAL(req->username, "abc");
  CAF_CHECK_EQUAL(req->password.reveal_string(), "x");
}

CAF_TEST(other_commands_than_hello_are_unexpected) {
  for (auto name : {"HELLOX", "hello", "WELCOME", "INITIATE", "READY", "PING",
                    "SUBSCRIBE", "MESSAGE"}) {
    raw_client_at_plain_server t{
        command_frame(name, hello_data("admin", "secret")),
        chunking::bytewise()};
    CAF_CHECK_EQUAL(failure_code(poll_all(t.s)),
                    peer_error::unexpected_command);
    CAF_CHECK(!t.s.awaiting_auth());
  }
  // A message frame before the handshake.
  raw_client_at_plain_server msg{message_frame("data")};
  CAF_CHECK_EQUAL(failure_code(poll_all(msg.s)),
                  peer_error::unexpected_command);
  // An ERROR from the client ends it without an ERROR back.
  raw_client_at_plain_server err{error_command("bye")};
  auto f = single_failure(err.s);
  CAF_REQUIRE(f.has_value());
  CAF_CHECK_EQUAL(f->code, peer_error::error_command);
  CAF_CHECK_EQUAL(f->detail, "bye");
  CAF_CHECK_EQUAL(err.sent.size(), 64u);
}

CAF_TEST(initiate_before_welcome_fails_and_drops_the_credentials) {
  // A client that pipelines INITIATE behind HELLO, before being authenticated.
  for (auto how : some_chunkings()) {
    raw_client_at_plain_server t{
        concat({command_frame("HELLO", hello_data("admin", "secret")),
                command_frame("INITIATE",
                              metadata_bytes({{"Socket-Type", "DEALER"}}))}),
        how};
    CAF_CHECK_EQUAL(failure_code(poll_all(t.s)),
                    peer_error::unexpected_command);
    CAF_CHECK(!t.s.take_auth_request().has_value());
    CAF_CHECK_EQUAL(t.s.authenticated(verdict(auth_status::success), 0ns),
                    local_error::closed);
  }
}

CAF_TEST(initiate_with_malformed_metadata_or_a_second_hello) {
  auto run = [](const bytes& after_welcome) {
    session s{plain_server_config(socket_type::router)};
    s.start(0ns);
    feed_bytes(s,
               concat({plain_greeting(),
                       command_frame("HELLO", hello_data("u", "p"))}),
               0ns);
    CAF_REQUIRE(s.awaiting_auth());
    CAF_REQUIRE_EQUAL(s.authenticated(verdict(auth_status::success), 0ns),
                      local_error::none);
    feed_bytes(s, after_welcome, 0ns);
    return failure_code(poll_all(s));
  };
  CAF_CHECK_EQUAL(run(command_frame("INITIATE", bytes{11, 'S', 'o'})),
                  peer_error::invalid_metadata);
  CAF_CHECK_EQUAL(run(command_frame("HELLO", hello_data("u", "p"))),
                  peer_error::unexpected_command);
  CAF_CHECK_EQUAL(run(command_frame("INITIATE")),
                  peer_error::invalid_metadata); // no Socket-Type
  CAF_CHECK_EQUAL(
      run(command_frame("INITIATE", metadata_bytes({{"Socket-Type", "PUB"}}))),
      peer_error::socket_type_mismatch);
  CAF_CHECK_EQUAL(run(command_frame(
                      "INITIATE", metadata_bytes({{"Socket-Type", "DEALER"}}))),
                  peer_error::none);
}

CAF_TEST(a_huge_hello_is_refused_on_its_header) {
  // 1 MiB announced: refused before a byte of it is held (64 KiB budget).
  raw_client_at_plain_server t{
      concat({frame_header(0x04, 1u << 20), bytes{5}, bytes_of("HELLO")})};
  CAF_CHECK_EQUAL(failure_code(poll_all(t.s)), peer_error::message_too_large);
  // A budget of 100 bytes: a 255 + 255 byte HELLO does not fit.
  auto cfg = plain_server_config(socket_type::router);
  cfg.max_handshake_size = 100;
  session s{cfg};
  s.start(0ns);
  feed_bytes(
      s,
      concat({plain_greeting(),
              command_frame("HELLO", hello_data(std::string(255, 'u'),
                                                std::string(255, 'p')))}),
      0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  CAF_CHECK(!s.take_auth_request().has_value());
}

// -- the client facing a misbehaving server -----------------------------------

CAF_TEST(client_refuses_bad_welcome_ready_and_error) {
  struct scenario {
    const char* what;
    bytes input;
    peer_error expected;
  };
  std::vector<scenario> cases{
      {"WELCOME with data", command_frame("WELCOME", bytes{0}),
       peer_error::malformed_command_welcome},
      {"READY before WELCOME", ready_command(socket_type::router),
       peer_error::unexpected_command},
      {"two WELCOMEs",
       concat({command_frame("WELCOME"), command_frame("WELCOME")}),
       peer_error::unexpected_command},
      {"READY with bad metadata",
       concat({command_frame("WELCOME"), command_frame("READY", bytes{3})}),
       peer_error::invalid_metadata},
      {"HELLO to a client", command_frame("HELLO", hello_data("a", "b")),
       peer_error::unexpected_command},
      {"truncated ERROR", command_frame("ERROR", bytes{9, 'x'}),
       peer_error::malformed_command},
      {"ERROR with text", error_command("Invalid socket type"),
       peer_error::error_command},
      {"ERROR 401 is no ZAP status", error_command("401"),
       peer_error::error_command},
      {"ERROR 400", error_command("400"), peer_error::auth_failed},
      // libzmq 4.3's PLAIN ERROR: "\x05ERROR" in C is 0x5E "RROR".
      {"libzmq's misspelt ERROR 400",
       bytes{0x04, 0x09, 0x5E, 'R', 'R', 'O', 'R', 0x03, '4', '0', '0'},
       peer_error::auth_failed},
      {"libzmq's misspelt ERROR, truncated",
       bytes{0x04, 0x06, 0x5E, 'R', 'R', 'O', 'R', 0x03},
       peer_error::malformed_command},
      {"an unparsable command", bytes{0x04, 0x03, 0x5E, 'R', 'R'},
       peer_error::malformed_command},
      {"ERROR 300 after WELCOME",
       concat({command_frame("WELCOME"), error_command("300")}),
       peer_error::auth_failed},
      {"READY for an incompatible type",
       concat({command_frame("WELCOME"), ready_command(socket_type::pub)}),
       peer_error::socket_type_mismatch},
  };
  for (const auto& c : cases) {
    for (auto how : some_chunkings()) {
      CAF_MESSAGE(c.what << ", " << to_string(how));
      raw_server_at_plain_client t{c.input, how};
      CAF_CHECK_EQUAL(failure_code(poll_all(t.s)), c.expected);
    }
  }
  // Only a PLAIN client reads libzmq's PLAIN misspelling.
  {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s,
               concat({greeting_bytes(1), bytes{0x04, 0x09, 0x5E, 'R', 'R', 'O',
                                                'R', 0x03, '4', '0', '0'}}),
               0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::malformed_command);
  }
  // The happy path with the same helper, for contrast.
  raw_server_at_plain_client ok{
      concat({command_frame("WELCOME"), ready_command(socket_type::router)}),
      chunking::bytewise()};
  CAF_CHECK(ok.s.ready());
  CAF_CHECK(command_names(ok.sent) ==
            (std::vector<std::string>{"HELLO", "INITIATE"}));
}

// -- mechanisms and roles
// -------------------------------------------------------

CAF_TEST(mechanism_mismatches_fail_both_sides) {
  struct scenario {
    const char* what;
    session_config a;
    session_config b;
  };
  std::vector<scenario> cases{
      {"NULL client at a PLAIN server", config(socket_type::dealer),
       plain_server_config(socket_type::router)},
      {"PLAIN client at a NULL server",
       plain_client_config(socket_type::dealer), config(socket_type::router)},
      {"two PLAIN servers", plain_server_config(socket_type::dealer),
       plain_server_config(socket_type::router)},
  };
  for (const auto& c : cases) {
    for (auto how : some_chunkings()) {
      CAF_MESSAGE(c.what << ", " << to_string(how));
      session_pair p{c.a, c.b, how};
      CAF_CHECK(!p.connect());
      CAF_CHECK_EQUAL(failure_code(poll_all(p.a)),
                      peer_error::mechanism_mismatch);
      CAF_CHECK_EQUAL(failure_code(poll_all(p.b)),
                      peer_error::mechanism_mismatch);
      CAF_CHECK(!p.a.awaiting_auth() && !p.b.awaiting_auth());
      CAF_CHECK(command_names(p.a_sent) == std::vector<std::string>{"ERROR"});
    }
  }
}

CAF_TEST(two_plain_clients_fail_on_each_others_hello) {
  session_pair p{plain_client_config(socket_type::dealer),
                 plain_client_config(socket_type::router),
                 chunking::bytewise()};
  CAF_CHECK(!p.connect());
  CAF_CHECK_EQUAL(failure_code(poll_all(p.a)), peer_error::unexpected_command);
  CAF_CHECK_EQUAL(failure_code(poll_all(p.b)), peer_error::unexpected_command);
}

CAF_TEST(a_libzmq_style_server_greeting_with_as_server_0_is_fine) {
  // libzmq writes as-server 0 whatever its role: our client must go on.
  session s{plain_client_config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s,
             concat({plain_greeting(false), command_frame("WELCOME"),
                     ready_command(socket_type::router)}),
             0ns);
  CAF_CHECK(s.ready());
}

CAF_TEST(plain_refuses_zmtp_2_0_peers) {
  for (bool as_server : {false, true}) {
    auto cfg = as_server ? plain_server_config(socket_type::router)
                         : plain_client_config(socket_type::dealer);
    session s{cfg};
    s.start(0ns);
    // ZMTP 2.0: signature, revision 1, socket type (DEALER = 5).
    auto head = greeting_head(1);
    head.push_back(5);
    feed_bytes(s, head, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::mechanism_mismatch);
    // Nothing but our signature and revision went out: no 2.0 handshake.
    auto sent = drain_written(s);
    CAF_CHECK(sent == greeting_head(3));
  }
}
