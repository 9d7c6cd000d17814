// PLAIN against libzmq 4.3.4 for every socket family (security_matrix.hpp):
// our socket as PLAIN server (with our authenticator actor) and as client
// (libzmq's ZAP handler checks us), binding and connecting; wrong
// passwords both ways; the proxy with PLAIN on its frontend.
#define CAF_SUITE interop_plain
#include "security_matrix.hpp"

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(interop_plain_tests, matrix_fixture)

CAF_TEST(every family in both roles and bind directions) {
  CAF_CHECK_EQUAL(run_matrix(mech::plain), 0);
}

CAF_TEST(a wrong password keeps our client out of a libzmq server) {
  setup.mechanism = mech::plain;
  setup.password = "wrong";
  auto z = zsock(ctx, zmq::socket_type::router);
  zsecure(z, setup, true);
  auto ep = zbind(z);
  auto opts = fast();
  opts.linger = caf::timespan{0}; // "never" stays unsent
  secure(opts, setup, false);
  auto ours = mq::spawn_dealer(sys, opts);
  connect(ours, ep);
  // libzmq's ZAP answers 400 to every attempt; we keep retrying, as libzmq.
  CAF_CHECK(await([&] { return zap.count() >= 2; }));
  CAF_CHECK_EQUAL(status(ours), 0u);
  send(ours, mp({"never"}));
  CAF_CHECK(zrecv_for(z, 200ms) == timed_out);
  for (auto& req : zap.requests())
    CAF_CHECK_EQUAL(req.status, "400");
  close(ours);
}

CAF_TEST(our PLAIN server refuses a wrong password and a missing one) {
  setup.mechanism = mech::plain;
  auth->policy = [](const mq::zap_request& req) {
    auto pw = std::string{reinterpret_cast<const char*>(
                              req.password.reveal().data()),
                          req.password.size()};
    return req.username == plain_user && pw == plain_password
               ? mq::zap_reply::accept()
               : mq::zap_reply::deny("bad password");
  };
  auto opts = fast();
  secure(opts, setup, true, authenticator);
  auto ours = mq::spawn_router(sys, opts);
  auto ep = bind(ours);
  security_setup wrong;
  wrong.mechanism = mech::plain;
  wrong.password = "wrong";
  auto bad = zsock(ctx, zmq::socket_type::dealer);
  zsecure(bad, wrong, false);
  bad.connect(ep);
  CAF_CHECK(await([&] { return auth->count() >= 1; }));
  std::this_thread::sleep_for(100ms);
  CAF_CHECK_EQUAL(status(ours), 0u);
  // Without any authenticator, a PLAIN server refuses everybody.
  auto nobody = mq::spawn_router(sys, [&] {
    auto o = fast();
    secure(o, setup, true);
    return o;
  }());
  auto ep2 = bind(nobody);
  auto good = zsock(ctx, zmq::socket_type::dealer);
  zsecure(good, setup, false);
  good.connect(ep2);
  std::this_thread::sleep_for(300ms);
  CAF_CHECK_EQUAL(status(nobody), 0u);
  close(ours);
  close(nobody);
}

CAF_TEST(a proxy with PLAIN on its frontend) {
  CAF_CHECK_EQUAL(run_proxy(mech::plain), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
