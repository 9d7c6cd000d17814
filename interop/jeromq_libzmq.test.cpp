// The JeroMQ scenarios of jeromq_fixture.hpp with libzmq 4.3.4 sockets in
// place of ours. libzmq speaks ZMTP 2.0 to JeroMQ 0.3.6, so these show that
// JeromqPeer and the harness are right: when a jeromq_* suite of ours fails
// and this one passes, the fault is on our side.
#define CAF_SUITE interop_jeromq_libzmq
#include "jeromq/jeromq_fixture.hpp"

using namespace interop;
using zt = zmq::socket_type;

CAF_TEST_FIXTURE_SCOPE(jeromq_libzmq_tests, jeromq_fixture)

CAF_TEST(libzmq DEALER with identity binds and a JeroMQ ROUTER connects) {
  dealer_to_jeromq_router(libzmq(zt::dealer, "zmq-dealer"), true, "zmq-dealer");
}

CAF_TEST(libzmq DEALER without identity connects to a JeroMQ ROUTER) {
  dealer_to_jeromq_router(libzmq(zt::dealer), false, "");
}

CAF_TEST(libzmq ROUTER binds and a JeroMQ DEALER connects) {
  router_to_jeromq_dealer(libzmq(zt::router), true);
}

CAF_TEST(libzmq ROUTER connects to a bound JeroMQ DEALER) {
  router_to_jeromq_dealer(libzmq(zt::router), false);
}

CAF_TEST(libzmq ROUTER binds and a JeroMQ DEALER without identity connects) {
  router_to_anonymous_jeromq_dealer(libzmq(zt::router), true);
}

CAF_TEST(libzmq ROUTER connects to a bound JeroMQ REQ) {
  router_to_jeromq_req(libzmq(zt::router), false);
}

CAF_TEST(libzmq REQ binds and a JeroMQ REP connects) {
  req_to_jeromq_rep(libzmq(zt::req), true);
}

CAF_TEST(libzmq REQ connects to a bound JeroMQ REP) {
  req_to_jeromq_rep(libzmq(zt::req), false);
}

CAF_TEST(libzmq REP binds and a JeroMQ REQ connects) {
  rep_to_jeromq_req(libzmq(zt::rep), true);
}

CAF_TEST(libzmq REP connects to a bound JeroMQ REQ) {
  rep_to_jeromq_req(libzmq(zt::rep), false);
}

CAF_TEST(libzmq PUSH binds and a JeroMQ PULL connects) {
  push_to_jeromq_pull(libzmq(zt::push), true);
}

CAF_TEST(libzmq PUSH connects to a bound JeroMQ PULL) {
  push_to_jeromq_pull(libzmq(zt::push), false);
}

CAF_TEST(libzmq PULL binds and a JeroMQ PUSH connects) {
  jeromq_push_to_pull(libzmq(zt::pull), true);
}

CAF_TEST(libzmq PULL connects to a bound JeroMQ PUSH) {
  jeromq_push_to_pull(libzmq(zt::pull), false);
}

CAF_TEST(libzmq PUB binds and a JeroMQ SUB connects) {
  pub_to_jeromq_sub(libzmq(zt::pub), true);
}

CAF_TEST(libzmq PUB connects to a bound JeroMQ SUB) {
  pub_to_jeromq_sub(libzmq(zt::pub), false);
}

CAF_TEST(libzmq SUB binds and a JeroMQ PUB connects) {
  jeromq_pub_to_sub(libzmq(zt::sub), true);
}

CAF_TEST(libzmq SUB connects to a bound JeroMQ PUB) {
  jeromq_pub_to_sub(libzmq(zt::sub), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
