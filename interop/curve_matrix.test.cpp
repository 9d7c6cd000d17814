// CURVE against libzmq 4.3.4 for every socket family (security_matrix.hpp):
// our socket as CURVE server and as client, binding and connecting; our
// client with a fresh keypair; the proxy with CURVE on its frontend.
#define CAF_SUITE interop_curve
#include "security_matrix.hpp"

using namespace interop;
using strings = std::vector<std::string>;

CAF_TEST_FIXTURE_SCOPE(interop_curve_tests, matrix_fixture)

CAF_TEST(every family in both roles and bind directions) {
  CAF_CHECK_EQUAL(run_matrix(mech::curve), 0);
}

CAF_TEST(our client without a keypair of its own) {
  setup.mechanism = mech::curve;
  setup.client_has_keys = false;
  // libzmq binds and is the server: its ZAP handler sees our fresh key.
  CAF_CHECK(run({family::dealer_router, false, false}));
  auto seen = zap.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].mechanism, "CURVE");
  CAF_CHECK_EQUAL(seen[0].credential.size(), 40u);
  CAF_CHECK_NOT_EQUAL(seen[0].credential, setup.client.public_z85);
}

CAF_TEST(a proxy with CURVE on its frontend) {
  setup.mechanism = mech::curve;
  // Frontend: our ROUTER, CURVE server, libzmq REQ clients; backend: our
  // DEALER (NULL), a libzmq REP worker.
  auto fopts = fast();
  secure(fopts, setup, true);
  auto frontend = mq::spawn_router(sys, fopts);
  auto backend = mq::spawn_dealer(sys, fast());
  auto fep = bind(frontend);
  auto bep = bind(backend);
  auto prx = mq::spawn_proxy(sys, frontend, backend, {}, mq::proxy_options{});
  CAF_REQUIRE(prx);
  auto worker = zsock(ctx, zmq::socket_type::rep);
  worker.connect(bep);
  std::vector<zmq::socket_t> clients;
  for (int i = 0; i < 2; ++i) {
    clients.push_back(zsock(ctx, zmq::socket_type::req));
    zsecure(clients.back(), setup, false);
    clients.back().connect(fep);
  }
  CAF_REQUIRE(await_status(frontend, 2));
  CAF_REQUIRE(await_status(backend, 1));
  int bad = 0;
  for (int i = 0; i < matrix_messages; ++i) {
    auto& cl = clients[static_cast<size_t>(i % 2)];
    auto req = matrix_payload(i, "q" + std::to_string(i % 2));
    CAF_REQUIRE(zsend(cl, req));
    auto got = zrecv(worker);
    if (got != req && bad++ < 3)
      CAF_MESSAGE("worker got " << got.size() << " parts at " << i);
    got.insert(got.begin(), "re");
    CAF_REQUIRE(zsend(worker, got));
    auto reply = zrecv(cl);
    auto want = req;
    want.insert(want.begin(), "re");
    if (reply != want && bad++ < 3)
      CAF_MESSAGE("client got " << reply.size() << " parts at " << i);
  }
  CAF_CHECK_EQUAL(bad, 0);
  // A NULL client at the CURVE frontend never comes up.
  auto intruder = zsock(ctx, zmq::socket_type::req);
  intruder.connect(fep);
  std::this_thread::sleep_for(200ms);
  CAF_CHECK_EQUAL(status(frontend), 2u);
  self->send_exit(*prx, caf::exit_reason::user_shutdown);
  close(frontend);
  close(backend);
}

CAF_TEST_FIXTURE_SCOPE_END()
