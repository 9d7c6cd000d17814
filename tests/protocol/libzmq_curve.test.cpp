// Interop with a real libzmq 4.3.4 peer over CURVE (RFC 26), both roles:
// our CURVE client against a libzmq CURVE server (without a ZAP handler:
// libzmq then accepts any client key; and with one on a thread that checks
// our key and sets a user id), and a libzmq CURVE client against our CURVE
// server (which asks nobody: the test answers its pull-style auth request).
// Messages both ways (multipart too), a 3.1 subscription inside the box,
// and a wire check: the bytes each side wrote never carry a payload in clear.

#define CAF_SUITE zmtp_libzmq_curve
#include "../../interop/zap_handler.hpp"
#include "../../interop/zmq_monitor.hpp"
#include "libzmq_peer.hpp"
#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <atomic>
#include <caf/test/dsl.hpp>
#include <cstring>
#include <mutex>
#include <thread>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

namespace {

/// A keypair from libzmq's own zmq_curve_keypair, in Z85 and binary.
struct zkeys {
  std::string public_z85;
  std::string secret_z85;
  curve_key public_key{};
  curve_key secret_key{};

  zkeys() {
    char pub[41];
    char sec[41];
    if (zmq_curve_keypair(pub, sec) != 0)
      throw std::runtime_error("zmq_curve_keypair failed");
    public_z85 = pub;
    secret_z85 = sec;
    if (z85_decode_key(public_z85, public_key) != z85_error::none
        || z85_decode_key(secret_z85, secret_key) != z85_error::none)
      throw std::runtime_error("Z85 key does not decode");
  }
};

using interop::zap_handler;
using interop::zap_seen;
using interop::zap_verdict;
using interop::zmq_monitor;

/// The policy of a libzmq ZAP handler (RFC 27) that answers 200 with user
/// id "curve:" + the Z85 key for `allowed`, 400 for any other key.
zap_handler::policy_fn allow_only(const curve_key& allowed) {
  std::string raw(allowed.begin(), allowed.end());
  auto user_id = "curve:" + z85_encode_key(allowed);
  return [raw, user_id](const zap_seen& req) -> zap_verdict {
    if (req.mechanism == "CURVE" && req.raw_credential == raw)
      return {"200", user_id, "OK"};
    return {"400", "", "Unknown key"};
  };
}

bool contains(const bytes& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(),
                     needle.end())
         != haystack.end();
}

session_config curve_client_cfg(socket_type type, std::string identity,
                                const zkeys& ours, const curve_key& server) {
  auto cfg = config(type, std::move(identity));
  cfg.security = security_config::curve_client(
    server, ours.public_key,
    byte_span{ours.secret_key.data(), ours.secret_key.size()});
  return cfg;
}

session_config curve_server_cfg(socket_type type, const zkeys& ours) {
  auto cfg = config(type);
  cfg.security = security_config::curve_server(
    ours.public_key, byte_span{ours.secret_key.data(), ours.secret_key.size()});
  return cfg;
}

void make_curve_server(zmq::socket_t& sock, const zkeys& keys) {
  sock.set(zmq::sockopt::curve_server, 1);
  sock.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
}

void make_curve_client(zmq::socket_t& sock, const zkeys& keys,
                       const std::string& server_public_z85) {
  sock.set(zmq::sockopt::curve_serverkey, server_public_z85);
  sock.set(zmq::sockopt::curve_publickey, keys.public_z85);
  sock.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
}

/// Runs `us` until it asks for authentication; returns the request.
std::optional<auth_request> wait_for_auth(raw_peer& us) {
  std::optional<auth_request> req;
  us.run_until([&] {
    if (!req)
      req = us.sess().take_auth_request();
    return req.has_value() || us.failed();
  });
  return req;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_curve_tests, fixture)

// -- our CURVE client, libzmq's CURVE server ---------------------------------

CAF_TEST(our_curve_client_at_a_libzmq_curve_server_without_zap) {
  zkeys server_keys;
  zkeys client_keys;
  auto router = make(zmq::socket_type::router);
  make_curve_server(router, server_keys);
  auto port = bind_ephemeral(router);
  raw_peer us{connect_tcp(port),
              curve_client_cfg(socket_type::dealer, "us", client_keys,
                               server_keys.public_key)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->type, socket_type::router);
  CAF_REQUIRE(us.send({"secret-hello", "secret-part"}));
  std::vector<zmq::message_t> got;
  CAF_REQUIRE(zmq::recv_multipart(router, std::back_inserter(got)));
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(got[0].to_string(), "us");
  CAF_CHECK_EQUAL(got[1].to_string(), "secret-hello");
  CAF_CHECK_EQUAL(got[2].to_string(), "secret-part");
  zsend(router, {"us", "secret-reply", "secret-more"});
  auto back = us.receive();
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(*back == (parts{"secret-reply", "secret-more"}));
  // The wire check: neither side wrote a payload or metadata in clear.
  CAF_CHECK(!contains(us.sent(), "secret"));
  CAF_CHECK(!contains(us.received(), "secret"));
  CAF_CHECK(!contains(us.sent(), "Socket-Type"));
  CAF_CHECK(!contains(us.received(), "Socket-Type"));
  CAF_CHECK(contains(us.sent(), "\x07MESSAGE"));
}

CAF_TEST(our_curve_client_with_a_libzmq_zap_handler) {
  zkeys server_keys;
  zkeys client_keys;
  zap_handler zap{ctx, allow_only(client_keys.public_key)};
  auto router = make(zmq::socket_type::router);
  make_curve_server(router, server_keys);
  router.set(zmq::sockopt::zap_domain, "test");
  auto port = bind_ephemeral(router);
  raw_peer us{connect_tcp(port),
              curve_client_cfg(socket_type::dealer, "us", client_keys,
                               server_keys.public_key)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  auto seen = zap.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].mechanism, "CURVE");
  CAF_CHECK(seen[0].raw_credential
            == std::string(client_keys.public_key.begin(),
                           client_keys.public_key.end()));
  CAF_REQUIRE(us.send({"hello"}));
  std::vector<zmq::message_t> got;
  CAF_REQUIRE(zmq::recv_multipart(router, std::back_inserter(got)));
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(std::string{got[1].gets("User-Id")},
                  "curve:" + client_keys.public_z85);
}

CAF_TEST(our_unknown_curve_client_gets_error_400) {
  zkeys server_keys;
  zkeys client_keys;
  zkeys allowed;
  zap_handler zap{ctx, allow_only(allowed.public_key)};
  auto router = make(zmq::socket_type::router);
  make_curve_server(router, server_keys);
  router.set(zmq::sockopt::zap_domain, "test");
  auto port = bind_ephemeral(router);
  raw_peer us{connect_tcp(port),
              curve_client_cfg(socket_type::dealer, "us", client_keys,
                               server_keys.public_key)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_CHECK(!us.handshake().has_value());
  auto failed = us.take<events::failed>();
  CAF_REQUIRE(failed.has_value());
  CAF_CHECK_EQUAL(failed->reason.code, peer_error::auth_failed);
  CAF_CHECK_EQUAL(failed->reason.auth_status, 400u);
}

CAF_TEST(our_curve_client_with_the_wrong_server_key) {
  zkeys server_keys;
  zkeys client_keys;
  zkeys other;
  auto router = make(zmq::socket_type::router);
  make_curve_server(router, server_keys);
  zmq_monitor mon{ctx, router, "inproc://curve-server-monitor"};
  auto port = bind_ephemeral(router);
  raw_peer us{connect_tcp(port),
              curve_client_cfg(socket_type::dealer, "us", client_keys,
                               other.public_key)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_CHECK(!us.handshake().has_value());
  auto code = mon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
  CAF_REQUIRE(code.has_value());
  CAF_CHECK_EQUAL(*code, static_cast<uint32_t>(
                           ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC));
}

CAF_TEST(our_curve_sub_at_a_libzmq_curve_pub) {
  zkeys server_keys;
  zkeys client_keys;
  auto pub = make(zmq::socket_type::pub);
  make_curve_server(pub, server_keys);
  auto port = bind_ephemeral(pub);
  raw_peer us{connect_tcp(port),
              curve_client_cfg(socket_type::sub, "", client_keys,
                               server_keys.public_key)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->minor, 1);
  CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("topic-x")),
                    local_error::none);
  CAF_REQUIRE(us.flush());
  // A PUB drops what nobody subscribed to: publish until it arrives.
  auto synced = us.run_until(
    [&] {
      zsend(pub, {"other"});
      zsend(pub, {"topic-x-sync"});
      auto msg = us.receive(20ms);
      return msg.has_value() && *msg == parts{"topic-x-sync"};
    },
    3000ms);
  CAF_REQUIRE(synced);
  zsend(pub, {"other-2"});
  zsend(pub, {"topic-x-data", "secret-body"});
  auto msg = us.receive();
  CAF_REQUIRE(msg.has_value());
  CAF_CHECK(*msg == (parts{"topic-x-data", "secret-body"}));
  CAF_CHECK(!contains(us.sent(), "topic-x"));
  CAF_CHECK(!contains(us.sent(), "SUBSCRIBE"));
  CAF_CHECK(!contains(us.received(), "topic-x"));
  CAF_CHECK(!contains(us.received(), "secret"));
}

// -- libzmq's CURVE client, our CURVE server ---------------------------------

CAF_TEST(a_libzmq_curve_client_at_our_curve_server) {
  zkeys server_keys;
  zkeys client_keys;
  uint16_t port = 0;
  fd_guard listener{listen_tcp(port)};
  CAF_REQUIRE(listener.get() >= 0);
  auto dealer = make(zmq::socket_type::dealer, "them");
  make_curve_client(dealer, client_keys, server_keys.public_z85);
  dealer.connect("tcp://127.0.0.1:" + std::to_string(port));
  raw_peer us{accept_tcp(listener.get()),
              curve_server_cfg(socket_type::router, server_keys)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  auto req = wait_for_auth(us);
  CAF_REQUIRE(req.has_value());
  CAF_CHECK_EQUAL(req->mechanism, "CURVE");
  CAF_CHECK(req->client_key == client_keys.public_key);
  // No READY before the verdict.
  us.run_for(50ms);
  CAF_CHECK(us.sess().awaiting_auth());
  auth_reply ok;
  ok.status = auth_status::success;
  ok.user_id = client_keys.public_z85;
  CAF_REQUIRE_EQUAL(us.sess().authenticated(std::move(ok), now()),
                    local_error::none);
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->type, socket_type::dealer);
  CAF_CHECK_EQUAL(peer->identity, "them");
  CAF_CHECK_EQUAL(us.sess().user_id(), client_keys.public_z85);
  zsend(dealer, {"secret-from-libzmq", "secret-part-2"});
  auto got = us.receive();
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{"secret-from-libzmq", "secret-part-2"}));
  CAF_REQUIRE(us.send({"secret-answer", "secret-tail"}));
  auto back = zrecv(dealer);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(*back == (parts{"secret-answer", "secret-tail"}));
  CAF_CHECK(!contains(us.sent(), "secret"));
  CAF_CHECK(!contains(us.received(), "secret"));
}

CAF_TEST(a_libzmq_curve_client_refused_by_our_server) {
  zkeys server_keys;
  zkeys client_keys;
  uint16_t port = 0;
  fd_guard listener{listen_tcp(port)};
  CAF_REQUIRE(listener.get() >= 0);
  auto dealer = make(zmq::socket_type::dealer);
  make_curve_client(dealer, client_keys, server_keys.public_z85);
  zmq_monitor mon{ctx, dealer, "inproc://curve-client-monitor"};
  dealer.connect("tcp://127.0.0.1:" + std::to_string(port));
  raw_peer us{accept_tcp(listener.get()),
              curve_server_cfg(socket_type::router, server_keys)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(wait_for_auth(us).has_value());
  auth_reply no;
  no.status = auth_status::failure;
  CAF_REQUIRE_EQUAL(us.sess().authenticated(std::move(no), now()),
                    local_error::none);
  CAF_CHECK(us.failed());
  CAF_CHECK(us.flush()); // the ERROR "400" goes out
  auto status = mon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  CAF_REQUIRE(status.has_value());
  CAF_CHECK_EQUAL(*status, 400u);
}

CAF_TEST(a_libzmq_curve_sub_subscribes_inside_the_box) {
  zkeys server_keys;
  zkeys client_keys;
  uint16_t port = 0;
  fd_guard listener{listen_tcp(port)};
  CAF_REQUIRE(listener.get() >= 0);
  auto sub = make(zmq::socket_type::sub);
  make_curve_client(sub, client_keys, server_keys.public_z85);
  sub.set(zmq::sockopt::subscribe, "topic-y");
  sub.connect("tcp://127.0.0.1:" + std::to_string(port));
  raw_peer us{accept_tcp(listener.get()),
              curve_server_cfg(socket_type::pub, server_keys)};
  CAF_REQUIRE(us.fd() >= 0);
  us.tick = [&] { nudge(sub); };
  us.start();
  CAF_REQUIRE(wait_for_auth(us).has_value());
  auth_reply ok;
  ok.status = auth_status::success;
  CAF_REQUIRE_EQUAL(us.sess().authenticated(std::move(ok), now()),
                    local_error::none);
  CAF_REQUIRE(us.handshake().has_value());
  auto subscription = us.subscription();
  CAF_REQUIRE(subscription.has_value());
  CAF_CHECK(subscription->subscribe);
  CAF_CHECK_EQUAL(subscription->topic.to_string(), "topic-y");
  CAF_CHECK(!contains(us.received(), "topic-y"));
  CAF_REQUIRE(us.send({"topic-y-news", "secret-body"}));
  auto got = zrecv(sub);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{"topic-y-news", "secret-body"}));
  CAF_CHECK(!contains(us.sent(), "secret"));
}

CAF_TEST_FIXTURE_SCOPE_END()
