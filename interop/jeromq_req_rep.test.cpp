// Our REQ and REP against JeroMQ 0.3.6 (ZMTP 2.0) peers, we bind and we
// connect: the empty delimiter envelope both ways, multipart requests and
// replies with empty and LONG frames.
#define CAF_SUITE interop_jeromq_req_rep
#include "jeromq/jeromq_fixture.hpp"

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(jeromq_req_rep_tests, jeromq_fixture)

CAF_TEST(our REQ binds and a JeroMQ REP connects) {
  req_to_jeromq_rep(ours(req_socket(fast())), true);
}

CAF_TEST(our REQ connects to a bound JeroMQ REP) {
  req_to_jeromq_rep(ours(req_socket(fast())), false);
}

CAF_TEST(our REP binds and a JeroMQ REQ connects) {
  rep_to_jeromq_req(ours(rep_socket(fast())), true);
}

CAF_TEST(our REP connects to a bound JeroMQ REQ) {
  rep_to_jeromq_req(ours(rep_socket(fast())), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
