// PLAIN (RFC 24) between two of our sessions, back to back in virtual time:
// the successful handshakes, byte for byte and cut at every offset, the
// pull-style authentication (no WELCOME before the verdict), the user id
// that only the authenticator sets, and misuse of `authenticated`. The
// failures are in zmtp_plain_failures.cpp.
#define CAF_SUITE zmtp_plain
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

// Runs greeting and HELLO; returns the pending request of the server `b`.
std::optional<auth_request> run_to_auth(session_pair& p) {
  p.start();
  p.run();
  return p.b.take_auth_request();
}

} // namespace

CAF_TEST(plain_handshake_byte_for_byte_at_every_split) {
  for (auto how : all_chunkings(80)) {
    CAF_MESSAGE(to_string(how));
    auto client = plain_client_config(socket_type::dealer);
    client.identity = "me";
    session_pair p{client, plain_server_config(socket_type::router), how};
    auto req = run_to_auth(p);
    CAF_REQUIRE(req.has_value());
    CAF_CHECK_EQUAL(req->mechanism, "PLAIN");
    CAF_CHECK_EQUAL(req->username, "admin");
    CAF_CHECK_EQUAL(req->password.reveal_string(), "secret");
    // Handed out once; nothing goes to the client before the verdict.
    CAF_CHECK(!p.b.take_auth_request().has_value());
    CAF_CHECK(p.b.awaiting_auth());
    CAF_CHECK(!p.a.awaiting_auth());
    CAF_CHECK_EQUAL(p.b_sent.size(), 64u);
    CAF_CHECK(poll_all(p.a).empty());
    CAF_CHECK(poll_all(p.b).empty());
    // The verdict: WELCOME, INITIATE, READY follow.
    auto reply = verdict(auth_status::success, "admin-id");
    reply.properties.set("X-Role", "ops");
    CAF_REQUIRE_EQUAL(p.b.authenticated(std::move(reply), p.now),
                      local_error::none);
    CAF_CHECK(!p.b.awaiting_auth());
    p.run();
    CAF_REQUIRE(p.a.ready());
    CAF_REQUIRE(p.b.ready());
    auto a_events = poll_all(p.a);
    auto b_events = poll_all(p.b);
    CAF_REQUIRE_EQUAL(only<events::handshake_done>(a_events).size(), 1u);
    CAF_REQUIRE_EQUAL(only<events::handshake_done>(b_events).size(), 1u);
    CAF_CHECK_EQUAL(p.b.peer().identity, "me");
    CAF_CHECK_EQUAL(p.b.peer().type, socket_type::dealer);
    CAF_CHECK_EQUAL(p.a.peer().type, socket_type::router);
    CAF_CHECK_EQUAL(p.b.user_id(), "admin-id");
    CAF_REQUIRE(p.b.auth_properties().find("X-Role") != nullptr);
    CAF_CHECK_EQUAL(*p.b.auth_properties().find("X-Role"), "ops");
    CAF_CHECK(p.a.user_id().empty());
    // The wire, byte for byte: greetings name PLAIN with the roles' flags.
    CAF_CHECK(bytes(p.a_sent.begin(), p.a_sent.begin() + 64) ==
              greeting_bytes(1, "PLAIN", 3, false));
    CAF_CHECK(bytes(p.b_sent.begin(), p.b_sent.begin() + 64) ==
              greeting_bytes(1, "PLAIN", 3, true));
    auto expected_client = concat(
        {greeting_bytes(1, "PLAIN", 3, false),
         command_frame("HELLO", hello_data("admin", "secret")),
         command_frame("INITIATE", metadata_bytes({{"Socket-Type", "DEALER"},
                                                   {"Identity", "me"}}))});
    auto expected_server = concat(
        {greeting_bytes(1, "PLAIN", 3, true), command_frame("WELCOME"),
         command_frame("READY", metadata_bytes({{"Socket-Type", "ROUTER"},
                                                {"Identity", ""}}))});
    CAF_CHECK(p.a_sent == expected_client);
    CAF_CHECK(p.b_sent == expected_server);
    // Messages both ways.
    CAF_REQUIRE_EQUAL(p.a.send(make_message({"hello", "plain"})),
                      local_error::none);
    CAF_REQUIRE_EQUAL(p.b.send(make_message({"back"})), local_error::none);
    p.run();
    auto got_b = messages_of(poll_all(p.b));
    auto got_a = messages_of(poll_all(p.a));
    CAF_REQUIRE_EQUAL(got_b.size(), 1u);
    CAF_REQUIRE_EQUAL(got_a.size(), 1u);
    CAF_CHECK(same_message(got_b[0], make_message({"hello", "plain"})));
    CAF_CHECK(same_message(got_a[0], make_message({"back"})));
  }
}

CAF_TEST(plain_works_for_every_compatible_pair_and_both_minors) {
  std::vector<std::pair<socket_type, socket_type>> pairs{
      {socket_type::req, socket_type::rep},
      {socket_type::push, socket_type::pull},
      {socket_type::sub, socket_type::pub},
      {socket_type::xsub, socket_type::xpub},
      {socket_type::pair, socket_type::pair},
      {socket_type::dealer, socket_type::dealer},
  };
  for (auto [x, y] : pairs) {
    for (uint8_t minor : {uint8_t{0}, uint8_t{1}}) {
      CAF_MESSAGE(wire_name(x) << " -> " << wire_name(y) << ", 3." << +minor);
      auto client = plain_client_config(x);
      client.minor_version = minor;
      // The server may be either side of the socket pattern.
      session_pair p{plain_server_config(y), client, chunking::bytewise()};
      p.start();
      p.run();
      // Here `a` is the server.
      CAF_REQUIRE(p.a.take_auth_request().has_value());
      CAF_REQUIRE_EQUAL(
          p.a.authenticated(verdict(auth_status::success, "u"), p.now),
          local_error::none);
      p.run();
      CAF_CHECK(p.a.ready());
      CAF_CHECK(p.b.ready());
      CAF_CHECK_EQUAL(p.a.peer().minor, minor);
      CAF_CHECK_EQUAL(p.a.user_id(), "u");
    }
  }
}

CAF_TEST(empty_and_255_byte_credentials) {
  for (auto [user, password] : {std::pair<std::string, std::string>{"", ""},
                                {std::string(255, 'u'), std::string(255, 'p')},
                                {"u", std::string(255, '\0')}}) {
    session_pair p{plain_client_config(socket_type::dealer, user, password),
                   plain_server_config(socket_type::dealer),
                   chunking::split(7)};
    auto req = run_to_auth(p);
    CAF_REQUIRE(req.has_value());
    CAF_CHECK_EQUAL(req->username, user);
    CAF_CHECK_EQUAL(req->password.reveal_string(), password);
    CAF_CHECK(ends_with(p.a_sent,
                        command_frame("HELLO", hello_data(user, password))));
    CAF_REQUIRE_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                      local_error::none);
    p.run();
    CAF_CHECK(p.a.ready() && p.b.ready());
  }
}

// A PLAIN client announces its Identity in INITIATE, after the verdict: the
// request carries no routing id, even for a client that has one.
CAF_TEST(plain_request_has_no_routing_id) {
  auto client = plain_client_config(socket_type::dealer, "admin", "secret");
  client.identity = "client-7";
  session_pair p{client, plain_server_config(socket_type::router),
                 chunking::split(7)};
  auto req = run_to_auth(p);
  CAF_REQUIRE(req.has_value());
  CAF_CHECK_EQUAL(req->routing_id, "");
  CAF_REQUIRE_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                    local_error::none);
  p.run();
  CAF_REQUIRE(p.a.ready() && p.b.ready());
  CAF_CHECK_EQUAL(p.b.peer().identity, "client-7");
}

CAF_TEST(the_user_id_comes_from_the_authenticator_only) {
  for (std::string granted : {"alice", ""}) {
    auto client = plain_client_config(socket_type::dealer, "alice", "pw");
    // A client claiming a user id of its own in INITIATE.
    client.properties.set("User-Id", "root");
    session_pair p{client, plain_server_config(socket_type::router)};
    CAF_REQUIRE(run_to_auth(p).has_value());
    CAF_REQUIRE_EQUAL(
        p.b.authenticated(verdict(auth_status::success, granted), p.now),
        local_error::none);
    p.run();
    CAF_REQUIRE(p.b.ready());
    CAF_CHECK_EQUAL(p.b.user_id(), granted);
    // The claim stays what it is: one of the peer's own ZMTP properties.
    CAF_CHECK_EQUAL(p.b.peer().properties.find("User-Id").value_or(""), "root");
  }
}

CAF_TEST(authenticated_is_refused_without_pending_credentials) {
  // NULL sessions and PLAIN clients never wait for a verdict.
  {
    session_pair p{config(socket_type::dealer), config(socket_type::router)};
    CAF_REQUIRE(p.connect());
    CAF_CHECK(!p.a.take_auth_request().has_value());
    CAF_CHECK_EQUAL(p.a.authenticated(verdict(auth_status::success), p.now),
                    local_error::no_pending_auth);
  }
  session_pair p{plain_client_config(socket_type::dealer),
                 plain_server_config(socket_type::router)};
  // Before start and before HELLO.
  CAF_CHECK_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                  local_error::no_pending_auth);
  p.start();
  p.flush_b(); // only the server's greeting reaches the client
  CAF_CHECK_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                  local_error::no_pending_auth);
  p.run();
  CAF_CHECK_EQUAL(p.a.authenticated(verdict(auth_status::success), p.now),
                  local_error::no_pending_auth);
  CAF_REQUIRE(p.b.awaiting_auth());
  CAF_CHECK_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                  local_error::none);
  // A second verdict changes nothing.
  CAF_CHECK_EQUAL(p.b.authenticated(verdict(auth_status::failure), p.now),
                  local_error::no_pending_auth);
  p.run();
  CAF_CHECK(p.a.ready() && p.b.ready());
  // The verdict may come before the request was taken: it is then dropped.
  session_pair q{plain_client_config(socket_type::dealer),
                 plain_server_config(socket_type::router)};
  q.start();
  q.run();
  CAF_REQUIRE(q.b.awaiting_auth());
  CAF_CHECK_EQUAL(q.b.authenticated(verdict(auth_status::success), q.now),
                  local_error::none);
  CAF_CHECK(!q.b.take_auth_request().has_value());
  q.run();
  CAF_CHECK(q.a.ready() && q.b.ready());
}

CAF_TEST(an_unanswered_request_ends_in_the_handshake_timeout) {
  auto server = plain_server_config(socket_type::router);
  server.handshake_timeout = 5s;
  session_pair p{plain_client_config(socket_type::dealer), server};
  CAF_REQUIRE(run_to_auth(p).has_value());
  p.advance(4s);
  p.run();
  CAF_CHECK(p.b.awaiting_auth());
  p.advance(1s);
  p.run();
  CAF_CHECK_EQUAL(failure_code(poll_all(p.b)), peer_error::handshake_timeout);
  CAF_CHECK(!p.b.awaiting_auth());
  CAF_CHECK_EQUAL(p.b.authenticated(verdict(auth_status::success), p.now),
                  local_error::closed);
  // No WELCOME ever went out.
  for (const auto& name : command_names(p.b_sent))
    CAF_CHECK_NOT_EQUAL(name, "WELCOME");
}

CAF_TEST(security_config_validates_plain_credentials) {
  CAF_CHECK_EQUAL(security_config{}.validate(), local_error::none);
  CAF_CHECK_EQUAL(security_config::plain_server().validate(),
                  local_error::none);
  CAF_CHECK_EQUAL(
      security_config::plain_client(std::string(255, 'u'), "p").validate(),
      local_error::none);
  CAF_CHECK_EQUAL(
      security_config::plain_client(std::string(256, 'u'), "p").validate(),
      local_error::invalid_config);
  CAF_CHECK_EQUAL(
      security_config::plain_client("u", std::string(256, 'p')).validate(),
      local_error::invalid_config);
  CAF_CHECK_EQUAL(to_string(mechanism_kind::plain), std::string{"PLAIN"});
  CAF_CHECK_EQUAL(to_string(auth_status::internal_error), std::string{"500"});
}

CAF_TEST(the_password_does_not_linger_in_the_session_config) {
  session_pair p{plain_client_config(socket_type::dealer, "admin", "secret"),
                 plain_server_config(socket_type::router)};
  // The client's mechanism holds the password until HELLO is out; the
  // session's own copy of the configuration never keeps it.
  CAF_CHECK(p.a.config().security.plain_password.empty());
  CAF_CHECK_EQUAL(p.a.config().security.plain_username, "admin");
  p.start();
  p.run();
  CAF_CHECK(ends_with(p.a_sent,
                      command_frame("HELLO", hello_data("admin", "secret"))));
}
