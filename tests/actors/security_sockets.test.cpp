#define CAF_SUITE security_sockets
#include "security_fixture.hpp"

#include <thread>

using namespace security_test;

CAF_TEST_FIXTURE_SCOPE(security_sockets_tests, fixture)

CAF_TEST(curve_dealer_pair_without_authenticator) {
  auto server_keys = make_keypair();
  auto a = mq::spawn_dealer(*sys, curve_server(server_keys));
  auto b = mq::spawn_dealer(*sys, curve_client(server_keys));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hello over curve"));
  CAF_CHECK_EQUAL(recv(a), "hello over curve");
  CAF_REQUIRE(!send(a, "and back"));
  CAF_CHECK_EQUAL(recv(b), "and back");
}

CAF_TEST(plain_dealer_pair_with_authenticator) {
  auto auth = sys->spawn(table_authenticator, std::set<std::string>{});
  auto server = plain_server(auth);
  auto a = mq::spawn_dealer(*sys, server);
  auto b = mq::spawn_dealer(*sys, plain_client("admin", "secret"));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hello over plain"));
  CAF_CHECK_EQUAL(recv(a), "hello over plain");
  CAF_REQUIRE(!send(a, "and back"));
  CAF_CHECK_EQUAL(recv(b), "and back");
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(plain_wrong_password_is_refused) {
  auto auth = sys->spawn(table_authenticator, std::set<std::string>{});
  auto server = plain_server(auth);
  auto a = mq::spawn_dealer(*sys, server);
  auto b = mq::spawn_dealer(*sys, plain_client("admin", "wrong"));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "must not arrive"));
  CAF_CHECK_EQUAL(recv(a, 500ms), "");
  CAF_CHECK_EQUAL(peers_up(a, 1, 200ms), 0u);
  for (auto& p : stats(a).peers)
    CAF_CHECK(!p.up);
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(plain_without_authenticator_is_refused) {
  auto server = plain_server();
  auto a = mq::spawn_dealer(*sys, server);
  auto b = mq::spawn_dealer(*sys, plain_client("admin", "secret"));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "must not arrive"));
  CAF_CHECK_EQUAL(recv(a, 500ms), "");
  CAF_CHECK_EQUAL(peers_up(a, 1, 200ms), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
