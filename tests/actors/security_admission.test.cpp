// A peer takes part in nothing before it is authenticated (libzmq's
// CVE-2020-15166: one unfinished handshake blocked every legitimate
// client): a peer whose verdict is pending, or that stops after its HELLO,
// never holds up a legitimate client of the same socket, and none of its
// messages reach the application.
#define CAF_SUITE security_admission
#include "security_fixture.hpp"

#include "../../interop/raw_tcp.hpp"

#include "monocoque/zmtp/session.hpp"

#include <poll.h>

using namespace security_test;

namespace {

uint16_t port_of(const std::string& ep) {
  return static_cast<uint16_t>(std::stoi(ep.substr(ep.rfind(':') + 1)));
}

// Writes what `s` has queued to `conn`.
bool write_output(zmtp::session& s, interop::raw_tcp& conn) {
  std::vector<zmtp::frame> bytes;
  s.output().drain_to(bytes);
  for (auto& f : bytes)
    if (!conn.write(std::string{f.as_string_view()}))
      return false;
  s.written(UINT64_MAX / 2);
  return true;
}

// Connects to `port` as a CURVE client that sends its greeting and a valid
// HELLO, then stops (never sends INITIATE). Returns the open connection.
interop::raw_tcp stop_after_hello(uint16_t port, const keypair& server) {
  auto conn = interop::raw_tcp::connect(port);
  CAF_REQUIRE(conn.valid());
  auto client = zmtp::make_curve_keypair();
  CAF_REQUIRE(client);
  zmtp::session_config cfg;
  cfg.type = zmtp::socket_type::push;
  zmtp::curve_key server_key{};
  CAF_REQUIRE(zmtp::z85_decode_key(server.public_z85, server_key)
              == zmtp::z85_error::none);
  cfg.security = zmtp::security_config::curve_client(
    server_key, client->public_key, client->secret_key.reveal());
  zmtp::session s{cfg};
  s.start(zmtp::timestamp{});
  CAF_REQUIRE(write_output(s, conn));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (s.state() == zmtp::session_state::greeting
         && std::chrono::steady_clock::now() < until) {
    auto chunk = conn.read(1);
    CAF_REQUIRE(chunk);
    s.feed(zmtp::byte_span{*chunk}, zmtp::timestamp{});
    if (s.state() != zmtp::session_state::greeting)
      break;
    CAF_REQUIRE(write_output(s, conn)); // the rest of our greeting
  }
  CAF_REQUIRE(s.state() == zmtp::session_state::handshake);
  CAF_REQUIRE(write_output(s, conn)); // greeting rest + HELLO
  // The server took the HELLO: its WELCOME starts coming (a command frame
  // of 168 bytes, flag 0x04). We never answer it.
  auto welcome = conn.read(2);
  CAF_REQUIRE(welcome);
  CAF_CHECK_EQUAL(static_cast<uint8_t>((*welcome)[0]), 0x04u);
  CAF_CHECK_EQUAL(static_cast<uint8_t>((*welcome)[1]), 168u);
  return conn;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(security_admission_tests, fixture)

CAF_TEST(a_pending_verdict_does_not_hold_up_a_pull_socket) {
  auto server_keys = make_keypair();
  auto slow = make_keypair();
  auto fast = make_keypair();
  auto auth = sys->spawn(silent_authenticator,
                         std::set<std::string>{slow.public_z85});
  auto opts = curve_server(server_keys, auth);
  auto a = mq::spawn_pull(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto held = mq::spawn_push(*sys, curve_client(server_keys, &slow));
  CAF_REQUIRE(!connect(held, *ep));
  CAF_REQUIRE(!send(held, "from the held peer"));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (held_requests(*self, auth) == 0
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  CAF_REQUIRE_EQUAL(held_requests(*self, auth), 1u);
  auto good = mq::spawn_push(*sys, curve_client(server_keys, &fast));
  CAF_REQUIRE(!connect(good, *ep));
  for (int i = 0; i < 3; ++i)
    CAF_REQUIRE(!send(good, "legit " + std::to_string(i)));
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(recv(a), "legit " + std::to_string(i));
  CAF_CHECK_EQUAL(recv(a, 300ms), "");
  auto st = stats(a);
  CAF_CHECK_EQUAL(st.peers.size(), 2u);
  size_t up = 0;
  for (auto& p : st.peers)
    if (p.up) {
      ++up;
      CAF_CHECK_EQUAL(p.user_id, fast.public_z85);
    }
  CAF_CHECK_EQUAL(up, 1u);
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_pending_verdict_takes_no_router_table_entry) {
  auto server_keys = make_keypair();
  auto slow = make_keypair();
  auto fast = make_keypair();
  auto auth = sys->spawn(silent_authenticator,
                         std::set<std::string>{slow.public_z85});
  auto opts = curve_server(server_keys, auth);
  opts.router_mandatory = true;
  auto a = mq::spawn_router(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto held_opts = curve_client(server_keys, &slow);
  held_opts.identity = "held";
  auto held = mq::spawn_dealer(*sys, held_opts);
  CAF_REQUIRE(!connect(held, *ep));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (held_requests(*self, auth) == 0
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  CAF_REQUIRE_EQUAL(held_requests(*self, auth), 1u);
  // A mandatory ROUTER does not know "held" yet.
  caf::error err;
  (*self)
    ->request(a, 5s, mq::send_atom::value, mq::make_message({"held", "x"}))
    .receive([](caf::ok_atom) {}, [&](caf::error& e) { err = e; });
  CAF_CHECK(err);
  auto good_opts = curve_client(server_keys, &fast);
  good_opts.identity = "good";
  auto good = mq::spawn_dealer(*sys, good_opts);
  CAF_REQUIRE(!connect(good, *ep));
  CAF_REQUIRE(!send(good, "request"));
  mq::multipart got;
  (*self)
    ->request(a, 10s, mq::recv_atom::value)
    .receive([&](mq::multipart& m) { got = std::move(m); },
             [](caf::error& e) { CAF_FAIL("router recv: " << e); });
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0].to_string(), "good");
  CAF_CHECK_EQUAL(got[1].to_string(), "request");
  (*self)
    ->request(a, 5s, mq::send_atom::value, mq::make_message({"good", "reply"}))
    .receive([](caf::ok_atom) {},
             [](caf::error& e) { CAF_FAIL("router send: " << e); });
  CAF_CHECK_EQUAL(recv(good), "reply");
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_pending_verdict_gets_no_pub_fan_out) {
  auto server_keys = make_keypair();
  auto slow = make_keypair();
  auto fast = make_keypair();
  auto auth = sys->spawn(silent_authenticator,
                         std::set<std::string>{slow.public_z85});
  auto opts = curve_server(server_keys, auth);
  opts.linger = caf::timespan{0};
  auto a = mq::spawn_pub(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto subscribe = [&](const mq::sub_actor& s) {
    (*self)
      ->request(s, 5s, mq::subscribe_to_atom::value, std::string{})
      .receive([](caf::ok_atom) {},
               [](caf::error& e) { CAF_FAIL("subscribe: " << e); });
  };
  auto held = mq::spawn_sub(*sys, curve_client(server_keys, &slow));
  subscribe(held);
  CAF_REQUIRE(!connect(held, *ep));
  auto until = std::chrono::steady_clock::now() + 5s;
  while (held_requests(*self, auth) == 0
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  CAF_REQUIRE_EQUAL(held_requests(*self, auth), 1u);
  auto good = mq::spawn_sub(*sys, curve_client(server_keys, &fast));
  subscribe(good);
  CAF_REQUIRE(!connect(good, *ep));
  // Publish until the good subscriber's subscription arrived (bounded).
  std::string got;
  for (int i = 0; i < 100 && got.empty(); ++i) {
    CAF_REQUIRE(!send(a, "news"));
    got = recv(good, 50ms);
  }
  CAF_CHECK_EQUAL(got, "news");
  CAF_CHECK_EQUAL(recv(held, 100ms), "");
  auto st = stats(a);
  CAF_CHECK_EQUAL(st.peers.size(), 2u);
  for (auto& p : st.peers)
    if (!p.up) {
      CAF_CHECK_EQUAL(p.msgs_out, 0u);
      CAF_CHECK_EQUAL(p.subscriptions, 0u);
    }
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(a_client_that_stops_after_hello_does_not_block_others) {
  auto server_keys = make_keypair();
  auto a = mq::spawn_pull(*sys, curve_server(server_keys));
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  std::vector<interop::raw_tcp> stalled;
  for (int i = 0; i < 5; ++i)
    stalled.push_back(stop_after_hello(port_of(*ep), server_keys));
  auto good = mq::spawn_push(*sys, curve_client(server_keys));
  CAF_REQUIRE(!connect(good, *ep));
  CAF_REQUIRE(!send(good, "served"));
  CAF_CHECK_EQUAL(recv(a), "served");
  auto st = stats(a);
  size_t up = 0;
  for (auto& p : st.peers)
    up += p.up ? 1 : 0;
  CAF_CHECK_EQUAL(up, 1u);
  CAF_CHECK_EQUAL(st.peers.size(), 6u);
}

CAF_TEST(a_zmtp20_peer_is_refused_by_curve_and_plain_sockets) {
  auto server_keys = make_keypair();
  auto plain = plain_server();
  for (auto& opts : {curve_server(server_keys), plain}) {
    auto a = mq::spawn_pull(*sys, opts);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    auto conn = interop::raw_tcp::connect(port_of(*ep));
    CAF_REQUIRE(conn.valid());
    // ZMTP 2.0 greeting: signature, revision 1, socket type PUSH (8), then
    // an empty identity frame.
    std::string greeting{"\xff\0\0\0\0\0\0\0\x01\x7f", 10};
    greeting += std::string{"\x01\x08\x00\x00", 4};
    CAF_REQUIRE(conn.write(greeting));
    CAF_CHECK(conn.drain_until_eof() == interop::raw_tcp::eof_result::closed);
    CAF_CHECK_EQUAL(peers_up(a, 1, 100ms), 0u);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
