// The ready-made authenticator behind real sockets (ours on both ends, over
// TCP): a CURVE server with a certificate directory admits the listed
// client, whose certificate metadata reach the receiver as the peer's
// properties, and refuses another key; a PLAIN server with a password table
// names the user.

#define CAF_SUITE authenticators_sockets
#include "security_fixture.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <unistd.h>

using namespace security_test;

namespace {

using monocoque_test::temp_dir;

mq::certificate make_cert(const std::string& name) {
  auto cert = mq::certificate::generate();
  CAF_REQUIRE(cert);
  CAF_REQUIRE(!cert->set_meta("name", name));
  return std::move(*cert);
}

mq::socket_options curve_client_of(const mq::certificate& server,
                                   const mq::certificate& own) {
  mq::socket_options opts;
  opts.linger = caf::timespan{0};
  opts.security.curve_server_key = server.public_key_z85();
  opts.security.curve_secret_key = own.keys().secret_key();
  return opts;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(authenticators_sockets_tests, fixture)

CAF_TEST(a certificate directory admits its clients with their metadata) {
  temp_dir dir;
  auto server = make_cert("server");
  auto alice = make_cert("alice");
  auto mallory = make_cert("mallory");
  CAF_REQUIRE(!alice.save_public(dir.path + "/alice.key"));
  mq::authenticator_config cfg;
  cfg.any_domain().curve_certificate_paths = {dir.path};
  auto auth = mq::spawn_authenticator(*sys, cfg);
  CAF_REQUIRE(auth);
  mq::socket_options server_opts;
  server_opts.security.curve_server = true;
  server_opts.security.curve_secret_key = server.keys().secret_key();
  server_opts.security.authenticator = *auth;
  auto srv = mq::spawn_dealer(*sys, server_opts);
  auto ep = bind(srv, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  // The unlisted client first: refused, its message never arrives.
  auto bad = mq::spawn_dealer(*sys, curve_client_of(server, mallory));
  CAF_REQUIRE(!connect(bad, *ep));
  static_cast<void>(send(bad, "from mallory"));
  auto good = mq::spawn_dealer(*sys, curve_client_of(server, alice));
  CAF_REQUIRE(!connect(good, *ep));
  CAF_REQUIRE(!send(good, "from alice"));
  auto got = recv_from(*self, srv);
  CAF_CHECK_EQUAL(got.text, "from alice");
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->mechanism, "CURVE");
  CAF_CHECK_EQUAL(got.from->user_id, alice.public_key_z85());
  using props = std::vector<std::pair<std::string, std::string>>;
  CAF_CHECK_EQUAL(got.from->properties, (props{{"name", "alice"}}));
  CAF_CHECK_EQUAL(recv(srv, caf::timespan{300ms}), "");
  for (auto& s : {caf::actor_cast<caf::actor>(srv),
                  caf::actor_cast<caf::actor>(bad),
                  caf::actor_cast<caf::actor>(good)})
    (*self)->send_exit(s, caf::exit_reason::user_shutdown);
  (*self)->send_exit(*auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(a password table names the PLAIN user) {
  auto auth = mq::spawn_plain_authenticator(
    *sys, {{"admin", mq::secret{std::string_view{"secret"}}}});
  CAF_REQUIRE(auth);
  mq::socket_options server_opts;
  server_opts.security.plain_server = true;
  server_opts.security.authenticator = *auth;
  auto srv = mq::spawn_dealer(*sys, server_opts);
  auto ep = bind(srv, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto bad = mq::spawn_dealer(*sys, plain_client("admin", "guess"));
  CAF_REQUIRE(!connect(bad, *ep));
  static_cast<void>(send(bad, "guessed"));
  auto good = mq::spawn_dealer(*sys, plain_client("admin", "secret"));
  CAF_REQUIRE(!connect(good, *ep));
  CAF_REQUIRE(!send(good, "knew it"));
  auto got = recv_from(*self, srv);
  CAF_CHECK_EQUAL(got.text, "knew it");
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->mechanism, "PLAIN");
  CAF_CHECK_EQUAL(got.from->user_id, "admin");
  CAF_CHECK_EQUAL(recv(srv, caf::timespan{300ms}), "");
  for (auto& s : {caf::actor_cast<caf::actor>(srv),
                  caf::actor_cast<caf::actor>(bad),
                  caf::actor_cast<caf::actor>(good)})
    (*self)->send_exit(s, caf::exit_reason::user_shutdown);
  (*self)->send_exit(*auth, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
