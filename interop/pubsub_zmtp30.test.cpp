// Subscriptions on the wire, against hand-written peers: a ZMTP 3.0 SUB
// subscribes with `\x01topic` / `\x00topic` messages (RFC 23), a ZMTP 3.1
// SUB with SUBSCRIBE / CANCEL commands (RFC 37); our PUB filters for them
// (a raw peer does not filter, so anything unwanted would show). Our SUB
// facing a raw 3.0 PUB must subscribe with messages, facing a 3.1 one with
// commands or messages.
#define CAF_SUITE interop_pubsub_zmtp30
#include "pubsub_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

struct raw_pubsub_fixture : pubsub_fixture {
  /// Greeting (3.`minor`) and READY as `type`; checks the peer's READY.
  void handshake(raw_tcp& sock, uint8_t minor, const std::string& type,
                 const std::string& expected_peer_type) {
    CAF_REQUIRE(sock.write(greeting(minor, false)));
    auto theirs = sock.read(64);
    CAF_REQUIRE(theirs.has_value());
    CAF_CHECK_EQUAL(static_cast<uint8_t>((*theirs)[0]), 0xFFu);
    CAF_CHECK_EQUAL(static_cast<int>((*theirs)[10]), 3);
    CAF_REQUIRE(sock.write(ready({{"Socket-Type", type}})));
    auto cmd = read_frame(sock);
    CAF_REQUIRE(cmd.has_value());
    CAF_REQUIRE(cmd->command());
    auto props = parse_ready(cmd->body);
    CAF_CHECK_EQUAL(props["Socket-Type"], expected_peer_type);
  }

  /// A subscribe (or cancel) as a 3.0 message or a 3.1 command.
  static std::string subscription(uint8_t minor, bool subscribe,
                                  const std::string& topic) {
    if (minor == 0)
      return message_frame(sub_msg(subscribe, topic), false);
    std::string name = subscribe ? "SUBSCRIBE" : "CANCEL";
    return encode(0x04, static_cast<char>(name.size()) + name + topic);
  }

  /// Reads messages until one whose first frame is `last`; returns the
  /// first frames read (`last` included).
  static strings read_until(raw_tcp& sock, const std::string& last) {
    strings result;
    for (;;) {
      auto msg = read_message(sock);
      if (msg == timed_out) {
        result.push_back("<timeout>");
        return result;
      }
      result.push_back(msg.at(0));
      if (msg.at(0) == last)
        return result;
    }
  }

  /// A raw SUB speaking 3.`minor` against our bound PUB.
  void raw_sub_against_pub(uint8_t minor) {
    auto pub = pub_socket();
    auto ep = bind(pub);
    auto sock = raw_tcp::connect(port_of(ep));
    CAF_REQUIRE(sock.valid());
    handshake(sock, minor, "SUB", "PUB");
    CAF_REQUIRE(await_status(pub, 1));
    CAF_REQUIRE(sock.write(subscription(minor, true, "A")));
    CAF_REQUIRE(await([&] { return subscriptions(pub) == 1u; }));
    for (auto t : {"A1", "B1", "AB1", "", "A-end"})
      publish(pub, {t, "body"});
    CAF_CHECK_EQUAL(read_until(sock, "A-end"), (strings{"A1", "AB1", "A-end"}));
    // Cancel A, subscribe B and C; the same prefix twice is counted once.
    CAF_REQUIRE(sock.write(subscription(minor, false, "A") +
                           subscription(minor, true, "B") +
                           subscription(minor, true, "C") +
                           subscription(minor, true, "C")));
    CAF_REQUIRE(await([&] { return subscriptions(pub) == 2u; }));
    for (auto t : {"A2", "B2", "C2", "CB2", "B-end"})
      publish(pub, {t});
    CAF_CHECK_EQUAL(read_until(sock, "B-end"),
                    (strings{"B2", "C2", "CB2", "B-end"}));
    // The empty prefix matches all, an empty first frame too.
    CAF_REQUIRE(sock.write(subscription(minor, true, "")));
    CAF_REQUIRE(await([&] { return subscriptions(pub) == 3u; }));
    for (auto t : {"x", "", "C3", "end"})
      publish(pub, {t});
    CAF_CHECK_EQUAL(read_until(sock, "end"), (strings{"x", "", "C3", "end"}));
    auto st = stats(pub);
    CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
    CAF_CHECK_EQUAL(st.peers[0].peer_type, "SUB");
    CAF_CHECK_EQUAL(st.peers[0].msgs_out, 3u + 4u + 4u);
    CAF_CHECK(close(pub));
  }

  /// Reads one subscription sent by our SUB to a raw 3.`minor` PUB;
  /// returns it as `\x01topic` / `\x00topic`, "" on a malformed frame.
  static std::string read_subscription(raw_tcp& sock, uint8_t minor) {
    auto frm = read_frame(sock);
    if (!frm)
      return "<timeout>";
    if (!frm->command()) {
      CAF_CHECK(!frm->more());
      return frm->body;
    }
    // Only a 3.1 peer understands SUBSCRIBE and CANCEL commands.
    CAF_CHECK_EQUAL(static_cast<int>(minor), 1);
    auto& b = frm->body;
    if (b.compare(0, 10, "\x09SUBSCRIBE") == 0)
      return sub_msg(true, b.substr(10));
    if (b.compare(0, 7, "\x06"
                        "CANCEL") == 0)
      return sub_msg(false, b.substr(7));
    return "";
  }

  /// Our SUB connected to a raw 3.`minor` PUB.
  void our_sub_against_raw_pub(uint8_t minor) {
    uint16_t port = 0;
    auto listener = raw_tcp::listen(port);
    CAF_REQUIRE(listener.valid());
    auto sub = sub_socket();
    subscribe(sub, "A"); // replayed once the connection is up
    connect(sub, "tcp://127.0.0.1:" + std::to_string(port));
    auto sock = listener.accept();
    CAF_REQUIRE(sock.valid());
    handshake(sock, minor, "PUB", "SUB");
    CAF_CHECK_EQUAL(read_subscription(sock, minor), sub_msg(true, "A"));
    CAF_REQUIRE(await_status(sub, 1));
    subscribe(sub, "C");
    CAF_CHECK_EQUAL(read_subscription(sock, minor), sub_msg(true, "C"));
    // The raw PUB does not filter: our SUB does.
    CAF_REQUIRE(sock.write(message_frame("A1", false) +
                           message_frame("B1", true) +
                           message_frame("x", false) +
                           message_frame("C1", false) +
                           message_frame("A2", true) +
                           message_frame("y", false)));
    CAF_CHECK_EQUAL(recv_strs(sub), strings{"A1"});
    CAF_CHECK_EQUAL(recv_strs(sub), strings{"C1"});
    CAF_CHECK_EQUAL(recv_strs(sub), (strings{"A2", "y"}));
    CAF_CHECK(!try_recv(sub, caf::timespan{100ms}));
    unsubscribe(sub, "A");
    CAF_CHECK_EQUAL(read_subscription(sock, minor), sub_msg(false, "A"));
    CAF_CHECK(close(sub));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pubsub_zmtp30_tests, raw_pubsub_fixture)

CAF_TEST(a ZMTP 3.0 SUB subscribes to our PUB with messages) {
  raw_sub_against_pub(0);
}

CAF_TEST(a ZMTP 3.1 SUB subscribes to our PUB with commands) {
  raw_sub_against_pub(1);
}

CAF_TEST(our SUB subscribes at a ZMTP 3.0 PUB with messages) {
  our_sub_against_raw_pub(0);
}

CAF_TEST(our SUB subscribes at a ZMTP 3.1 PUB) {
  our_sub_against_raw_pub(1);
}

CAF_TEST(a ZMTP 3.0 XSUB sends other messages to our XPUB) {
  auto xpub = xpub_socket();
  auto ep = bind(xpub);
  auto sock = raw_tcp::connect(port_of(ep));
  CAF_REQUIRE(sock.valid());
  handshake(sock, 0, "XSUB", "XPUB");
  CAF_REQUIRE(sock.write(message_frame(sub_msg(true, "A"), false) +
                         message_frame("hello", true) +
                         message_frame("there", false)));
  CAF_CHECK_EQUAL(recv_strs(xpub), strings{sub_msg(true, "A")});
  CAF_CHECK_EQUAL(recv_strs(xpub), (strings{"hello", "there"}));
  send(xpub, mp({"B"}));
  send(xpub, mp({"A"}));
  CAF_CHECK_EQUAL(read_message(sock), strings{"A"});
  CAF_CHECK(close(xpub));
}

CAF_TEST_FIXTURE_SCOPE_END()
