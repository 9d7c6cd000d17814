// Our PAIR against a libzmq PAIR: both bind directions, multipart both
// ways, a second PAIR refused while the first lives (and admitted once it
// is gone), and the peer restarted mid-stream.
#define CAF_SUITE interop_pair
#include "interop_fixture.hpp"

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

struct pair_fixture : fixture {
  mq::socket_options fast() {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    return opts;
  }

  /// Single and multipart messages (with empty frames) both ways, then
  /// `n` ordered messages each way.
  void exercise(const mq::pair_actor& p, zmq::socket_t& z, int n = 200) {
    send(p, mp({"hello"}));
    CAF_CHECK_EQUAL(zrecv(z), (strings{"hello"}));
    CAF_REQUIRE(zsend(z, {"world"}));
    CAF_CHECK_EQUAL(recv_strs(p), (strings{"world"}));
    send(p, mp({"", "a", "", "b", ""}));
    CAF_CHECK_EQUAL(zrecv(z), (strings{"", "a", "", "b", ""}));
    CAF_REQUIRE(zsend(z, {"x", "", "", "y"}));
    CAF_CHECK_EQUAL(recv_strs(p), (strings{"x", "", "", "y"}));
    auto big = pattern(256 * 1024, 5);
    send(p, mp({big, "tail"}));
    CAF_CHECK(zrecv(z) == (strings{big, "tail"}));
    CAF_REQUIRE(zsend(z, {"head", big}));
    CAF_CHECK(recv_strs(p) == (strings{"head", big}));
    stream(p, z, 0, n);
  }

  /// Messages `from`..`to`-1 in order, each way.
  void stream(const mq::pair_actor& p, zmq::socket_t& z, int from, int to) {
    for (int i = from; i < to; ++i)
      send(p, mp({"out", std::to_string(i)}));
    int bad = 0;
    for (int i = from; i < to; ++i)
      if (zrecv(z) != strings{"out", std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
    for (int i = from; i < to; ++i)
      CAF_REQUIRE(zsend(z, {"in", std::to_string(i)}));
    bad = 0;
    for (int i = from; i < to; ++i)
      if (recv_strs(p) != strings{"in", std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pair_tests, pair_fixture)

CAF_TEST(we bind and a libzmq PAIR connects) {
  auto p = pair_socket();
  auto ep = bind(p);
  auto z = zsock(ctx, zmq::socket_type::pair);
  z.connect(ep);
  CAF_REQUIRE(await_status(p, 1));
  exercise(p, z);
  auto st = stats(p);
  CAF_CHECK_EQUAL(st.type, "PAIR");
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].peer_type, "PAIR");
  CAF_CHECK_EQUAL(st.peers[0].msgs_in, st.peers[0].msgs_out);
  CAF_CHECK_EQUAL(st.refused, 0u);
  CAF_CHECK(close(p));
}

CAF_TEST(a libzmq PAIR binds and we connect) {
  auto z = zsock(ctx, zmq::socket_type::pair);
  auto ep = zbind(z);
  auto p = pair_socket(fast());
  connect(p, ep);
  CAF_REQUIRE(await_status(p, 1));
  exercise(p, z);
  auto st = stats(p);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].endpoint, ep);
  CAF_CHECK(close(p));
}

CAF_TEST(a second PAIR is refused while the first lives) {
  auto p = pair_socket();
  auto ep = bind(p);
  auto first = zsock(ctx, zmq::socket_type::pair);
  first.connect(ep);
  CAF_REQUIRE(await_status(p, 1));
  stream(p, first, 0, 10);
  auto second = zsock(ctx, zmq::socket_type::pair);
  second.connect(ep);
  CAF_REQUIRE(await([&] { return stats(p).refused > 0; }));
  CAF_CHECK_EQUAL(status(p), 1u);
  // The first still works both ways; the second gets nothing.
  stream(p, first, 10, 20);
  CAF_CHECK_EQUAL(zrecv_for(second, 200ms), timed_out);
  // Once the first is gone, the second gets in (libzmq reconnects it).
  first.close();
  CAF_REQUIRE(await([&] {
    auto st = stats(p);
    for (auto& x : st.peers)
      if (x.up && x.msgs_in == 0 && x.msgs_out == 0)
        return true;
    return false;
  }));
  stream(p, second, 0, 10);
  CAF_CHECK(close(p));
}

CAF_TEST(the libzmq PAIR restarted mid - stream) {
  // We connect; the peer's process goes away and comes back on the same
  // endpoint. What we send meanwhile waits (up to SNDHWM) and arrives.
  auto z = zsock(ctx, zmq::socket_type::pair);
  auto ep = zbind(z);
  auto p = pair_socket(fast());
  connect(p, ep);
  CAF_REQUIRE(await_status(p, 1));
  stream(p, z, 0, 50);
  for (int round = 0; round < 2; ++round) {
    z.close();
    CAF_REQUIRE(await_status(p, 0));
    for (int i = 0; i < 5; ++i)
      send(p, mp({"queued", std::to_string(i)}));
    z = zrebind(ctx, zmq::socket_type::pair, ep);
    CAF_REQUIRE(await_status(p, 1));
    for (int i = 0; i < 5; ++i)
      CAF_CHECK_EQUAL(zrecv(z), (strings{"queued", std::to_string(i)}));
    stream(p, z, 100 * (round + 1), 100 * (round + 1) + 50);
  }
  CAF_CHECK(close(p));
}

CAF_TEST(we bind and a new libzmq PAIR replaces a dead one) {
  auto p = pair_socket();
  auto ep = bind(p);
  auto z = zsock(ctx, zmq::socket_type::pair);
  z.connect(ep);
  CAF_REQUIRE(await_status(p, 1));
  stream(p, z, 0, 20);
  z.close();
  CAF_REQUIRE(await_status(p, 0));
  send(p, mp({"waiting"}));
  z = zsock(ctx, zmq::socket_type::pair);
  z.connect(ep);
  CAF_REQUIRE(await_status(p, 1));
  CAF_CHECK_EQUAL(zrecv(z), (strings{"waiting"}));
  stream(p, z, 20, 40);
  CAF_CHECK_EQUAL(stats(p).refused, 0u);
  CAF_CHECK(close(p));
}

CAF_TEST_FIXTURE_SCOPE_END()
