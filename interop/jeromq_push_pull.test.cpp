// Our PUSH and PULL against JeroMQ 0.3.6 (ZMTP 2.0) peers, we bind and we
// connect: 100 messages in order, then multipart messages with empty and
// LONG frames.
#define CAF_SUITE interop_jeromq_push_pull
#include "jeromq/jeromq_fixture.hpp"

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(jeromq_push_pull_tests, jeromq_fixture)

CAF_TEST(our PUSH binds and a JeroMQ PULL connects) {
  push_to_jeromq_pull(ours(push_socket(fast())), true);
}

CAF_TEST(our PUSH connects to a bound JeroMQ PULL) {
  push_to_jeromq_pull(ours(push_socket(fast())), false);
}

CAF_TEST(our PULL binds and a JeroMQ PUSH connects) {
  jeromq_push_to_pull(ours(pull_socket(fast())), true);
}

CAF_TEST(our PULL connects to a bound JeroMQ PUSH) {
  jeromq_push_to_pull(ours(pull_socket(fast())), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
