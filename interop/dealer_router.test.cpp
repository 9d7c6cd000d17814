// Our DEALER against a libzmq ROUTER, with libzmq binding and with us
// binding: routing id, empty frames, empty and large messages, ordering.
#define CAF_SUITE interop_dealer_router
#include "interop_fixture.hpp"

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

struct router_fixture : fixture {
  /// A connected pair: our dealer (identity `id`) and a libzmq ROUTER.
  struct pair {
    mq::dealer_actor dealer;
    zmq::socket_t router;
  };

  /// libzmq binds, we connect.
  pair zmq_binds(const string& id) {
    auto router = zsock(ctx, zmq::socket_type::router);
    router.set(zmq::sockopt::router_mandatory, 1);
    router.set(zmq::sockopt::sndhwm, 0); // never drop, never block
    router.set(zmq::sockopt::rcvhwm, 0);
    auto ep = zbind(router);
    auto opts = defaults();
    opts.identity = id;
    auto d = dealer(opts);
    connect(d, ep);
    CAF_REQUIRE(await_status(d, 1));
    return {d, std::move(router)};
  }

  /// We bind, libzmq connects.
  pair we_bind(const string& id) {
    auto opts = defaults();
    opts.identity = id;
    auto d = dealer(opts);
    auto ep = bind(d);
    CAF_REQUIRE_NOT_EQUAL(ep, "");
    auto router = zsock(ctx, zmq::socket_type::router);
    router.set(zmq::sockopt::router_mandatory, 1);
    router.set(zmq::sockopt::sndhwm, 0);
    router.set(zmq::sockopt::rcvhwm, 0);
    router.connect(ep);
    CAF_REQUIRE(await_status(d, 1));
    return {d, std::move(router)};
  }

  /// Runs every check of this suite on one connected pair.
  void exercise(pair& p, const string& id) {
    // The ROUTER sees our routing id in front of every message.
    send(p.dealer, mp({"hello"}));
    CAF_CHECK_EQUAL(zrecv(p.router), (strings{id, "hello"}));
    CAF_REQUIRE(zsend(p.router, {id, "world"}));
    CAF_CHECK_EQUAL(recv_strs(p.dealer), (strings{"world"}));
    // Multipart with empty frames, both ways.
    send(p.dealer, mp({"", "a", "", ""}));
    CAF_CHECK_EQUAL(zrecv(p.router), (strings{id, "", "a", "", ""}));
    CAF_REQUIRE(zsend(p.router, {id, "", "", "b", ""}));
    CAF_CHECK_EQUAL(recv_strs(p.dealer), (strings{"", "", "b", ""}));
    // A message of one 0-byte frame, both ways.
    send(p.dealer, mp({""}));
    CAF_CHECK_EQUAL(zrecv(p.router), (strings{id, ""}));
    CAF_REQUIRE(zsend(p.router, {id, ""}));
    CAF_CHECK_EQUAL(recv_strs(p.dealer), (strings{""}));
    // 1 MiB, both ways (and a frame after it, to check the framing).
    auto big = pattern(1 << 20, 1);
    send(p.dealer, mp({big, "tail"}));
    CAF_CHECK(zrecv(p.router) == (strings{id, big, "tail"}));
    auto big2 = pattern(1 << 20, 2);
    CAF_REQUIRE(zsend(p.router, {id, big2}));
    auto got = recv(p.dealer);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK_EQUAL(got->size(), 1u);
    CAF_CHECK_EQUAL(monocoque::zmtp::payload_size(*got), size_t{1} << 20);
    CAF_CHECK(strs(*got) == strings{big2});
    ordered_stream(p, id);
  }

  /// 10 000 messages in order, each way.
  void ordered_stream(pair& p, const string& id) {
    constexpr int n = 10000;
    // dealer -> ROUTER: the ROUTER has no HWM, so our sends complete even
    // though nobody reads yet; the acks still pace us through SNDHWM.
    for (int i = 0; i < n; ++i)
      send(p.dealer, mp({std::to_string(i)}));
    int bad = 0;
    int received = 0;
    for (int i = 0; i < n; ++i) {
      auto msg = zrecv(p.router);
      if (msg == timed_out)
        break;
      ++received;
      if (msg != strings{id, std::to_string(i)} && bad++ == 0)
        CAF_MESSAGE("first out-of-order message at "
                    << i << ": " << caf::deep_to_string(msg));
    }
    CAF_CHECK_EQUAL(received, n);
    CAF_CHECK_EQUAL(bad, 0);
    // ROUTER -> dealer.
    for (int i = 0; i < n; ++i)
      if (!zsend(p.router, {id, std::to_string(i), "x"}))
        CAF_FAIL("libzmq send failed at " << i);
    bad = 0;
    received = 0;
    for (int i = 0; i < n; ++i) {
      auto msg = recv(p.dealer);
      if (!msg)
        break;
      ++received;
      if (strs(*msg) != strings{std::to_string(i), "x"} && bad++ == 0)
        CAF_MESSAGE("first out-of-order message at "
                    << i << ": " << caf::deep_to_string(strs(*msg)));
    }
    CAF_CHECK_EQUAL(received, n);
    CAF_CHECK_EQUAL(bad, 0);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(dealer_router_tests, router_fixture)

CAF_TEST(libzmq binds and we connect) {
  auto p = zmq_binds("mq-dealer-c");
  exercise(p, "mq-dealer-c");
  CAF_CHECK(close(p.dealer));
}

CAF_TEST(we bind and libzmq connects) {
  auto p = we_bind("mq-dealer-b");
  exercise(p, "mq-dealer-b");
  CAF_CHECK(close(p.dealer));
}

CAF_TEST(push delivery with credit) {
  auto p = zmq_binds("mq-push");
  caf::actor me{self};
  self->send(p.dealer, mq::deliver_atom::value, me, uint64_t{2});
  for (int i = 0; i < 5; ++i)
    CAF_REQUIRE(zsend(p.router, {"mq-push", std::to_string(i)}));
  auto next = [&]() -> string {
    string result = "<timeout>";
    self->receive(
        [&](mq::message_atom, mq::multipart& msg) {
          result = msg.size() == 1 ? msg[0].to_string() : "<bad>";
        },
        caf::after(timeout) >> [] {});
    return result;
  };
  CAF_CHECK_EQUAL(next(), "0");
  CAF_CHECK_EQUAL(next(), "1");
  // Out of credit: nothing more arrives until we grant some.
  bool extra = false;
  self->receive([&](mq::message_atom, mq::multipart&) { extra = true; },
                caf::after(std::chrono::milliseconds{200}) >> [] {});
  CAF_CHECK(!extra);
  self->send(p.dealer, mq::credit_atom::value, uint64_t{3});
  CAF_CHECK_EQUAL(next(), "2");
  CAF_CHECK_EQUAL(next(), "3");
  CAF_CHECK_EQUAL(next(), "4");
  CAF_CHECK(close(p.dealer));
}

CAF_TEST(local misuse is refused without harming the connection) {
  auto p = zmq_binds("mq-misuse");
  // A message needs at least one frame.
  auto err = try_send(p.dealer, mq::multipart{});
  CAF_CHECK_NOT_EQUAL(err, caf::error{});
  CAF_MESSAGE("empty message: " << sys.render(err));
  // Binding to an endpoint in use fails and reports why.
  auto other = dealer();
  auto ep = bind(other);
  std::string result;
  caf::error bind_err;
  self->request(p.dealer, timeout, mq::bind_atom::value, ep)
      .receive([&](std::string& x) { result = x; },
               [&](caf::error& x) { bind_err = x; });
  CAF_CHECK_EQUAL(result, "");
  CAF_CHECK_NOT_EQUAL(bind_err, caf::error{});
  CAF_MESSAGE("bind in use: " << sys.render(bind_err));
  // Malformed and unsupported endpoints.
  caf::error conn_err;
  self->request(p.dealer, timeout, mq::connect_atom::value,
                std::string{"pgm://eth0;239.1.1.1:5555"})
      .receive([](caf::ok_atom) {}, [&](caf::error& x) { conn_err = x; });
  CAF_CHECK_NOT_EQUAL(conn_err, caf::error{});
  // The connection still works.
  send(p.dealer, mp({"still", "here"}));
  CAF_CHECK_EQUAL(zrecv(p.router), (strings{"mq-misuse", "still", "here"}));
  CAF_CHECK(close(other));
  CAF_CHECK(close(p.dealer));
}

// Disabled (run it with -t): a recv whose request timed out stays queued in
// the dealer as a waiter, so the next message goes to the dead request and is
// lost. Reported to the lead; until the dealer can expire waiters (e.g. a
// recv with a deadline it enforces itself), use deliver/credit, or recv only
// when a message is due.
CAF_TEST(a timed out recv does not swallow the next message) {
  // The dealer enforces the timeout itself: a client-side request timeout
  // cannot withdraw the request in CAF 0.17 (see dealer_actor.hpp).
  auto p = zmq_binds("mq-recv");
  std::optional<mq::multipart> early;
  caf::error err;
  self->request(p.dealer, std::chrono::seconds{5}, mq::recv_atom::value,
                caf::timespan{std::chrono::milliseconds{100}})
      .receive([&](mq::multipart& msg) { early = std::move(msg); },
               [&](caf::error& e) { err = e; });
  CAF_CHECK(!early);
  CAF_CHECK_EQUAL(err.code(), static_cast<uint8_t>(mq::errc::timed_out));
  CAF_REQUIRE(zsend(p.router, {"mq-recv", "m1"}));
  CAF_REQUIRE(zsend(p.router, {"mq-recv", "m2"}));
  CAF_CHECK_EQUAL(recv_strs(p.dealer), (strings{"m1"}));
  CAF_CHECK_EQUAL(recv_strs(p.dealer), (strings{"m2"}));
  CAF_CHECK(close(p.dealer));
}

CAF_TEST_FIXTURE_SCOPE_END()
