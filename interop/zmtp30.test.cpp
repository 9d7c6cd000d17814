// Our DEALER against a hand-written ZMTP 3.0 ROUTER (RFC 23): a raw TCP
// socket that sends a 3.0 greeting (minor 0), a READY command and frames,
// byte by byte as the RFC spells them.
#define CAF_SUITE interop_zmtp30
#include "interop_fixture.hpp"
#include "raw_zmtp.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct zmtp30_fixture : fixture {
  /// Completes the handshake as a ZMTP 3.0 ROUTER on `sock`. With
  /// `staged`, sends the greeting in two steps (signature first, as libzmq
  /// does) and the READY one byte at a time.
  void handshake(raw_tcp& sock, bool as_server, bool staged,
                 const std::string& expected_identity) {
    auto g = greeting(0, as_server);
    if (staged) {
      CAF_REQUIRE(sock.write(g.substr(0, 10)));
      auto sig = sock.read(10);
      CAF_REQUIRE(sig.has_value());
      CAF_CHECK_EQUAL(static_cast<uint8_t>((*sig)[0]), 0xFFu);
      CAF_CHECK_EQUAL(static_cast<uint8_t>((*sig)[9]) & 0x01u, 0x01u);
      CAF_REQUIRE(sock.write(g.substr(10)));
      auto rest = sock.read(54);
      CAF_REQUIRE(rest.has_value());
      check_greeting(*sig + *rest);
    } else {
      CAF_REQUIRE(sock.write(g));
      auto theirs = sock.read(64);
      CAF_REQUIRE(theirs.has_value());
      check_greeting(*theirs);
    }
    auto rdy = ready({{"Socket-Type", "ROUTER"}});
    if (staged) {
      for (auto c : rdy) {
        CAF_REQUIRE(sock.write(std::string(1, c)));
        std::this_thread::sleep_for(1ms);
      }
    } else {
      CAF_REQUIRE(sock.write(rdy));
    }
    auto cmd = read_frame(sock);
    CAF_REQUIRE(cmd.has_value());
    CAF_CHECK(cmd->command());
    auto props = parse_ready(cmd->body);
    CAF_CHECK_EQUAL(props["Socket-Type"], "DEALER");
    CAF_CHECK_EQUAL(props["Identity"], expected_identity);
  }

  void check_greeting(const std::string& g) {
    CAF_REQUIRE_EQUAL(g.size(), 64u);
    CAF_CHECK_EQUAL(static_cast<uint8_t>(g[0]), 0xFFu);
    CAF_CHECK_EQUAL(static_cast<int>(g[10]), 3);
    // We announce 3.1 (RFC 37) and fall back to the peer's 3.0.
    CAF_CHECK_EQUAL(static_cast<int>(g[11]), 1);
    CAF_CHECK_EQUAL(g.substr(12, 20),
                    std::string("NULL") + std::string(16, '\0'));
  }

  /// Exchanges messages both ways once the handshake is done.
  void exchange(const mq::dealer_actor& d, raw_tcp& sock) {
    CAF_REQUIRE(await_status(d, 1));
    // dealer -> 3.0 peer: an envelope, a short and a long frame.
    auto big = pattern(1000, 3);
    send(d, mp({"", "hello", big}));
    auto got = read_message(sock);
    CAF_CHECK(got == (strings{"", "hello", big}));
    // 3.0 peer -> dealer: short, empty and long (> 255 bytes) frames.
    auto big2 = pattern(300, 4);
    CAF_REQUIRE(sock.write(message_frame("a", true) + message_frame("", true) +
                           message_frame(big2, false)));
    auto msg = recv(d);
    CAF_REQUIRE(msg.has_value());
    CAF_CHECK(strs(*msg) == (strings{"a", "", big2}));
    // A long-encoded frame of small size is legal too.
    std::string odd;
    odd += '\x02';
    odd += std::string(7, '\0');
    odd += '\x03';
    odd += "odd";
    CAF_REQUIRE(sock.write(odd));
    CAF_CHECK_EQUAL(recv_strs(d), (strings{"odd"}));
    // A few more, in order, each way.
    for (int i = 0; i < 50; ++i)
      send(d, mp({std::to_string(i)}));
    int bad = 0;
    for (int i = 0; i < 50; ++i)
      if (read_message(sock) != strings{std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
    std::string burst;
    for (int i = 0; i < 50; ++i)
      burst += message_frame(std::to_string(i), false);
    CAF_REQUIRE(sock.write(burst));
    bad = 0;
    for (int i = 0; i < 50; ++i)
      if (recv_strs(d) != strings{std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(zmtp30_tests, zmtp30_fixture)

CAF_TEST(3.0 peer connects to our bound dealer) {
  auto opts = defaults();
  opts.identity = "dealer-30";
  auto d = dealer(opts);
  auto ep = bind(d);
  auto sock = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(sock.valid());
  CAF_CHECK_EQUAL(status(d), 0u);
  handshake(sock, false, false, "dealer-30");
  exchange(d, sock);
  CAF_CHECK(close(d));
}

CAF_TEST(our dealer connects to a 3.0 peer) {
  uint16_t port = 0;
  auto listener = raw_tcp::listen(port);
  CAF_REQUIRE(listener.valid());
  auto d = dealer();
  connect(d, "tcp://127.0.0.1:" + std::to_string(port));
  auto sock = listener.accept();
  CAF_REQUIRE(sock.valid());
  handshake(sock, true, true, "");
  exchange(d, sock);
  CAF_CHECK(close(d));
}

CAF_TEST(3.0 peer closing makes the dealer drop it) {
  auto d = dealer();
  auto ep = bind(d);
  {
    auto sock = raw_tcp::connect(port_of(ep));
    CAF_REQUIRE(sock.valid());
    handshake(sock, false, false, "");
    CAF_REQUIRE(await_status(d, 1));
  }
  CAF_CHECK(await_status(d, 0));
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
