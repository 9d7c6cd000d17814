// The liveness options of issue 19 with libzmq's names and meaning:
// connect_timeout (ZMQ_CONNECT_TIMEOUT), tcp_keepalive, _idle, _intvl, _cnt
// (ZMQ_TCP_KEEPALIVE*) and tcp_maxrt (ZMQ_TCP_MAXRT → TCP_USER_TIMEOUT):
// validation, the `monocoque.*` keys, and what the kernel really has on
// connected and accepted sockets (read back with getsockopt on our own fds).
// Their effect on dead peers: liveness_netns (needs root).

#define CAF_SUITE liveness_options
#include "liveness_fixture.hpp"

using namespace liveness_test;
using monocoque_test::context;
using monocoque_test::is;

namespace {

// Returns the validation error's text if `opts` is refused as
// `invalid_option`, else "(accepted)".
std::string refusal(const mq::socket_options& opts) {
  auto err = opts.validate();
  if (!err)
    return "(accepted)";
  if (!is(err, mq::errc::invalid_option))
    return "(other error)";
  return context(err);
}

// True if `opts` is refused with a message that starts with `field`.
bool refused_naming(const mq::socket_options& opts, const std::string& field) {
  auto why = refusal(opts);
  CAF_MESSAGE(field << ": " << why);
  return why.compare(0, field.size() + 1, field + ":") == 0;
}

} // namespace

CAF_TEST(validate accepts the defaults and the libzmq ranges) {
  mq::socket_options opts;
  CAF_CHECK(!opts.validate());
  opts.connect_timeout = 1ms;
  opts.tcp_maxrt = 1ms;
  opts.tcp_keepalive = 1;
  opts.tcp_keepalive_idle = 1;
  opts.tcp_keepalive_intvl = 1;
  opts.tcp_keepalive_cnt = 1;
  CAF_CHECK(!opts.validate());
  opts.tcp_keepalive = 0;
  opts.tcp_keepalive_idle = 32767;
  opts.tcp_keepalive_intvl = 32767;
  opts.tcp_keepalive_cnt = 127;
  opts.connect_timeout = std::chrono::milliseconds{2147483647};
  opts.tcp_maxrt = std::chrono::milliseconds{2147483647};
  CAF_CHECK(!opts.validate());
  opts.tcp_keepalive = -1; // -1 everywhere: the OS decides
  opts.tcp_keepalive_idle = -1;
  opts.tcp_keepalive_intvl = -1;
  opts.tcp_keepalive_cnt = -1;
  CAF_CHECK(!opts.validate());
}

CAF_TEST(validate refuses each bad value naming the field) {
  auto with = [](auto set) {
    mq::socket_options opts;
    set(opts);
    return opts;
  };
  using opts_t = mq::socket_options;
  CAF_CHECK(refused_naming(with([](opts_t& x) { x.connect_timeout = -1ms; }),
                           "connect_timeout"));
  CAF_CHECK(refused_naming(
    with([](opts_t& x) { x.connect_timeout = 2147483648ms; }),
    "connect_timeout"));
  CAF_CHECK(refused_naming(with([](opts_t& x) { x.tcp_maxrt = -1ms; }),
                           "tcp_maxrt"));
  CAF_CHECK(refused_naming(with([](opts_t& x) { x.tcp_maxrt = 2147483648ms; }),
                           "tcp_maxrt"));
  CAF_CHECK(refused_naming(with([](opts_t& x) { x.tcp_keepalive = 2; }),
                           "tcp_keepalive"));
  CAF_CHECK(refused_naming(with([](opts_t& x) { x.tcp_keepalive = -2; }),
                           "tcp_keepalive"));
  for (int bad : {-2, 0, 32768}) {
    CAF_CHECK(refused_naming(
      with([bad](opts_t& x) { x.tcp_keepalive_idle = bad; }),
      "tcp_keepalive_idle"));
    CAF_CHECK(refused_naming(
      with([bad](opts_t& x) { x.tcp_keepalive_intvl = bad; }),
      "tcp_keepalive_intvl"));
  }
  for (int bad : {-2, 0, 128})
    CAF_CHECK(refused_naming(
      with([bad](opts_t& x) { x.tcp_keepalive_cnt = bad; }),
      "tcp_keepalive_cnt"));
}

CAF_TEST(a socket with a bad liveness option exits with invalid_option) {
  fixture f;
  mq::socket_options opts;
  opts.tcp_keepalive_cnt = 0;
  auto d = mq::spawn_dealer(*f.sys, opts);
  caf::error reason;
  (*f.self)->monitor(d);
  (*f.self)->receive(
    [&](caf::down_msg& dm) { reason = dm.reason; },
    caf::after(limit) >> [] { CAF_FAIL("the socket did not exit"); });
  CAF_CHECK(is(reason, mq::errc::invalid_option));
  CAF_CHECK_EQUAL(context(reason).rfind("tcp_keepalive_cnt:", 0), 0u);
}

CAF_TEST(the options come from the monocoque keys) {
  mq::config cfg;
  const char* argv[] = {"test",
                        "--monocoque.connect-timeout=750ms",
                        "--monocoque.tcp-keepalive=1",
                        "--monocoque.tcp-keepalive-idle=30",
                        "--monocoque.tcp-keepalive-intvl=5",
                        "--monocoque.tcp-keepalive-cnt=4",
                        "--monocoque.tcp-maxrt=2500ms"};
  CAF_REQUIRE(!cfg.parse(7, const_cast<char**>(argv)));
  auto opts = mq::socket_options::from(mq::options::read(cfg));
  CAF_CHECK(opts.connect_timeout == 750ms);
  CAF_CHECK_EQUAL(opts.tcp_keepalive, 1);
  CAF_CHECK_EQUAL(opts.tcp_keepalive_idle, 30);
  CAF_CHECK_EQUAL(opts.tcp_keepalive_intvl, 5);
  CAF_CHECK_EQUAL(opts.tcp_keepalive_cnt, 4);
  CAF_CHECK(opts.tcp_maxrt == 2500ms);
  CAF_CHECK(!opts.validate());
  // Missing keys keep libzmq's defaults.
  mq::config empty;
  auto defaults = mq::socket_options::from(mq::options::read(empty));
  CAF_CHECK(defaults.connect_timeout == caf::timespan{0});
  CAF_CHECK_EQUAL(defaults.tcp_keepalive, -1);
  CAF_CHECK_EQUAL(defaults.tcp_keepalive_idle, -1);
  CAF_CHECK_EQUAL(defaults.tcp_keepalive_intvl, -1);
  CAF_CHECK_EQUAL(defaults.tcp_keepalive_cnt, -1);
  CAF_CHECK(defaults.tcp_maxrt == caf::timespan{0});
}

CAF_TEST_FIXTURE_SCOPE(liveness_kernel_tests, fixture)

CAF_TEST(connected and accepted sockets carry their own settings) {
  mq::socket_options bound_opts;
  bound_opts.tcp_keepalive = 1;
  bound_opts.tcp_keepalive_idle = 11;
  bound_opts.tcp_keepalive_intvl = 12;
  bound_opts.tcp_keepalive_cnt = 3;
  bound_opts.tcp_maxrt = 1500ms;
  mq::socket_options connecting_opts;
  connecting_opts.tcp_keepalive = 1;
  connecting_opts.tcp_keepalive_idle = 21;
  connecting_opts.tcp_keepalive_intvl = 22;
  connecting_opts.tcp_keepalive_cnt = 4;
  connecting_opts.tcp_maxrt = 2500ms;
  auto a = mq::spawn_dealer(*sys, bound_opts);
  auto b = mq::spawn_dealer(*sys, connecting_opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  auto port = port_of(*ep);
  auto accepted = find_tcp_fd(port, false);
  auto connected = find_tcp_fd(port, true);
  CAF_REQUIRE(accepted >= 0);
  CAF_REQUIRE(connected >= 0);
  auto acc = kernel_liveness::of(accepted);
  auto con = kernel_liveness::of(connected);
  CAF_MESSAGE("accepted: " << to_string(acc));
  CAF_MESSAGE("connected: " << to_string(con));
  CAF_CHECK(acc == (kernel_liveness{1, 11, 12, 3, 1500}));
  CAF_CHECK(con == (kernel_liveness{1, 21, 22, 4, 2500}));
  // The connection works as before.
  CAF_CHECK(send(b, "ping"));
  CAF_CHECK_EQUAL(recv(a), "ping");
}

CAF_TEST(minus one leaves the OS defaults) {
  auto os = kernel_liveness::os_default();
  CAF_MESSAGE("OS defaults: " << to_string(os));
  // As libzmq: idle, intvl and cnt apply only when tcp_keepalive is 0 or 1.
  mq::socket_options opts;
  opts.tcp_keepalive_idle = 33;
  opts.tcp_keepalive_intvl = 34;
  opts.tcp_keepalive_cnt = 5;
  auto a = mq::spawn_dealer(*sys);
  auto b = mq::spawn_dealer(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  auto port = port_of(*ep);
  auto accepted = find_tcp_fd(port, false);
  auto connected = find_tcp_fd(port, true);
  CAF_REQUIRE(accepted >= 0);
  CAF_REQUIRE(connected >= 0);
  auto acc = kernel_liveness::of(accepted);
  auto con = kernel_liveness::of(connected);
  CAF_MESSAGE("accepted: " << to_string(acc));
  CAF_MESSAGE("connected: " << to_string(con));
  CAF_CHECK(acc == os);
  CAF_CHECK(con == os);
}

CAF_TEST(keepalive zero switches it off and still sets the details) {
  mq::socket_options opts;
  opts.tcp_keepalive = 0;
  opts.tcp_keepalive_idle = 44;
  auto os = kernel_liveness::os_default();
  auto a = mq::spawn_dealer(*sys, opts);
  auto b = mq::spawn_dealer(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  auto port = port_of(*ep);
  for (auto remote : {false, true}) {
    auto fd = find_tcp_fd(port, remote);
    CAF_REQUIRE(fd >= 0);
    auto x = kernel_liveness::of(fd);
    CAF_MESSAGE((remote ? "connected: " : "accepted: ") << to_string(x));
    CAF_CHECK(x == (kernel_liveness{0, 44, os.intvl, os.cnt, 0}));
  }
}

CAF_TEST(ipc connections ignore the tcp settings) {
  mq::socket_options opts;
  opts.tcp_keepalive = 1;
  opts.tcp_keepalive_idle = 10;
  opts.tcp_maxrt = 1s;
  opts.connect_timeout = 2s;
  auto a = mq::spawn_dealer(*sys, opts);
  auto b = mq::spawn_dealer(*sys, opts);
  auto ep = bind(a, "ipc://@monocoque-liveness-" + std::to_string(::getpid()));
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  CAF_CHECK(send(b, "over ipc"));
  CAF_CHECK_EQUAL(recv(a), "over ipc");
}

CAF_TEST(a connect timeout leaves a completed connect alone) {
  mq::socket_options opts;
  opts.connect_timeout = 200ms;
  auto a = mq::spawn_dealer(*sys);
  auto b = mq::spawn_dealer(*sys, opts);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(await([&] { return up(a) == 1 && up(b) == 1; }));
  auto before = stats(b);
  CAF_REQUIRE(before && before->peers.size() == 1);
  // Well past the deadline: the kernel dropped the linked timeout when
  // the connect completed, so nothing cancels the connection later.
  std::this_thread::sleep_for(600ms);
  CAF_CHECK(send(b, "in time"));
  CAF_CHECK_EQUAL(recv(a), "in time");
  auto after = stats(b);
  CAF_REQUIRE(after && after->peers.size() == 1);
  CAF_CHECK_EQUAL(after->peers.front().epoch, before->peers.front().epoch);
  CAF_CHECK(after->connecting.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
