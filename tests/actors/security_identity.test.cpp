// Who sent a message: the peer_identity that (recv_atom, from_atom) and
// (deliver_atom, from_atom, ...) hand out, and the mechanism and user id in
// the socket's stats; only our authenticator sets the user id.
#define CAF_SUITE security_identity
#include "security_fixture.hpp"

#include <caf/event_based_actor.hpp>

#include <tuple>

using namespace security_test;

namespace {

std::string property(const mq::peer_identity& id, const std::string& name) {
  for (auto& [k, v] : id.properties)
    if (k == name)
      return v;
  return "<none>";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(security_identity_tests, fixture)

CAF_TEST(plain_user_and_properties_reach_the_receiver) {
  auto auth = sys->spawn(table_authenticator, std::set<std::string>{});
  auto a = mq::spawn_dealer(*sys, plain_server(caf::actor_cast<caf::actor>(auth)));
  auto b = mq::spawn_dealer(*sys, plain_client("admin", "secret"));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "one"));
  auto got = recv_from(*self, a);
  CAF_CHECK_EQUAL(got.text, "one");
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->mechanism, "PLAIN");
  CAF_CHECK_EQUAL(got.from->user_id, "admin");
  CAF_CHECK_EQUAL(property(*got.from, "Role"), "admin");
  CAF_CHECK(got.from->epoch != 0);
  CAF_CHECK(got.from->endpoint.find("127.0.0.1") != std::string::npos);
  // Every message of the connection carries the same identity.
  CAF_REQUIRE(!send(b, "two"));
  auto again = recv_from(*self, a);
  CAF_CHECK_EQUAL(again.text, "two");
  CAF_CHECK_EQUAL(again.from.get(), got.from.get());
  // Stats show it too.
  auto st = stats(a);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].mechanism, "PLAIN");
  CAF_CHECK_EQUAL(st.peers[0].user_id, "admin");
  // The client side knows the mechanism, but no user id of the server.
  CAF_REQUIRE(!send(a, "back"));
  auto back = recv_from(*self, b);
  CAF_CHECK_EQUAL(back.text, "back");
  CAF_REQUIRE(back.from != nullptr);
  CAF_CHECK_EQUAL(back.from->mechanism, "PLAIN");
  CAF_CHECK_EQUAL(back.from->user_id, "");
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(curve_key_and_properties_reach_a_delivery_target) {
  auto server_keys = make_keypair();
  auto client_keys = make_keypair();
  auto auth = sys->spawn(table_authenticator,
                         std::set<std::string>{client_keys.public_z85});
  auto opts = curve_server(server_keys, auth);
  auto a = mq::spawn_pull(*sys, opts);
  auto b = mq::spawn_push(*sys, curve_client(server_keys, &client_keys));
  bind_and_connect(a, b);
  (*self)->send(a, mq::deliver_atom::value, mq::from_atom::value,
                caf::actor{*self}, uint64_t{2});
  CAF_REQUIRE(!send(b, "first"));
  CAF_REQUIRE(!send(b, "second"));
  std::vector<received> got;
  for (int i = 0; i < 2; ++i)
    (*self)->receive(
      [&](mq::message_atom, mq::peer_identity_ptr& from, mq::multipart& m) {
        got.push_back({m.back().to_string(), std::move(from)});
      },
      caf::after(10s) >> [] { CAF_FAIL("no delivery"); });
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0].text, "first");
  CAF_CHECK_EQUAL(got[1].text, "second");
  for (auto& x : got) {
    CAF_REQUIRE(x.from != nullptr);
    CAF_CHECK_EQUAL(x.from->mechanism, "CURVE");
    CAF_CHECK_EQUAL(x.from->user_id, client_keys.public_z85);
    CAF_CHECK_EQUAL(property(*x.from, "Checked-By"), "table");
  }
  auto st = stats(a);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].mechanism, "CURVE");
  CAF_CHECK_EQUAL(st.peers[0].user_id, client_keys.public_z85);
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

CAF_TEST(curve_without_authenticator_names_the_client_key) {
  auto server_keys = make_keypair();
  auto client_keys = make_keypair();
  auto a = mq::spawn_dealer(*sys, curve_server(server_keys));
  auto b = mq::spawn_dealer(*sys, curve_client(server_keys, &client_keys));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hi"));
  auto got = recv_from(*self, a);
  CAF_CHECK_EQUAL(got.text, "hi");
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->mechanism, "CURVE");
  CAF_CHECK_EQUAL(got.from->user_id, client_keys.public_z85);
}

CAF_TEST(the_authenticator_may_name_the_user) {
  auto server_keys = make_keypair();
  auto reply = mq::zap_reply::accept("alice");
  reply.properties.emplace_back("Team", "blue");
  auto auth = sys->spawn(fixed_authenticator, reply);
  auto opts = curve_server(server_keys, auth);
  auto a = mq::spawn_dealer(*sys, opts);
  auto b = mq::spawn_dealer(*sys, curve_client(server_keys));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hi"));
  auto got = recv_from(*self, a);
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->user_id, "alice");
  CAF_CHECK_EQUAL(property(*got.from, "Team"), "blue");
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

// The authenticator hears the domain, the peer's address without port and
// the mechanism's credentials.
CAF_TEST(the_authenticator_sees_domain_and_address) {
  auto server_keys = make_keypair();
  auto client_keys = make_keypair();
  auto auth = sys->spawn([]() -> mq::authenticator_actor::behavior_type {
    return {
      [](mq::authenticate_atom, const mq::zap_request& req) {
        auto reply = mq::zap_reply::accept();
        reply.properties.emplace_back("Domain", req.domain);
        reply.properties.emplace_back("Address", req.address);
        reply.properties.emplace_back("Mechanism", req.mechanism);
        reply.properties.emplace_back("Key-Size",
                                      std::to_string(req.client_key.size()));
        return reply;
      },
    };
  });
  auto opts = curve_server(server_keys, auth);
  opts.security.zap_domain = "billing";
  auto a = mq::spawn_dealer(*sys, opts);
  auto b = mq::spawn_dealer(*sys, curve_client(server_keys, &client_keys));
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hi"));
  auto got = recv_from(*self, a);
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(property(*got.from, "Domain"), "billing");
  CAF_CHECK_EQUAL(property(*got.from, "Address"), "127.0.0.1");
  CAF_CHECK_EQUAL(property(*got.from, "Mechanism"), "CURVE");
  CAF_CHECK_EQUAL(property(*got.from, "Key-Size"), "32");
  CAF_CHECK_EQUAL(got.from->user_id, client_keys.public_z85);
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

// The request carries the client's routing id for CURVE (its INITIATE
// comes before the verdict), and none for PLAIN (the client's Identity comes
// after WELCOME, i.e. after the verdict).
CAF_TEST(the_authenticator_sees_the_curve_routing_id_only) {
  auto auth = sys->spawn([]() -> mq::authenticator_actor::behavior_type {
    return {
      [](mq::authenticate_atom, const mq::zap_request& req) {
        auto reply = mq::zap_reply::accept(req.mechanism == "PLAIN"
                                             ? req.username
                                             : std::string{});
        reply.properties.emplace_back("Routing-Id", req.routing_id);
        return reply;
      },
    };
  });
  auto server_keys = make_keypair();
  auto curve = curve_server(server_keys);
  curve.security.authenticator = auth;
  auto curve_client_opts = curve_client(server_keys);
  curve_client_opts.identity = "client-7";
  auto plain = plain_server(caf::actor_cast<caf::actor>(auth));
  auto plain_client_opts = plain_client("admin", "secret");
  plain_client_opts.identity = "client-8";
  for (auto [server_opts, client_opts, expected] :
       {std::tuple{curve, curve_client_opts, std::string{"client-7"}},
        std::tuple{plain, plain_client_opts, std::string{}}}) {
    auto a = mq::spawn_router(*sys, server_opts);
    auto b = mq::spawn_dealer(*sys, client_opts);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!connect(b, *ep));
    CAF_REQUIRE(!send(b, "hi"));
    auto got = recv_from(*self, a);
    CAF_REQUIRE(got.from != nullptr);
    CAF_MESSAGE(got.from->mechanism);
    CAF_CHECK_EQUAL(property(*got.from, "Routing-Id"), expected);
    // The routing id the peer announced, for both mechanisms.
    CAF_CHECK_EQUAL(got.from->routing_id,
                    got.from->mechanism == "CURVE" ? "client-7" : "client-8");
  }
  caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
}

// libzmq lets a client's own metadata claim a User-Id when no ZAP handler
// runs; here only the authenticator (or the default) names the user.
CAF_TEST(a_peer_cannot_claim_its_user_id) {
  auto server_keys = make_keypair();
  auto client_keys = make_keypair();
  {
    CAF_MESSAGE("CURVE without authenticator: INITIATE claims User-Id");
    auto a = mq::spawn_dealer(*sys, curve_server(server_keys));
    auto copts = curve_client(server_keys, &client_keys);
    copts.properties.emplace_back("User-Id", "root");
    auto b = mq::spawn_dealer(*sys, copts);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!connect(b, *ep));
    CAF_REQUIRE(!send(b, "hi"));
    auto got = recv_from(*self, a);
    CAF_REQUIRE(got.from != nullptr);
    CAF_CHECK_EQUAL(got.from->user_id, client_keys.public_z85);
    CAF_CHECK_EQUAL(property(*got.from, "User-Id"), "<none>");
  }
  {
    CAF_MESSAGE("PLAIN: INITIATE claims User-Id");
    auto auth = sys->spawn(table_authenticator, std::set<std::string>{});
    auto a = mq::spawn_dealer(
      *sys, plain_server(caf::actor_cast<caf::actor>(auth)));
    auto copts = plain_client("admin", "secret");
    copts.properties.emplace_back("User-Id", "root");
    auto b = mq::spawn_dealer(*sys, copts);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!connect(b, *ep));
    CAF_REQUIRE(!send(b, "hi"));
    auto got = recv_from(*self, a);
    CAF_REQUIRE(got.from != nullptr);
    CAF_CHECK_EQUAL(got.from->user_id, "admin");
    caf::anon_send_exit(auth, caf::exit_reason::user_shutdown);
  }
}

CAF_TEST(null_peers_have_a_null_identity) {
  auto a = mq::spawn_router(*sys);
  auto b = mq::spawn_dealer(*sys);
  bind_and_connect(a, b);
  CAF_REQUIRE(!send(b, "hi"));
  received got;
  (*self)
    ->request(a, 10s, mq::recv_atom::value, mq::from_atom::value,
             caf::timespan{1s})
    .receive(
      [&](mq::multipart& m, mq::peer_identity_ptr& from) {
        CAF_CHECK_EQUAL(m.size(), 2u);
        got.text = m.back().to_string();
        got.from = std::move(from);
      },
      [](caf::error& err) { CAF_FAIL("recv from: " << err); });
  CAF_CHECK_EQUAL(got.text, "hi");
  CAF_REQUIRE(got.from != nullptr);
  CAF_CHECK_EQUAL(got.from->mechanism, "NULL");
  CAF_CHECK_EQUAL(got.from->user_id, "");
  // ROUTER: the identity names the routing id it prefixed.
  CAF_CHECK(!got.from->routing_id.empty());
  auto st = stats(a);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].mechanism, "NULL");
  CAF_CHECK_EQUAL(st.peers[0].routing_id, got.from->routing_id);
}

CAF_TEST_FIXTURE_SCOPE_END()
