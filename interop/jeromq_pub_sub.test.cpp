// Our PUB and SUB against JeroMQ 0.3.6 (ZMTP 2.0) peers, we bind and we
// connect. Subscriptions travel as messages ("\x01prefix"): our PUB must
// filter by the JeroMQ SUB's (its counters show only matching messages went
// out), and the JeroMQ PUB sends nothing until ours arrive.
#define CAF_SUITE interop_jeromq_pub_sub
#include "jeromq/jeromq_fixture.hpp"

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(jeromq_pub_sub_tests, jeromq_fixture)

CAF_TEST(our PUB binds and a JeroMQ SUB connects) {
  pub_to_jeromq_sub(ours(mq::spawn_pub(host, fast())), true);
}

CAF_TEST(our PUB connects to a bound JeroMQ SUB) {
  pub_to_jeromq_sub(ours(mq::spawn_pub(host, fast())), false);
}

CAF_TEST(our SUB binds and a JeroMQ PUB connects) {
  jeromq_pub_to_sub(ours(mq::spawn_sub(host, fast())), true);
}

CAF_TEST(our SUB connects to a bound JeroMQ PUB) {
  jeromq_pub_to_sub(ours(mq::spawn_sub(host, fast())), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
