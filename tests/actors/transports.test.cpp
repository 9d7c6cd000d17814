#define CAF_SUITE dealer_transports
#include <caf/test/unit_test.hpp>

#include "caf/monocoque/all.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <string>
#include <unistd.h>

using namespace std::chrono_literals;
namespace mq = caf::monocoque;

namespace {

struct fixture {
  mq::config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;

  fixture() {
    cfg.load<mq::module>();
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
  }

  ~fixture() {
    self.reset();
  }

  caf::expected<std::string> bind(const mq::dealer_actor& d,
                                  const std::string& ep) {
    caf::expected<std::string> result{caf::error{}};
    (*self)
      ->request(d, 5s, mq::bind_atom::value, ep)
      .receive([&](std::string& s) { result = std::move(s); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  caf::error connect(const mq::dealer_actor& d, const std::string& ep) {
    caf::error result;
    (*self)
      ->request(d, 5s, mq::connect_atom::value, ep)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  // Sends `text` from `from` and returns what `to` receives (or "").
  std::string roundtrip(const mq::dealer_actor& from,
                        const mq::dealer_actor& to, const std::string& text) {
    std::string result;
    (*self)
      ->request(from, 5s, mq::send_atom::value, mq::make_message({text}))
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
    (*self)
      ->request(to, 5s, mq::recv_atom::value)
      .receive([&](mq::multipart& m) { result = m.front().to_string(); },
               [](caf::error&) {});
    return result;
  }

  void exchange_over(const std::string& ep_in) {
    auto a = mq::spawn_dealer(*sys);
    auto b = mq::spawn_dealer(*sys);
    auto ep = bind(a, ep_in);
    CAF_REQUIRE(ep);
    CAF_MESSAGE("bound " << *ep);
    CAF_REQUIRE(!connect(b, *ep));
    CAF_CHECK_EQUAL(roundtrip(b, a, "ping"), "ping");
    CAF_CHECK_EQUAL(roundtrip(a, b, "pong"), "pong");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(transport_tests, fixture)

CAF_TEST(tcp_ipv4_with_wildcard_port) {
  exchange_over("tcp://127.0.0.1:*");
}

CAF_TEST(tcp_ipv6_loopback) {
  exchange_over("tcp://[::1]:0");
}

CAF_TEST(tcp_host_name_is_resolved) {
  auto a = mq::spawn_dealer(*sys);
  auto b = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto port = ep->substr(ep->rfind(':') + 1);
  CAF_REQUIRE(!connect(b, "tcp://localhost:" + port));
  CAF_CHECK_EQUAL(roundtrip(b, a, "by name"), "by name");
}

CAF_TEST(ipc_path) {
  auto path = "/tmp/monocoque-test-" + std::to_string(::getpid()) + ".sock";
  exchange_over("ipc://" + path);
  ::unlink(path.c_str());
}

CAF_TEST(ipc_abstract_name) {
  exchange_over("ipc://@monocoque-test-" + std::to_string(::getpid()));
}

CAF_TEST(bad_endpoints_get_typed_errors) {
  auto d = mq::spawn_dealer(*sys);
  auto code = [](const caf::error& e) {
    return e.category() == mq::errc_category ? static_cast<mq::errc>(e.code())
                                             : mq::errc::none;
  };
  CAF_CHECK_EQUAL(code(connect(d, "tcp://127.0.0.1")),
                  mq::errc::invalid_endpoint);
  CAF_CHECK_EQUAL(code(connect(d, "tcp://::1:5555")),
                  mq::errc::invalid_endpoint);
  CAF_CHECK_EQUAL(code(connect(d, "tcp://127.0.0.1:99999")),
                  mq::errc::invalid_endpoint);
  CAF_CHECK_EQUAL(code(connect(d, "pgm://eth0;239.192.1.1:5555")),
                  mq::errc::unsupported_transport);
  CAF_CHECK_EQUAL(code(connect(d, "tcp://*:5555")),
                  mq::errc::invalid_endpoint);
  auto taken = bind(d, "tcp://127.0.0.1:*");
  CAF_REQUIRE(taken);
  auto again = bind(mq::spawn_dealer(*sys), *taken);
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(code(again.error()), mq::errc::bind_failed);
  // Rendering names the category, the code and the context.
  auto text = sys->render(again.error());
  CAF_CHECK(text.find("monocoque: bind_failed") != std::string::npos);
}

CAF_TEST(timed_recv_does_not_swallow_the_next_message) {
  auto a = mq::spawn_dealer(*sys);
  auto b = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  caf::error err;
  (*self)
    ->request(a, 5s, mq::recv_atom::value, caf::timespan{50ms})
    .receive([](mq::multipart&) {}, [&](caf::error& e) { err = e; });
  CAF_CHECK_EQUAL(err.code(), static_cast<uint8_t>(mq::errc::timed_out));
  CAF_CHECK_EQUAL(roundtrip(b, a, "m1"), "m1");
}

// A timed recv that was answered leaves its timeout pending; the timer
// must not hold the socket: once its handles are gone, the socket goes long
// before the (1 h) timeout, and ~actor_system does not wait for it.
CAF_TEST(an_answered_timed_recv_does_not_keep_the_socket_alive) {
  caf::actor_addr addr;
  {
    auto a = mq::spawn_dealer(*sys);
    auto b = mq::spawn_dealer(*sys);
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!connect(b, *ep));
    // Parked first (nothing there yet), answered by the message.
    auto pending = (*self)->request(a, 10s, mq::recv_atom::value,
                                    caf::timespan{1h});
    (*self)
      ->request(b, 5s, mq::send_atom::value, mq::make_message({"m1"}))
      .receive([](caf::ok_atom) {},
               [](caf::error& e) { CAF_FAIL("send: " << e); });
    std::string got;
    pending.receive([&](mq::multipart& m) { got = m.front().to_string(); },
                    [](caf::error& e) { CAF_FAIL("recv: " << e); });
    CAF_CHECK_EQUAL(got, "m1");
    (*self)->monitor(a);
    addr = a.address();
  }
  bool gone = false;
  (*self)->receive(
    [&](caf::down_msg& dm) { gone = dm.source == addr; },
    caf::after(std::chrono::seconds{30}) >> [] {});
  CAF_CHECK(gone);
}

CAF_TEST(batch_send_keeps_order) {
  auto a = mq::spawn_dealer(*sys);
  auto b = mq::spawn_dealer(*sys);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  std::vector<mq::multipart> batch;
  for (int i = 0; i < 100; ++i)
    batch.push_back(mq::make_message({std::to_string(i)}));
  bool acked = false;
  (*self)
    ->request(b, 5s, mq::send_atom::value, std::move(batch))
    .receive([&](caf::ok_atom) { acked = true; }, [](caf::error&) {});
  CAF_CHECK(acked);
  std::string got;
  for (int i = 0; i < 100; ++i)
    (*self)
      ->request(a, 5s, mq::recv_atom::value)
      .receive([&](mq::multipart& m) { got += m[0].to_string() + ","; },
               [](caf::error&) {});
  std::string want;
  for (int i = 0; i < 100; ++i)
    want += std::to_string(i) + ",";
  CAF_CHECK_EQUAL(got, want);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(options_come_from_the_command_line) {
  mq::config cfg;
  const char* argv[] = {"test", "--monocoque.sndhwm=7",
                        "--monocoque.reconnect-ivl=250ms",
                        "--monocoque.io-threads=2"};
  CAF_REQUIRE(!cfg.parse(4, const_cast<char**>(argv)));
  auto opts = mq::options::read(cfg);
  CAF_CHECK_EQUAL(opts.defaults.sndhwm, 7u);
  CAF_CHECK_EQUAL(opts.io_threads, 2u);
  CAF_CHECK(opts.defaults.reconnect_ivl == std::chrono::milliseconds{250});
  CAF_CHECK_EQUAL(opts.defaults.rcvhwm, 1000u); // default kept
  auto sock = mq::socket_options::from(opts);
  CAF_CHECK_EQUAL(sock.sndhwm, 7u);
}
