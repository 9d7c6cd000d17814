// Our DEALER against a libzmq DEALER, both bind/connect directions.
#define CAF_SUITE interop_dealer_dealer
#include "interop_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct dealer_fixture : fixture {
  void exercise(const mq::dealer_actor& d, zmq::socket_t& peer) {
    // Each way, single and multipart, with empty frames.
    send(d, mp({"ping"}));
    CAF_CHECK_EQUAL(zrecv(peer), (strings{"ping"}));
    CAF_REQUIRE(zsend(peer, {"pong"}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"pong"}));
    send(d, mp({"a", "", "b"}));
    CAF_CHECK_EQUAL(zrecv(peer), (strings{"a", "", "b"}));
    CAF_REQUIRE(zsend(peer, {"", "c", ""}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"", "c", ""}));
    send(d, mp({""}));
    CAF_CHECK_EQUAL(zrecv(peer), (strings{""}));
    CAF_REQUIRE(zsend(peer, {""}));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{""}));
    // A burst each way, in order (below both HWMs, so nobody blocks).
    constexpr int n = 500;
    for (int i = 0; i < n; ++i)
      send(d, mp({std::to_string(i)}));
    int bad = 0;
    for (int i = 0; i < n; ++i)
      if (zrecv(peer) != strings{std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
    for (int i = 0; i < n; ++i)
      CAF_REQUIRE(zsend(peer, {std::to_string(i)}));
    bad = 0;
    for (int i = 0; i < n; ++i)
      if (recv_strs(d) != strings{std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(dealer_dealer_tests, dealer_fixture)

CAF_TEST(libzmq DEALER binds and we connect) {
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  auto ep = zbind(peer);
  auto d = dealer();
  connect(d, ep);
  CAF_REQUIRE(await_status(d, 1));
  exercise(d, peer);
  CAF_CHECK(close(d));
}

CAF_TEST(we bind and libzmq DEALER connects) {
  auto d = dealer();
  auto ep = bind(d);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  exercise(d, peer);
  CAF_CHECK(close(d));
}

CAF_TEST(over ipc libzmq DEALER binds and we connect) {
  auto path =
      "ipc:///tmp/monocoque-interop-" + std::to_string(::getpid()) + "-a.sock";
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.bind(path);
  auto d = dealer();
  connect(d, path);
  CAF_REQUIRE(await_status(d, 1));
  exercise(d, peer);
  CAF_CHECK(close(d));
  peer.close();
  ::unlink(path.c_str() + 6); // libzmq leaves the socket file behind
}

CAF_TEST(over ipc we bind and libzmq DEALER connects) {
  auto path =
      "ipc:///tmp/monocoque-interop-" + std::to_string(::getpid()) + "-b.sock";
  auto d = dealer();
  auto ep = bind(d, path);
  CAF_CHECK_EQUAL(ep, path);
  auto peer = zsock(ctx, zmq::socket_type::dealer);
  peer.connect(ep);
  CAF_REQUIRE(await_status(d, 1));
  exercise(d, peer);
  CAF_CHECK(close(d));
  peer.close();
  ::unlink(path.c_str() + 6);
}

CAF_TEST(round robin over two libzmq DEALERs) {
  // Outgoing messages alternate between the connected peers; incoming ones
  // from both peers all arrive.
  auto d = dealer();
  auto ep = bind(d);
  auto p1 = zsock(ctx, zmq::socket_type::dealer);
  auto p2 = zsock(ctx, zmq::socket_type::dealer);
  p1.connect(ep);
  p2.connect(ep);
  CAF_REQUIRE(await_status(d, 2));
  for (int i = 0; i < 10; ++i)
    send(d, mp({std::to_string(i)}));
  int n1 = 0;
  int n2 = 0;
  p1.set(zmq::sockopt::rcvtimeo, 200);
  p2.set(zmq::sockopt::rcvtimeo, 200);
  while (zrecv(p1) != timed_out)
    ++n1;
  while (zrecv(p2) != timed_out)
    ++n2;
  CAF_CHECK_EQUAL(n1, 5);
  CAF_CHECK_EQUAL(n2, 5);
  CAF_REQUIRE(zsend(p1, {"from-1"}));
  CAF_REQUIRE(zsend(p2, {"from-2"}));
  auto a = recv_strs(d);
  auto b = recv_strs(d);
  std::vector<std::string> got{a.at(0), b.at(0)};
  std::sort(got.begin(), got.end());
  CAF_CHECK_EQUAL(got, (strings{"from-1", "from-2"}));
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
