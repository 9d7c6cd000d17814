#define CAF_SUITE zmtp_session_subscriptions
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

session_config config(socket_type type, uint8_t minor = 1) {
  session_config cfg;
  cfg.type = type;
  cfg.minor_version = minor;
  return cfg;
}

// A session pair of a subscriber (a) and a publisher (b), connected, with
// the handshake events polled away.
struct sub_pub {
  sub_pub(socket_type sub, socket_type pub, uint8_t sub_minor = 1,
          uint8_t pub_minor = 1, chunking how = {})
      : p(config(sub, sub_minor), config(pub, pub_minor), how) {
    CAF_REQUIRE(p.connect());
    CAF_REQUIRE_EQUAL(poll_all(p.a).size(), 1u);
    CAF_REQUIRE_EQUAL(poll_all(p.b).size(), 1u);
    sent_before = p.a_sent.size();
  }

  // What the subscriber wrote since the handshake.
  bytes sub_wrote() const {
    return bytes(p.a_sent.begin() + static_cast<ptrdiff_t>(sent_before),
                 p.a_sent.end());
  }

  session_pair p;
  size_t sent_before = 0;
};

// "subscribe(topic)" or "cancel(topic)" for each subscription event; other
// events show up by their description.
std::vector<std::string> render(const std::vector<event>& xs) {
  std::vector<std::string> result;
  for (const auto& x : xs)
    result.push_back(describe(x));
  return result;
}

std::vector<std::string> strings(std::initializer_list<const char*> xs) {
  return std::vector<std::string>(xs.begin(), xs.end());
}

} // namespace

// -- ZMTP 3.1: commands
// ----------------------------------------------------------

CAF_TEST(sub_sends_subscribe_and_cancel_commands_to_a_zmtp_3_1_pub) {
  for (auto how :
       {chunking::whole(), chunking::bytewise(), chunking::split(5, true)}) {
    CAF_MESSAGE("chunking " << to_string(how));
    sub_pub x{socket_type::sub, socket_type::pub, 1, 1, how};
    CAF_CHECK_EQUAL(x.p.a.peer().minor, 1u);
    CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string("topic")),
                    local_error::none);
    x.p.run();
    // 0x04, size 15, name-size 9, "SUBSCRIBE", "topic".
    bytes subscribe{0x04, 0x0F, 0x09, 'S', 'U', 'B', 'S', 'C', 'R',
                    'I',  'B',  'E',  't', 'o', 'p', 'i', 'c'};
    CAF_CHECK(x.sub_wrote() == subscribe);
    auto evs = poll_all(x.p.b);
    CAF_REQUIRE_EQUAL(evs.size(), 1u);
    auto subs = only<events::subscription>(evs);
    CAF_REQUIRE_EQUAL(subs.size(), 1u);
    CAF_CHECK(subs[0].subscribe);
    CAF_CHECK_EQUAL(subs[0].topic.to_string(), "topic");
    // CANCEL: 0x04, size 12, name-size 6, "CANCEL", "topic".
    CAF_CHECK_EQUAL(x.p.a.cancel(frame::from_string("topic")),
                    local_error::none);
    x.p.run();
    bytes cancel{0x04, 0x0C, 0x06, 'C', 'A', 'N', 'C',
                 'E',  'L',  't',  'o', 'p', 'i', 'c'};
    CAF_CHECK(x.sub_wrote() == concat({subscribe, cancel}));
    CAF_CHECK_EQUAL(render(poll_all(x.p.b)), strings({"cancel(topic)"}));
    CAF_CHECK(x.p.a.ready() && x.p.b.ready());
  }
}

CAF_TEST(empty_binary_and_long_topics_arrive_exactly) {
  sub_pub x{socket_type::sub, socket_type::pub};
  std::string binary{"\x00\x01\xFFz", 4};
  std::string long_topic(300, 'L');
  CAF_CHECK_EQUAL(x.p.a.subscribe(frame{}), local_error::none);
  CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string(binary)),
                  local_error::none);
  CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string(long_topic)),
                  local_error::none);
  CAF_CHECK_EQUAL(x.p.a.cancel(frame{}), local_error::none);
  x.p.run();
  // The empty topic (subscribe to everything) is a bare SUBSCRIBE; the long
  // topic needs a long command frame (flags 0x06).
  auto want = concat({command_frame("SUBSCRIBE"),
                      command_frame("SUBSCRIBE", bytes_of(binary)),
                      command_frame("SUBSCRIBE", bytes_of(long_topic)),
                      command_frame("CANCEL")});
  CAF_CHECK(x.sub_wrote() == want);
  bytes bare{0x04, 0x0A, 0x09, 'S', 'U', 'B', 'S', 'C', 'R', 'I', 'B', 'E'};
  CAF_CHECK(std::equal(bare.begin(), bare.end(), x.sub_wrote().begin()));
  auto subs = only<events::subscription>(poll_all(x.p.b));
  CAF_REQUIRE_EQUAL(subs.size(), 4u);
  CAF_CHECK(subs[0].subscribe && subs[0].topic.empty());
  CAF_CHECK(subs[1].subscribe && subs[1].topic.to_string() == binary);
  CAF_CHECK(subs[2].subscribe && subs[2].topic.to_string() == long_topic);
  CAF_CHECK(!subs[3].subscribe && subs[3].topic.empty());
}

// -- ZMTP 3.0: messages
// ----------------------------------------------------------

CAF_TEST(sub_sends_subscription_messages_on_a_zmtp_3_0_connection) {
  // Either side speaking 3.0 makes the connection 3.0.
  std::vector<std::pair<uint8_t, uint8_t>> minors{{0, 1}, {1, 0}, {0, 0}};
  for (auto [sub_minor, pub_minor] : minors) {
    for (auto how : {chunking::whole(), chunking::bytewise(true)}) {
      CAF_MESSAGE("SUB 3." << int{sub_minor} << ", PUB 3." << int{pub_minor}
                           << ", " << to_string(how));
      sub_pub x{socket_type::sub, socket_type::pub, sub_minor, pub_minor, how};
      CAF_CHECK_EQUAL(x.p.a.peer().minor, 0u);
      CAF_CHECK_EQUAL(x.p.b.peer().minor, 0u);
      CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string("topic")),
                      local_error::none);
      CAF_CHECK_EQUAL(x.p.a.cancel(frame::from_string("topic")),
                      local_error::none);
      CAF_CHECK_EQUAL(x.p.a.subscribe(frame{}), local_error::none);
      x.p.run();
      // Message frames (flags 0x00): "\x01topic", "\x00topic", "\x01".
      bytes want{0x00, 0x06, 0x01, 't', 'o', 'p', 'i',  'c',  0x00, 0x06,
                 0x00, 't',  'o',  'p', 'i', 'c', 0x00, 0x01, 0x01};
      CAF_CHECK(x.sub_wrote() == want);
      CAF_CHECK_EQUAL(
          render(poll_all(x.p.b)),
          strings({"subscribe(topic)", "cancel(topic)", "subscribe()"}));
    }
  }
}

// -- XSUB / XPUB
// -------------------------------------------------------------------

CAF_TEST(xsub_and_xpub_behave_like_sub_and_pub) {
  struct row {
    socket_type sub;
    socket_type pub;
  };
  std::vector<row> rows{{socket_type::xsub, socket_type::pub},
                        {socket_type::sub, socket_type::xpub},
                        {socket_type::xsub, socket_type::xpub}};
  for (auto& r : rows) {
    for (uint8_t minor : {1, 0}) {
      CAF_MESSAGE(wire_name(r.sub)
                  << " -> " << wire_name(r.pub) << " 3." << int{minor});
      sub_pub x{r.sub, r.pub, minor, 1};
      CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string("news")),
                      local_error::none);
      CAF_CHECK_EQUAL(x.p.a.cancel(frame::from_string("news")),
                      local_error::none);
      x.p.run();
      auto want =
          minor == 1 ? concat({command_frame("SUBSCRIBE", bytes_of("news")),
                               command_frame("CANCEL", bytes_of("news"))})
                     : concat({message_frame(bytes_of("\x01news")),
                               message_frame(bytes{0x00, 'n', 'e', 'w', 's'})});
      CAF_CHECK(x.sub_wrote() == want);
      CAF_CHECK_EQUAL(render(poll_all(x.p.b)),
                      strings({"subscribe(news)", "cancel(news)"}));
    }
  }
}

CAF_TEST(pub_accepts_subscription_messages_from_a_zmtp_3_1_peer) {
  // libzmq's XPUB takes both forms from any peer: an XSUB application may
  // send "\x01topic" as a plain message on a 3.1 connection.
  for (auto pub : {socket_type::pub, socket_type::xpub}) {
    sub_pub x{socket_type::xsub, pub};
    CAF_CHECK_EQUAL(x.p.a.peer().minor, 1u);
    CAF_CHECK_EQUAL(x.p.a.send(make_message({"\x01topic"})), local_error::none);
    CAF_CHECK_EQUAL(x.p.a.send(message{frame::copy_of(
                        byte_span{std::string_view{"\x00topic", 6}})}),
                    local_error::none);
    CAF_CHECK_EQUAL(x.p.a.send(make_message({"\x01"})), local_error::none);
    x.p.run();
    CAF_CHECK_EQUAL(
        render(poll_all(x.p.b)),
        strings({"subscribe(topic)", "cancel(topic)", "subscribe()"}));
  }
}

CAF_TEST(other_messages_to_a_pub_are_not_subscriptions) {
  sub_pub x{socket_type::xsub, socket_type::xpub};
  CAF_CHECK_EQUAL(x.p.a.send(make_message({"\x02topic"})), local_error::none);
  CAF_CHECK_EQUAL(x.p.a.send(make_message({"plain"})), local_error::none);
  x.p.run();
  auto evs = poll_all(x.p.b);
  CAF_CHECK(only<events::subscription>(evs).empty());
  CAF_CHECK_EQUAL(messages_of(evs).size(), 2u);
}

CAF_TEST(subscribers_ignore_subscriptions_they_receive) {
  // A SUBSCRIBE or CANCEL from an (X)PUB means nothing to an (X)SUB.
  for (auto type : {socket_type::sub, socket_type::xsub}) {
    session s{config(type)};
    raw_handshake(s, 0ns, socket_type::xpub);
    poll_all(s);
    feed_bytes(s,
               concat({command_frame("SUBSCRIBE", bytes_of("t")),
                       command_frame("CANCEL", bytes_of("t"))}),
               0ns);
    CAF_CHECK(!s.has_events());
    CAF_CHECK(s.ready());
  }
}

// -- local errors
// -------------------------------------------------------------------

CAF_TEST(only_sub_and_xsub_may_subscribe) {
  auto topic = frame::from_string("t");
  std::vector<std::pair<socket_type, socket_type>> others{
      {socket_type::dealer, socket_type::router},
      {socket_type::pub, socket_type::sub},
      {socket_type::xpub, socket_type::xsub},
      {socket_type::push, socket_type::pull},
      {socket_type::pair, socket_type::pair},
  };
  for (auto [self, peer] : others) {
    CAF_MESSAGE(wire_name(self));
    session s{config(self)};
    CAF_CHECK_EQUAL(s.subscribe(topic), local_error::wrong_socket_type);
    raw_handshake(s, 0ns, peer);
    CAF_REQUIRE(s.ready());
    CAF_CHECK_EQUAL(s.subscribe(topic), local_error::wrong_socket_type);
    CAF_CHECK_EQUAL(s.cancel(topic), local_error::wrong_socket_type);
    CAF_CHECK(s.output().empty());
  }
}

CAF_TEST(subscribe_before_ready_and_after_failure_is_refused) {
  auto topic = frame::from_string("t");
  session s{config(socket_type::sub)};
  CAF_CHECK_EQUAL(s.subscribe(topic), local_error::not_ready);
  s.start(0ns);
  drain(s.output());
  CAF_CHECK_EQUAL(s.subscribe(topic), local_error::not_ready);
  CAF_CHECK_EQUAL(s.cancel(topic), local_error::not_ready);
  CAF_CHECK(s.output().empty());
  feed_bytes(s, concat({greeting_bytes(1), error_command("no")}), 0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::failed);
  drain(s.output());
  CAF_CHECK_EQUAL(s.subscribe(topic), local_error::closed);
  CAF_CHECK_EQUAL(s.cancel(topic), local_error::closed);
  CAF_CHECK(s.output().empty());
}

CAF_TEST(subscriptions_and_messages_keep_their_order) {
  sub_pub x{socket_type::xsub, socket_type::xpub, 1, 1, chunking::split(3)};
  CAF_CHECK_EQUAL(x.p.a.subscribe(frame::from_string("a")), local_error::none);
  CAF_CHECK_EQUAL(x.p.a.send(make_message({"m1"})), local_error::none);
  CAF_CHECK_EQUAL(x.p.a.cancel(frame::from_string("a")), local_error::none);
  CAF_CHECK_EQUAL(x.p.a.send(make_message({"m2", "m3"})), local_error::none);
  x.p.run();
  CAF_CHECK_EQUAL(render(poll_all(x.p.b)),
                  strings({"subscribe(a)", "message(1 frames)", "cancel(a)",
                           "message(2 frames)"}));
  // And the publisher's messages reach the subscriber.
  CAF_CHECK_EQUAL(x.p.b.send(make_message({"a", "payload"})),
                  local_error::none);
  x.p.run();
  auto msgs = messages_of(poll_all(x.p.a));
  CAF_REQUIRE_EQUAL(msgs.size(), 1u);
  CAF_CHECK(same_message(msgs[0], make_message({"a", "payload"})));
}
