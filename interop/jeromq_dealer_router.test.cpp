// Our DEALER and ROUTER against JeroMQ 0.3.6 (ZMTP 2.0) peers, we bind and
// we connect: routing ids carried by the 2.0 identity frame (ours to the
// JeroMQ ROUTER, the JeroMQ DEALER's "jq-dealer" to our ROUTER), multipart
// messages with empty frames, LONG frames, a message of one empty frame; a
// DEALER without identity (our ROUTER makes one up) and a REQ's envelope.
#define CAF_SUITE interop_jeromq_dealer_router
#include "jeromq/jeromq_fixture.hpp"

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(jeromq_dealer_router_tests, jeromq_fixture)

CAF_TEST(our DEALER with identity binds and a JeroMQ ROUTER connects) {
  dealer_to_jeromq_router(ours(dealer(fast("our-dealer"))), true, "our-dealer");
}

CAF_TEST(our DEALER without identity connects to a bound JeroMQ ROUTER) {
  dealer_to_jeromq_router(ours(dealer(fast())), false, "");
}

CAF_TEST(our ROUTER binds and a JeroMQ DEALER with identity connects) {
  router_to_jeromq_dealer(ours(router_socket(fast())), true);
}

CAF_TEST(our ROUTER connects to a bound JeroMQ DEALER with identity) {
  router_to_jeromq_dealer(ours(router_socket(fast())), false);
}

CAF_TEST(our ROUTER binds and a JeroMQ DEALER without identity connects) {
  router_to_anonymous_jeromq_dealer(ours(router_socket(fast())), true);
}

CAF_TEST(our ROUTER connects to a bound JeroMQ REQ) {
  router_to_jeromq_req(ours(router_socket(fast())), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
