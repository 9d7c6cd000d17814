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
  CAF_CHECK_EQUAL(run_proxy(mech::curve), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
