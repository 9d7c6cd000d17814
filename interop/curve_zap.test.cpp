// Our CURVE and PLAIN clients against libzmq's own ZAP handling (a ZAP
// handler on inproc://zeromq.zap.01 in the libzmq server's context): 200
// lets us in under the user id it names, 400 and 300 keep us out while we
// retry as a libzmq client does, a wrong server key never reaches ZAP; and
// the reverse: our authenticator's 400 as a libzmq client sees it.
#define CAF_SUITE interop_curve_zap
#include "security_fixture.hpp"

#include <cstring>

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct zap_fixture : fixture {
  watchdog guard{"interop_curve_zap test", std::chrono::seconds{60}};
  security_setup setup;
  /// What libzmq's ZAP handler answers (status, user id).
  zap_verdict verdict{"200", "zap-user"};
  std::mutex verdict_mtx;
  zap_handler zap{ctx, [this](const zap_seen&) {
                    std::lock_guard<std::mutex> guard{verdict_mtx};
                    return verdict;
                  }};

  zap_fixture() { setup.mechanism = mech::curve; }

  void answer(std::string status, std::string uid = {}) {
    std::lock_guard<std::mutex> guard{verdict_mtx};
    verdict = {std::move(status), std::move(uid)};
  }

  mq::socket_options client_opts() {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.linger = caf::timespan{0};
    secure(opts, setup, false);
    return opts;
  }

  /// A libzmq ROUTER, CURVE (or PLAIN) server with ZAP domain "global".
  zmq::socket_t zserver() {
    auto z = zsock(ctx, zmq::socket_type::router);
    zsecure(z, setup, true);
    z.set(zmq::sockopt::zap_domain, "global");
    return z;
  }

  /// Prints and returns the connect attempts our `d` made so far.
  uint64_t attempts(const mq::dealer_actor& d) {
    auto st = stats(d);
    uint64_t n = 0;
    for (auto& c : st.connecting) {
      CAF_MESSAGE("connecting " << c.endpoint << ": " << c.attempts
                                << " attempts, last error: " << c.last_error);
      n += c.attempts;
    }
    for (auto& p : st.peers)
      CAF_MESSAGE("peer " << p.key << "/" << p.epoch << " up: " << p.up);
    return n;
  }

  /// Checks that our `d` stays out of `z` while libzmq's ZAP keeps saying
  /// what it says, and that we keep retrying.
  void check_kept_out(const mq::dealer_actor& d, zmq::socket_t& z) {
    CAF_CHECK(await([&] { return zap.count() >= 3; }));
    CAF_CHECK_EQUAL(status(d), 0u);
    send(d, mp({"must-not-arrive"}));
    CAF_CHECK(zrecv_for(z, 300ms) == timed_out);
    auto before = zap.count();
    CAF_CHECK(await([&] { return zap.count() > before; }));
    CAF_MESSAGE("libzmq's ZAP was asked " << zap.count() << " times");
    auto n = attempts(d);
    CAF_MESSAGE("our socket_stats count " << n << " attempts");
    CAF_CHECK_GREATER_OR_EQUAL(n, 1u);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(interop_curve_zap_tests, zap_fixture)

CAF_TEST(libzmq ZAP 200 lets our CURVE client in under its user id) {
  auto z = zserver();
  auto ep = zbind(z);
  auto ours = mq::spawn_dealer(sys, client_opts());
  connect(ours, ep);
  CAF_REQUIRE(await_status(ours, 1));
  send(ours, mp({"hello"}));
  std::string uid;
  auto got = zrecv_uid(z, uid);
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[1], "hello");
  CAF_CHECK_EQUAL(uid, "zap-user");
  auto seen = zap.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].domain, "global");
  CAF_CHECK_EQUAL(seen[0].address, "127.0.0.1");
  CAF_CHECK_EQUAL(seen[0].mechanism, "CURVE");
  CAF_CHECK_EQUAL(seen[0].credential, setup.client.public_z85);
  CAF_CHECK(zsend(z, {got[0], "world"}));
  CAF_CHECK_EQUAL(recv_strs(ours), strings{"world"});
  close(ours);
}

CAF_TEST(libzmq ZAP 400 keeps our CURVE client out while it retries) {
  answer("400");
  auto z = zserver();
  auto ep = zbind(z);
  auto ours = mq::spawn_dealer(sys, client_opts());
  connect(ours, ep);
  check_kept_out(ours, z);
  // The handler changes its mind: the next attempt gets in, and the
  // message queued meanwhile arrives.
  answer("200", "late");
  CAF_CHECK(await_status(ours, 1));
  std::string uid;
  auto got = zrecv_uid(z, uid);
  CAF_CHECK_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(uid, "late");
  close(ours);
}

CAF_TEST(libzmq ZAP 300 keeps our CURVE client out while it retries) {
  // On 300 libzmq sends no ERROR and keeps the connection open until a
  // handshake timeout ends it: a short one of ours makes the retries come
  // quickly (a libzmq client behaves the same with its ZMQ_HANDSHAKE_IVL).
  answer("300");
  auto z = zserver();
  auto ep = zbind(z);
  auto opts = client_opts();
  opts.handshake_timeout = std::chrono::milliseconds{300};
  auto ours = mq::spawn_dealer(sys, opts);
  connect(ours, ep);
  check_kept_out(ours, z);
  close(ours);
}

CAF_TEST(libzmq ZAP 400 keeps our PLAIN client out while it retries) {
  setup.mechanism = mech::plain;
  answer("400");
  auto z = zserver();
  auto ep = zbind(z);
  auto ours = mq::spawn_dealer(sys, client_opts());
  connect(ours, ep);
  check_kept_out(ours, z);
  for (auto& req : zap.requests()) {
    CAF_CHECK_EQUAL(req.mechanism, "PLAIN");
    CAF_CHECK_EQUAL(req.credential, plain_user);
  }
  close(ours);
}

CAF_TEST(a wrong server key never reaches libzmq ZAP) {
  auto z = zserver();
  auto ep = zbind(z);
  zmq_monitor mon{ctx, z, "inproc://mon-wrong-key"};
  zkeys other;
  auto opts = client_opts();
  opts.security.curve_server_key = other.public_z85;
  auto ours = mq::spawn_dealer(sys, opts);
  connect(ours, ep);
  // libzmq cannot open our HELLO: a cryptographic failure, per attempt.
  auto ev = mon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
  CAF_CHECK(ev.has_value());
  if (ev)
    CAF_CHECK_EQUAL(*ev,
                    static_cast<uint32_t>(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC));
  CAF_CHECK(mon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL).has_value());
  CAF_CHECK_EQUAL(status(ours), 0u);
  CAF_CHECK_EQUAL(zap.count(), 0u);
  attempts(ours);
  close(ours);
}

CAF_TEST(a 400 from our authenticator as a libzmq CURVE client sees it) {
  auto state = std::make_shared<auth_state>();
  state->policy = [](const mq::zap_request&) {
    return mq::zap_reply::deny("not on the list");
  };
  auto opts = defaults();
  secure(opts, setup, true, spawn_test_authenticator(sys, state));
  auto ours = mq::spawn_router(sys, opts);
  auto ep = bind(ours);
  auto z = zsock(ctx, zmq::socket_type::dealer);
  zsecure(z, setup, false);
  zmq_monitor mon{ctx, z, "inproc://mon-client-400"};
  z.connect(ep);
  auto ev = mon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  CAF_CHECK(ev.has_value());
  if (ev)
    CAF_CHECK_EQUAL(*ev, 400u);
  CAF_CHECK_GREATER_OR_EQUAL(state->count(), 1u);
  CAF_CHECK_EQUAL(status(ours), 0u);
  auto seen = state->requests();
  if (!seen.empty())
    CAF_CHECK_EQUAL(seen[0].client_key_z85, setup.client.public_z85);
  close(ours);
}

CAF_TEST_FIXTURE_SCOPE_END()
