// Socket events against other peers: libzmq (cppzmq, in-process) on either
// side, and hand-written TCP peers that break the handshake or go silent.
#define CAF_SUITE socket_events_peers
#include <caf/test/unit_test.hpp>

#include "events_fixture.hpp"

#include "raw_zmtp.hpp"
#include "security_fixture.hpp"

#include <zmq.hpp>

#include <thread>

using namespace std::chrono_literals;
using namespace monocoque_test;

namespace {

struct fixture : events_fixture {
  zmq::context_t ctx;

  // A libzmq socket with linger 0 (tests end at once).
  zmq::socket_t zsock(zmq::socket_type type) {
    zmq::socket_t s{ctx, type};
    s.set(zmq::sockopt::linger, 0);
    return s;
  }

  // Our bound DEALER with a subscriber.
  std::tuple<mq::dealer_actor, event_log_ptr, std::string>
  bound_dealer(mq::socket_options opts = fast()) {
    auto a = mq::spawn_dealer(*sys, std::move(opts));
    auto log = subscribe(a);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    return {a, log, *ep};
  }

  // A raw TCP client of `ep`.
  static interop::raw_tcp raw_client(const std::string& ep) {
    auto c = interop::raw_tcp::connect(
      static_cast<uint16_t>(std::stoi(port_of(ep))));
    CAF_REQUIRE(c.valid());
    return c;
  }

  // An authenticator that refuses everyone with 400.
  mq::authenticator_actor denying() {
    return sys->spawn([]() -> mq::authenticator_actor::behavior_type {
      return {[](mq::authenticate_atom, mq::zap_request&) {
        mq::zap_reply r;
        r.status = 400;
        r.status_text = "denied by test";
        return r;
      }};
    });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(socket_events_peers_tests, fixture)

CAF_TEST(libzmq_connects_to_us) {
  auto [a, log, ep] = bound_dealer();
  auto z = zsock(zmq::socket_type::dealer);
  z.connect(ep);
  auto acc = log->index_of(ev_type::accepted);
  auto up = log->index_of(ev_type::handshake_succeeded);
  CAF_REQUIRE(acc && up);
  CAF_CHECK_LESS(*acc, *up);
  auto ev = log->at(*up);
  CAF_CHECK_EQUAL(ev.endpoint, ep);
  CAF_REQUIRE(ev.peer != nullptr);
  CAF_CHECK_EQUAL(ev.peer->mechanism, "NULL");
  z.close();
  auto down = log->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "peer closed");
  CAF_CHECK_EQUAL(down->key, ev.key);
  CAF_CHECK_EQUAL(down->epoch, ev.epoch);
  CAF_CHECK(down->peer == ev.peer);
}

CAF_TEST(we_connect_to_libzmq) {
  auto z = zsock(zmq::socket_type::router);
  z.bind("tcp://127.0.0.1:*");
  auto ep = z.get(zmq::sockopt::last_endpoint);
  auto b = mq::spawn_dealer(*sys, fast());
  auto log = subscribe(b);
  CAF_REQUIRE(!connect(b, ep));
  auto delayed = log->index_of(ev_type::connect_delayed);
  auto connected = log->index_of(ev_type::connected);
  auto up = log->index_of(ev_type::handshake_succeeded);
  CAF_REQUIRE(delayed && connected && up);
  CAF_CHECK_LESS(*delayed, *connected);
  CAF_CHECK_LESS(*connected, *up);
  CAF_CHECK_EQUAL(log->at(*connected).remote_address, ep.substr(6));
  z.close();
  auto down = log->index_of(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(log->at(*down).reason, "peer closed");
  CAF_CHECK(log->at(*down).peer != nullptr);
  // Then it tries again, in libzmq's order.
  auto retry = log->index_of(ev_type::connect_retried, *down);
  CAF_REQUIRE(retry);
  CAF_CHECK_EQUAL(log->at(*retry).reason, "peer closed");
  CAF_CHECK_EQUAL(log->at(*retry).retry_in, caf::timespan{20ms});
}

CAF_TEST(a_peer_of_an_incompatible_type_fails_the_protocol) {
  auto [a, log, ep] = bound_dealer();
  auto c = raw_client(ep);
  CAF_REQUIRE(c.write(interop::greeting(1, false)));
  CAF_REQUIRE(c.write(interop::ready({{"Socket-Type", "PUB"}})));
  auto ev = log->wait(ev_type::handshake_failed_protocol);
  CAF_MESSAGE("events:" << log->render());
  CAF_REQUIRE(ev);
  CAF_CHECK(is(ev->error, mq::errc::socket_type_mismatch));
  CAF_CHECK_EQUAL(ev->status, 0x10000018u); // ..._ZMTP_INVALID_METADATA
  CAF_CHECK(starts_with(ev->reason, "socket_type_mismatch"));
  CAF_CHECK(ev->peer == nullptr);
  auto i = log->index_of(ev_type::handshake_failed_protocol);
  auto down = log->index_of(ev_type::disconnected, *i);
  CAF_REQUIRE(down);
  CAF_CHECK(starts_with(log->at(*down).reason, "socket_type_mismatch"));
  CAF_CHECK_EQUAL(log->count(ev_type::handshake_succeeded), 0u);
}

// Which side sees the mismatch first is a race (libzmq may close before its
// READY reaches us): the handshake fails either way, never succeeds, and a
// protocol failure names the mismatch.
CAF_TEST(a_libzmq_peer_of_an_incompatible_type_fails_the_handshake) {
  auto failed = [](const mq::socket_event& e) {
    return e.type == ev_type::handshake_failed_protocol
           || e.type == ev_type::handshake_failed_no_detail;
  };
  auto check = [&](event_log& log) {
    auto i = log.wait_for(failed);
    CAF_MESSAGE("events:" << log.render());
    CAF_REQUIRE(i);
    auto ev = log.at(*i);
    if (ev.type == ev_type::handshake_failed_protocol)
      CAF_CHECK(is(ev.error, mq::errc::socket_type_mismatch));
    else
      CAF_CHECK_EQUAL(ev.reason, "peer closed");
    CAF_CHECK_EQUAL(log.count(ev_type::handshake_succeeded), 0u);
  };
  {
    // libzmq connects to us...
    auto [a, log, ep] = bound_dealer();
    auto z = zsock(zmq::socket_type::pub);
    z.connect(ep);
    check(*log);
  }
  // ...and we connect to libzmq.
  auto z = zsock(zmq::socket_type::pub);
  z.bind("tcp://127.0.0.1:*");
  auto b = mq::spawn_dealer(*sys, fast());
  auto log = subscribe(b);
  CAF_REQUIRE(!connect(b, z.get(zmq::sockopt::last_endpoint)));
  check(*log);
}

CAF_TEST(a_refused_plain_client_is_handshake_failed_auth) {
  auto opts = fast();
  opts.security.plain_server = true;
  opts.security.authenticator = denying();
  auto [a, log, ep] = bound_dealer(opts);
  // A libzmq client.
  auto z = zsock(zmq::socket_type::dealer);
  z.set(zmq::sockopt::plain_username, "alice");
  z.set(zmq::sockopt::plain_password, "secret");
  z.connect(ep);
  auto ev = log->wait(ev_type::handshake_failed_auth);
  CAF_REQUIRE(ev);
  CAF_MESSAGE(to_string(*ev));
  CAF_CHECK_EQUAL(ev->status, 400u);
  CAF_CHECK(ev->reason.find("denied by test") != std::string::npos);
  CAF_CHECK(is(ev->error, mq::errc::auth_failed));
  CAF_CHECK_EQUAL(ev->endpoint, ep);
  z.close();
  // One of ours: the client learns the status from the server's ERROR.
  auto copts = fast();
  copts.security.plain_username = "bob";
  copts.security.plain_password = mq::secret{std::string_view{"pw"}};
  auto b = mq::spawn_dealer(*sys, copts);
  auto lb = subscribe(b);
  CAF_REQUIRE(!connect(b, ep));
  auto cev = lb->wait(ev_type::handshake_failed_auth);
  CAF_REQUIRE(cev);
  CAF_MESSAGE(to_string(*cev));
  CAF_CHECK_EQUAL(cev->status, 400u);
  CAF_CHECK_EQUAL(cev->endpoint, ep);
}

CAF_TEST(a_refused_curve_client_is_handshake_failed_auth) {
  auto server_kp = security_test::make_keypair();
  auto opts = security_test::curve_server(server_kp, denying());
  opts.linger = caf::timespan{0};
  auto [a, log, ep] = bound_dealer(opts);
  // A libzmq client with a keypair of its own.
  char pub[41] = {};
  char sec[41] = {};
  CAF_REQUIRE_EQUAL(zmq_curve_keypair(pub, sec), 0);
  auto z = zsock(zmq::socket_type::dealer);
  z.set(zmq::sockopt::curve_serverkey, server_kp.public_z85);
  z.set(zmq::sockopt::curve_publickey, std::string{pub});
  z.set(zmq::sockopt::curve_secretkey, std::string{sec});
  z.connect(ep);
  auto ev = log->wait(ev_type::handshake_failed_auth);
  CAF_REQUIRE(ev);
  CAF_MESSAGE(to_string(*ev));
  CAF_CHECK_EQUAL(ev->status, 400u);
  CAF_CHECK(ev->reason.find("denied by test") != std::string::npos);
  z.close();
  // One of ours.
  auto b = mq::spawn_dealer(*sys, security_test::curve_client(server_kp));
  auto lb = subscribe(b);
  CAF_REQUIRE(!connect(b, ep));
  auto cev = lb->wait(ev_type::handshake_failed_auth);
  CAF_REQUIRE(cev);
  CAF_MESSAGE(to_string(*cev));
  CAF_CHECK_EQUAL(cev->status, 400u);
}

CAF_TEST(a_silent_client_times_out_the_handshake) {
  auto opts = fast();
  opts.handshake_timeout = 200ms;
  auto [a, log, ep] = bound_dealer(opts);
  auto c = raw_client(ep);
  auto ev = log->wait(ev_type::handshake_failed_no_detail);
  CAF_REQUIRE(ev);
  CAF_CHECK_EQUAL(ev->reason, "handshake timeout");
  CAF_CHECK(is(ev->error, mq::errc::handshake_timeout));
  auto i = log->index_of(ev_type::handshake_failed_no_detail);
  auto down = log->index_of(ev_type::disconnected, *i);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(log->at(*down).reason, "handshake timeout");
}

CAF_TEST(a_peer_closing_mid_greeting_is_no_detail) {
  auto [a, log, ep] = bound_dealer();
  {
    auto c = raw_client(ep);
    CAF_REQUIRE(c.write(interop::greeting(1, false).substr(0, 10)));
    // Read what we sent (signature and major version: the rest waits for
    // the peer's revision), or the kernel would reset instead of closing.
    CAF_REQUIRE(c.read(11));
  }
  auto ev = log->wait(ev_type::handshake_failed_no_detail);
  CAF_REQUIRE(ev);
  CAF_CHECK_EQUAL(ev->reason, "peer closed");
  auto down = log->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "peer closed");
  CAF_CHECK(down->peer == nullptr);
}

CAF_TEST(a_bad_greeting_is_a_protocol_failure) {
  auto [a, log, ep] = bound_dealer();
  auto c = raw_client(ep);
  // A greeting with a valid signature and an unknown mechanism.
  auto g = interop::greeting(1, false);
  std::memcpy(&g[12], "BOGUS", 5);
  CAF_REQUIRE(c.write(g));
  auto ev = log->wait(ev_type::handshake_failed_protocol);
  CAF_REQUIRE(ev);
  CAF_MESSAGE(to_string(*ev));
  CAF_CHECK(!ev->reason.empty());
  CAF_CHECK(ev->error);
}

CAF_TEST(a_frozen_peer_is_found_by_heartbeats) {
  auto opts = fast();
  opts.heartbeat_ivl = 100ms;
  opts.heartbeat_timeout = 300ms;
  auto [a, log, ep] = bound_dealer(opts);
  auto c = raw_client(ep);
  CAF_REQUIRE(c.write(interop::greeting(1, false)));
  CAF_REQUIRE(c.write(interop::ready({{"Socket-Type", "DEALER"}})));
  // Our greeting and READY arrive; from now on the peer never answers
  // (its kernel keeps the connection open, as with a SIGSTOPped process).
  CAF_REQUIRE(c.read(64));
  CAF_REQUIRE(log->wait(ev_type::handshake_succeeded));
  auto down = log->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "heartbeat timeout");
  CAF_CHECK(is(down->error, mq::errc::heartbeat_timeout));
  CAF_CHECK(down->peer != nullptr);
}

CAF_TEST(a_reset_connection_says_connection_reset) {
  auto [a, log, ep] = bound_dealer();
  // A client that resets instead of closing (SO_LINGER 0).
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(port_of(ep))));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  {
    interop::raw_tcp c{fd};
    CAF_REQUIRE(c.write(interop::greeting(1, false)));
    CAF_REQUIRE(c.write(interop::ready({{"Socket-Type", "DEALER"}})));
    CAF_REQUIRE(c.read(64));
    CAF_REQUIRE(log->wait(ev_type::handshake_succeeded));
  }
  auto down = log->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "connection reset");
  CAF_CHECK(down->peer != nullptr);
}

CAF_TEST(a_frozen_server_is_found_by_heartbeats_and_retried) {
  uint16_t port = 0;
  auto l = interop::raw_tcp::listen(port);
  CAF_REQUIRE(l.valid());
  auto opts = fast();
  opts.heartbeat_ivl = 100ms;
  opts.heartbeat_timeout = 300ms;
  auto b = mq::spawn_dealer(*sys, opts);
  auto log = subscribe(b);
  auto ep = "tcp://127.0.0.1:" + std::to_string(port);
  CAF_REQUIRE(!connect(b, ep));
  auto c = l.accept();
  CAF_REQUIRE(c.valid());
  CAF_REQUIRE(c.write(interop::greeting(1, true)));
  CAF_REQUIRE(c.write(interop::ready({{"Socket-Type", "ROUTER"}})));
  CAF_REQUIRE(c.read(64));
  CAF_REQUIRE(log->wait(ev_type::handshake_succeeded));
  // Silent from now on; the kernel keeps the connection.
  auto down = log->index_of(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(log->at(*down).reason, "heartbeat timeout");
  CAF_CHECK_EQUAL(log->at(*down).endpoint, ep);
  auto retry = log->index_of(ev_type::connect_retried, *down);
  CAF_REQUIRE(retry);
  CAF_CHECK_EQUAL(log->at(*retry).reason, "heartbeat timeout");
}

CAF_TEST_FIXTURE_SCOPE_END()
