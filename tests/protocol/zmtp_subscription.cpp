// The one subscription type and its one byte encoding (RFC 29: `\x01prefix`
// subscribes, `\x00prefix` cancels): what XPUB hands its user, what XSUB
// takes from its user and what ZMTP 3.0 peers send.
#define CAF_SUITE zmtp_subscription
#include "monocoque/zmtp/subscription.hpp"

#include <caf/test/unit_test.hpp>
#include <string>

using namespace monocoque::zmtp;

namespace {

message msg_of(std::initializer_list<std::string> frames) {
  message msg;
  for (const auto& f : frames)
    msg.push_back(frame::from_string(f));
  return msg;
}

} // namespace

CAF_TEST(subscription messages parse into their type) {
  auto sub = as_subscription(msg_of({std::string{"\x01topic", 6}}));
  CAF_REQUIRE(sub);
  CAF_CHECK(sub->subscribe);
  CAF_CHECK_EQUAL(sub->topic.to_string(), "topic");
  auto cancel = as_subscription(msg_of({std::string{"\x00topic", 6}}));
  CAF_REQUIRE(cancel);
  CAF_CHECK(!cancel->subscribe);
  CAF_CHECK_EQUAL(cancel->topic.to_string(), "topic");
  // The empty prefix (everything).
  auto all = as_subscription(msg_of({std::string{"\x01", 1}}));
  CAF_REQUIRE(all);
  CAF_CHECK(all->subscribe);
  CAF_CHECK(all->topic.empty());
}

CAF_TEST(other messages are no subscriptions) {
  CAF_CHECK(!as_subscription(message{}));
  CAF_CHECK(!as_subscription(msg_of({""})));          // empty frame
  CAF_CHECK(!as_subscription(msg_of({"\x02topic"}))); // other byte
  CAF_CHECK(!as_subscription(msg_of({"topic"})));     // a message
  CAF_CHECK(
      !as_subscription(msg_of({std::string{"\x01", 1}, "x"}))); // 2 frames
}

CAF_TEST(subscriptions encode as one frame) {
  auto msg = subscription_message(true, "abc");
  CAF_REQUIRE_EQUAL(msg.size(), 1u);
  CAF_CHECK_EQUAL(msg[0].to_string(), std::string("\x01", 1) + "abc");
  msg = subscription_message(false, "");
  CAF_REQUIRE_EQUAL(msg.size(), 1u);
  CAF_CHECK_EQUAL(msg[0].to_string(), std::string("\x00", 1));
  // Round trip through the type.
  auto back =
      as_subscription(to_message(subscription{false, frame::from_string("t")}));
  CAF_REQUIRE(back);
  CAF_CHECK(!back->subscribe);
  CAF_CHECK_EQUAL(back->topic.to_string(), "t");
  auto body = subscription_frame(true, byte_span{std::string_view{"xy"}});
  CAF_CHECK_EQUAL(body.to_string(), std::string("\x01xy", 3));
}

CAF_TEST(topic_of is the first frame) {
  CAF_CHECK_EQUAL(std::string{topic_of(message{})}, "");
  CAF_CHECK_EQUAL(std::string{topic_of(msg_of({"a.b", "payload"}))}, "a.b");
}
