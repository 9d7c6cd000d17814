// Our DEALER against a libzmq REP, both bind/connect directions: the
// DEALER adds the empty delimiter frame REP expects and gets it back.
#define CAF_SUITE interop_dealer_rep
#include "interop_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct rep_fixture : fixture {
  /// Runs `n` request/reply round trips; REP answers "rep-<i>".
  void round_trips(const mq::dealer_actor& d, zmq::socket_t& rep, int n) {
    for (int i = 0; i < n; ++i) {
      auto req = "req-" + std::to_string(i);
      send(d, mp({"", req}));
      // REP strips the envelope and hands the body to the application.
      auto got = zrecv(rep);
      CAF_CHECK_EQUAL(got, (strings{req}));
      if (got == timed_out)
        return;
      CAF_REQUIRE(zsend(rep, {"rep-" + std::to_string(i)}));
      CAF_CHECK_EQUAL(recv_strs(d), (strings{"", "rep-" + std::to_string(i)}));
    }
  }

  /// Multipart request and reply bodies, including empty frames.
  void multipart_round_trip(const mq::dealer_actor& d, zmq::socket_t& rep) {
    send(d, mp({"", "a", "", "c"}));
    CAF_CHECK_EQUAL(zrecv(rep), (strings{"a", "", "c"}));
    CAF_REQUIRE(zsend(rep, {"x", ""}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"", "x", ""}));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(dealer_rep_tests, rep_fixture)

CAF_TEST(libzmq REP binds and we connect) {
  auto rep = zsock(ctx, zmq::socket_type::rep);
  auto ep = zbind(rep);
  auto d = dealer();
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  round_trips(d, rep, 100);
  multipart_round_trip(d, rep);
  CAF_CHECK(close(d));
}

CAF_TEST(we bind and libzmq REP connects) {
  auto d = dealer();
  auto ep = bind(d);
  auto rep = zsock(ctx, zmq::socket_type::rep);
  rep.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  round_trips(d, rep, 100);
  multipart_round_trip(d, rep);
  CAF_CHECK(close(d));
}

CAF_TEST(pipelined requests queue up at REP) {
  // A DEALER may send several requests without waiting; REP answers them
  // one after the other, in order.
  auto rep = zsock(ctx, zmq::socket_type::rep);
  auto ep = zbind(rep);
  auto d = dealer();
  connect(d, ep);
  for (int i = 0; i < 10; ++i)
    send(d, mp({"", "p" + std::to_string(i)}));
  for (int i = 0; i < 10; ++i) {
    CAF_CHECK_EQUAL(zrecv(rep), (strings{"p" + std::to_string(i)}));
    CAF_REQUIRE(zsend(rep, {"r" + std::to_string(i)}));
  }
  for (int i = 0; i < 10; ++i)
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"", "r" + std::to_string(i)}));
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
