// Interop with a real libzmq 4.3.4 peer: subscriptions in both directions,
// as ZMTP 3.1 commands and as ZMTP 3.0 messages. Helpers and facts:
// libzmq_peer.hpp.

#define CAF_SUITE zmtp_libzmq_subscriptions
#include "libzmq_peer.hpp"

#include <caf/test/dsl.hpp>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::libzmq_test;
using namespace std::chrono_literals;

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_subscriptions_tests, fixture)

// -- (d) subscriptions --------------------------------------------------------

CAF_TEST(our_sub_gets_only_matching_messages) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our SUB announces ZMTP 3." << int{minor});
    auto pub = make(zmq::socket_type::pub);
    auto port = bind_ephemeral(pub);
    auto cfg = config(socket_type::sub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(peer->minor, minor);
    auto before = us.sess().output().size();
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("abc")),
                      local_error::none);
    auto sent = pending_bytes(us.sess().output());
    sent.erase(sent.begin(), sent.begin() + static_cast<long>(before));
    CAF_CHECK_EQUAL(hex(sent), hex(minor == 1 ? captured::subscribe_abc
                                              : captured::subscribe_abc_v30));
    CAF_REQUIRE(us.flush());
    // A PUB drops what nobody subscribed to, so publish until the
    // subscription has reached it.
    auto synced = us.run_until(
        [&] {
          zsend(pub, {"abc-sync"});
          return us.receive(20ms).has_value();
        },
        3000ms);
    CAF_REQUIRE(synced);
    for (const auto& msg : std::vector<parts>{
             {"xyz-1"}, {"abc-2", "part"}, {"ab"}, {"abd"}, {"abc"}, {"end"}})
      zsend(pub, msg);
    zsend(pub, {"abc-end"});
    std::vector<parts> got;
    while (got.empty() || got.back() != parts{"abc-end"}) {
      auto msg = us.receive();
      CAF_REQUIRE(msg.has_value());
      if (*msg != parts{"abc-sync"})
        got.push_back(*msg);
    }
    CAF_CHECK(got ==
              (std::vector<parts>{{"abc-2", "part"}, {"abc"}, {"abc-end"}}));
    // Cancel "abc", subscribe "sync": once "sync" flows, "abc" must not.
    CAF_REQUIRE_EQUAL(us.sess().cancel(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("sync")),
                      local_error::none);
    CAF_REQUIRE(us.flush());
    synced = us.run_until(
        [&] {
          zsend(pub, {"sync"});
          auto msg = us.receive(20ms);
          return msg.has_value() && *msg == parts{"sync"};
        },
        3000ms);
    CAF_REQUIRE(synced);
    zsend(pub, {"abc-after-cancel"});
    zsend(pub, {"sync-end"});
    got.clear();
    while (got.empty() || got.back() != parts{"sync-end"}) {
      auto msg = us.receive();
      CAF_REQUIRE(msg.has_value());
      if (*msg != parts{"sync"} && *msg != parts{"abc-sync"})
        got.push_back(*msg);
    }
    CAF_CHECK(got == (std::vector<parts>{{"sync-end"}}));
  }
}

CAF_TEST(our_pub_gets_subscriptions_as_command_or_message) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our PUB announces ZMTP 3." << int{minor});
    auto sub = make(zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, "abc");
    auto port = bind_ephemeral(sub);
    auto cfg = config(socket_type::pub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    // The bound SUB sends its subscriptions once its application thread has
    // attached the new pipe.
    us.tick = [&] { nudge(sub); };
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(peer->minor, minor);
    auto first = us.subscription();
    CAF_REQUIRE(first.has_value());
    CAF_CHECK(first->subscribe);
    CAF_CHECK_EQUAL(first->topic.to_string(), "abc");
    // On the wire: a command for 3.1, a message for 3.0.
    auto frames = frames_after_greeting(us.received());
    CAF_REQUIRE_EQUAL(frames.size(), 2u); // READY, then the subscription
    CAF_CHECK_EQUAL(frames[1].command, minor == 1);
    auto expected =
        minor == 1 ? captured::subscribe_abc : captured::subscribe_abc_v30;
    CAF_CHECK_EQUAL(hex(byte_span{frames[1].body}), hex(expected).substr(4));
    // libzmq filters on its side as well: only "abc..." gets through.
    CAF_REQUIRE(us.send({"zzz"}));
    CAF_REQUIRE(us.send({"abc-1", "more"}));
    auto got = zrecv(sub);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"abc-1", "more"}));
    // Unsubscribe, and an empty topic (everything).
    sub.set(zmq::sockopt::unsubscribe, "abc");
    auto second = us.subscription();
    CAF_REQUIRE(second.has_value());
    CAF_CHECK(!second->subscribe);
    CAF_CHECK_EQUAL(second->topic.to_string(), "abc");
    sub.set(zmq::sockopt::subscribe, "");
    auto third = us.subscription();
    CAF_REQUIRE(third.has_value());
    CAF_CHECK(third->subscribe);
    CAF_CHECK(third->topic.empty());
    frames = frames_after_greeting(us.received());
    CAF_REQUIRE_EQUAL(frames.size(), 4u);
    CAF_CHECK_EQUAL(
        hex(byte_span{frames[2].body}),
        hex(minor == 1 ? captured::cancel_abc : captured::cancel_abc_v30)
            .substr(4));
    CAF_CHECK(!us.failed());
  }
}

CAF_TEST(libzmq_xpub_sees_our_subscriptions_as_messages) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our SUB announces ZMTP 3." << int{minor});
    auto xpub = make(zmq::socket_type::xpub);
    auto port = bind_ephemeral(xpub);
    auto cfg = config(socket_type::sub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    // Whether we sent a SUBSCRIBE command (3.1) or a message (3.0), libzmq
    // hands its application the classic one-byte-prefixed form.
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE_EQUAL(us.sess().cancel(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE(us.flush());
    auto sub = zrecv(xpub);
    CAF_REQUIRE(sub.has_value());
    CAF_CHECK(*sub == (parts{std::string("\x01"
                                         "abc",
                                         4)}));
    auto unsub = zrecv(xpub);
    CAF_REQUIRE(unsub.has_value());
    CAF_CHECK(*unsub == (parts{std::string("\x00"
                                           "abc",
                                           4)}));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
