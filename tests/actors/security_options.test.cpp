// socket_options::validate on the security fields: every refusal is
// errc::invalid_option naming the field, never the key or password itself;
// a socket spawned with such options exits at once with that error.
#define CAF_SUITE security_options
#include "security_fixture.hpp"

#include "caf/monocoque/internal/security_setup.hpp"

using namespace security_test;

namespace {

// Returns the rendered error, or "" if `opts` are valid.
std::string refusal(fixture& f, const mq::socket_options& opts) {
  auto err = opts.validate();
  if (!err)
    return {};
  CAF_CHECK(err.category() == mq::errc_category);
  CAF_CHECK(static_cast<mq::errc>(err.code()) == mq::errc::invalid_option);
  return f.sys->render(err);
}

bool names(const std::string& text, const std::string& field) {
  return text.find(field) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(security_options_tests, fixture)

CAF_TEST(valid_security_options) {
  auto server = make_keypair();
  auto client = make_keypair();
  CAF_CHECK_EQUAL(refusal(*this, curve_server(server)), "");
  CAF_CHECK_EQUAL(refusal(*this, curve_client(server)), "");
  CAF_CHECK_EQUAL(refusal(*this, curve_client(server, &client)), "");
  auto opts = curve_server(server);
  opts.security.curve_public_key = server.public_z85;
  CAF_CHECK_EQUAL(refusal(*this, opts), "");
  CAF_CHECK_EQUAL(refusal(*this, plain_client("u", "")), "");
  CAF_CHECK_EQUAL(refusal(*this, plain_client(std::string(255, 'u'),
                                              std::string(255, 'p'))),
                  "");
  mq::socket_options plain;
  plain.security.plain_server = true;
  plain.security.zap_domain = "global";
  CAF_CHECK_EQUAL(refusal(*this, plain), "");
  // Raw 32-byte keys work as well as Z85 text.
  auto raw = zmtp::make_curve_keypair();
  CAF_REQUIRE(raw);
  mq::socket_options raw_server;
  raw_server.security.curve_server = true;
  raw_server.security.curve_secret_key = raw->secret_key;
  CAF_CHECK_EQUAL(refusal(*this, raw_server), "");
  mq::socket_options raw_client;
  raw_client.security.curve_server_key.assign(raw->public_key.begin(),
                                              raw->public_key.end());
  CAF_CHECK_EQUAL(refusal(*this, raw_client), "");
}

CAF_TEST(bad_keys_name_their_field) {
  auto server = make_keypair();
  auto opts = curve_client(server);
  opts.security.curve_server_key = "too short";
  CAF_CHECK(names(refusal(*this, opts), "curve_server_key"));
  opts.security.curve_server_key = std::string(40, '~'); // not Z85
  CAF_CHECK(names(refusal(*this, opts), "curve_server_key"));
  opts.security.curve_server_key = std::string(32, '\0');
  CAF_CHECK(names(refusal(*this, opts), "curve_server_key"));
  opts = curve_server(server);
  opts.security.curve_secret_key = mq::secret{std::string_view{"0123456789"}};
  auto text = refusal(*this, opts);
  CAF_CHECK(names(text, "curve_secret_key"));
  CAF_CHECK(!names(text, "0123456789"));
  opts = curve_server(server);
  opts.security.curve_public_key = "nope";
  CAF_CHECK(names(refusal(*this, opts), "curve_public_key"));
}

CAF_TEST(inconsistent_settings_name_their_field) {
  auto server = make_keypair();
  auto other = make_keypair();
  CAF_MESSAGE("CURVE and PLAIN");
  auto opts = curve_client(server);
  opts.security.plain_username = "u";
  CAF_CHECK(names(refusal(*this, opts), "PLAIN"));
  CAF_MESSAGE("a CURVE server without secret key");
  mq::socket_options no_secret;
  no_secret.security.curve_server = true;
  CAF_CHECK(names(refusal(*this, no_secret), "curve_secret_key"));
  CAF_MESSAGE("a public key that does not match");
  opts = curve_server(server);
  opts.security.curve_public_key = other.public_z85;
  CAF_CHECK(names(refusal(*this, opts), "curve_public_key"));
  CAF_MESSAGE("a client without the server key");
  mq::socket_options keys_only;
  keys_only.security.curve_secret_key = other.secret_z85;
  CAF_CHECK(names(refusal(*this, keys_only), "curve_server_key"));
  CAF_MESSAGE("a CURVE server with a server key");
  opts = curve_server(server);
  opts.security.curve_server_key = other.public_z85;
  CAF_CHECK(names(refusal(*this, opts), "curve_server_key"));
  CAF_MESSAGE("PLAIN: password without user name");
  mq::socket_options no_user;
  no_user.security.plain_password = mq::secret{std::string_view{"pw"}};
  CAF_CHECK(names(refusal(*this, no_user), "plain_username"));
  CAF_MESSAGE("PLAIN: credentials longer than 255 bytes");
  CAF_CHECK(names(refusal(*this, plain_client(std::string(256, 'u'), "p")),
                  "plain_username"));
  auto text = refusal(*this, plain_client("u", std::string(256, 'p')));
  CAF_CHECK(names(text, "plain_password"));
  CAF_CHECK(!names(text, "ppppp"));
  CAF_MESSAGE("a ZAP domain longer than 255 bytes");
  mq::socket_options domain;
  domain.security.plain_server = true;
  domain.security.zap_domain = std::string(256, 'd');
  CAF_CHECK(names(refusal(*this, domain), "zap_domain"));
}

CAF_TEST(a_socket_with_bad_security_options_exits_at_once) {
  mq::socket_options opts;
  opts.security.curve_server = true;
  auto err = spawn_error(opts);
  CAF_CHECK(err.category() == mq::errc_category);
  CAF_CHECK(static_cast<mq::errc>(err.code()) == mq::errc::invalid_option);
}

CAF_TEST(a_curve_client_gets_one_keypair_per_socket) {
  auto server = make_keypair();
  auto opts = curve_client(server).security;
  auto one = mq::detail::make_security_config(opts);
  auto two = mq::detail::make_security_config(opts);
  CAF_REQUIRE(one && two);
  CAF_CHECK(one->curve_public_key != two->curve_public_key);
  CAF_CHECK_EQUAL(one->curve_secret_key.size(), 32u);
  CAF_CHECK(one->mechanism == zmtp::mechanism_kind::curve);
  CAF_CHECK(!one->as_server);
  // Its connections share it: two connections of one client socket show
  // the same user id (its public key) at the server.
  auto a = mq::spawn_dealer(*sys, curve_server(server));
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto b = mq::spawn_dealer(*sys, curve_client(server));
  auto ep2 = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep2);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(!connect(b, *ep2));
  CAF_REQUIRE_EQUAL(peers_up(a, 2), 2u);
  auto st = stats(a);
  CAF_REQUIRE_EQUAL(st.peers.size(), 2u);
  CAF_CHECK_EQUAL(st.peers[0].user_id.size(), 40u);
  CAF_CHECK_EQUAL(st.peers[0].user_id, st.peers[1].user_id);
}

CAF_TEST(zap_addresses_drop_scheme_and_port) {
  CAF_CHECK_EQUAL(mq::detail::zap_address("tcp://192.0.2.7:4000"),
                  "192.0.2.7");
  CAF_CHECK_EQUAL(mq::detail::zap_address("tcp://[::1]:4000"), "::1");
  CAF_CHECK_EQUAL(mq::detail::zap_address("ipc://(peer)"), "");
}

CAF_TEST_FIXTURE_SCOPE_END()
