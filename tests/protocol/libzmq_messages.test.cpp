// Interop with a real libzmq 4.3.4 peer: message exchange with every
// pattern, with libzmq as the bound and as the connecting side. Helpers and
// facts: libzmq_peer.hpp.

#define CAF_SUITE zmtp_libzmq_messages
#include "libzmq_peer.hpp"

#include <caf/test/dsl.hpp>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_messages_tests, fixture)

// -- (c) message exchange -----------------------------------------------------

CAF_TEST(dealer_router_multipart_empty_and_1mib_messages) {
  for (bool chunks : {false, true}) {
    CAF_MESSAGE("feeding " << (chunks ? "frame chunks" : "byte spans"));
    auto router = make(zmq::socket_type::router, "router-1");
    router.set(zmq::sockopt::router_mandatory, 1);
    auto port = bind_ephemeral(router);
    raw_peer us{connect_tcp(port), config(socket_type::dealer, "monocoque")};
    CAF_REQUIRE(us.fd() >= 0);
    us.feed_chunks = chunks;
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    auto big = pattern(1 << 20, 1);
    // Ours to libzmq (the ROUTER prepends our Identity).
    std::vector<parts> outgoing{
        {"a", "", "b"}, {""}, {"", ""}, {big}, {"head", big, ""}};
    for (const auto& msg : outgoing) {
      CAF_REQUIRE(us.send(msg));
      auto got = zrecv(router);
      CAF_REQUIRE(got.has_value());
      auto expected = msg;
      expected.insert(expected.begin(), "monocoque");
      CAF_CHECK(*got == expected);
    }
    // libzmq to ours (addressed by our Identity, which libzmq now knows).
    std::vector<parts> incoming{
        {"x", "", "y"}, {""}, {"", "", ""}, {big}, {big, "tail"}};
    for (const auto& msg : incoming) {
      auto addressed = msg;
      addressed.insert(addressed.begin(), "monocoque");
      zsend(router, addressed);
      auto got = us.receive();
      CAF_REQUIRE(got.has_value());
      CAF_CHECK(*got == msg);
    }
    // A burst both ways, checking order.
    constexpr int burst = 1000;
    for (int i = 0; i < burst; ++i)
      CAF_REQUIRE_EQUAL(us.sess().send(message_of({std::to_string(i)})),
                        local_error::none);
    CAF_REQUIRE(us.flush());
    for (int i = 0; i < burst; ++i) {
      auto got = zrecv(router);
      CAF_REQUIRE(got.has_value());
      CAF_REQUIRE_EQUAL(got->back(), std::to_string(i));
    }
    for (int i = 0; i < burst; ++i)
      zsend(router, {"monocoque", std::to_string(i), pattern(i % 300, i)});
    for (int i = 0; i < burst; ++i) {
      auto got = us.receive();
      CAF_REQUIRE(got.has_value());
      CAF_REQUIRE_EQUAL(got->front(), std::to_string(i));
      CAF_REQUIRE_EQUAL(got->back(), pattern(i % 300, i));
    }
    CAF_CHECK(!us.failed());
  }
}

CAF_TEST(req_rep_in_both_roles) {
  { // our REQ, libzmq REP: we add the empty delimiter, REP strips it.
    auto rep = make(zmq::socket_type::rep);
    auto port = bind_ephemeral(rep);
    raw_peer us{connect_tcp(port), config(socket_type::req, "client")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"", "hello", "world"}));
    auto request = zrecv(rep);
    CAF_REQUIRE(request.has_value());
    CAF_CHECK(*request == (parts{"hello", "world"}));
    zsend(rep, {"reply"});
    auto reply = us.receive();
    CAF_REQUIRE(reply.has_value());
    CAF_CHECK(*reply == (parts{"", "reply"}));
  }
  { // libzmq REQ, our REP: the delimiter arrives and must go back.
    auto req = make(zmq::socket_type::req, "req-1");
    auto port = bind_ephemeral(req);
    raw_peer us{connect_tcp(port), config(socket_type::rep)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    zsend(req, {"question"});
    auto request = us.receive();
    CAF_REQUIRE(request.has_value());
    CAF_CHECK(*request == (parts{"", "question"}));
    CAF_REQUIRE(us.send({"", "answer"}));
    auto reply = zrecv(req);
    CAF_REQUIRE(reply.has_value());
    CAF_CHECK(*reply == (parts{"answer"}));
  }
}

CAF_TEST(push_pull_and_pair_in_both_directions) {
  {
    auto push = make(zmq::socket_type::push);
    auto port = bind_ephemeral(push);
    raw_peer us{connect_tcp(port), config(socket_type::pull)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    zsend(push, {"job", "", "1"});
    auto got = us.receive();
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"job", "", "1"}));
  }
  {
    auto pull = make(zmq::socket_type::pull);
    auto port = bind_ephemeral(pull);
    raw_peer us{connect_tcp(port), config(socket_type::push)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"result", pattern(300, 3)}));
    auto got = zrecv(pull);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"result", pattern(300, 3)}));
  }
  {
    auto pair = make(zmq::socket_type::pair);
    auto port = bind_ephemeral(pair);
    raw_peer us{connect_tcp(port), config(socket_type::pair)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"ping"}));
    auto got = zrecv(pair);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"ping"}));
    zsend(pair, {"pong", ""});
    auto back = us.receive();
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"pong", ""}));
  }
}

// -- libzmq as the connecting side --------------------------------------------

CAF_TEST(libzmq_connects_to_our_listener) {
  uint16_t port = 0;
  fd_guard listener{listen_tcp(port)};
  CAF_REQUIRE(listener.get() >= 0);
  auto endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  { // libzmq DEALER connects, our ROUTER accepts.
    auto dealer = make(zmq::socket_type::dealer, "dealer-c");
    dealer.connect(endpoint);
    // A connecting socket has its pipe at once: this is queued, not dropped.
    zsend(dealer, {"early", ""});
    raw_peer us{accept_tcp(listener.get()),
                config(socket_type::router, "listener")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), "DEALER");
    CAF_CHECK_EQUAL(peer->identity, "dealer-c");
    // A connecting libzmq greets exactly as a bound one.
    auto expected_signature = unhex("ff00000000000000097f"); // 8 + 1
    CAF_CHECK_EQUAL(
        hex(bytes(us.received().begin(), us.received().begin() + 10)),
        hex(expected_signature));
    auto got = us.receive();
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"early", ""}));
    CAF_REQUIRE(us.send({"reply", pattern(2000, 7)}));
    auto back = zrecv(dealer);
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"reply", pattern(2000, 7)}));
  }
  { // libzmq ROUTER connects, our DEALER accepts.
    auto router = make(zmq::socket_type::router, "router-c");
    router.set(zmq::sockopt::router_mandatory, 1);
    router.connect(endpoint);
    raw_peer us{accept_tcp(listener.get()),
                config(socket_type::dealer, "accepted")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), "ROUTER");
    CAF_CHECK_EQUAL(peer->identity, "router-c");
    CAF_REQUIRE(us.send({"hi"}));
    auto got = zrecv(router);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"accepted", "hi"}));
    zsend(router, {"accepted", "hello", ""});
    auto back = us.receive();
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"hello", ""}));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
