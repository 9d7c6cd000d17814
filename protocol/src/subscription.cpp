#include "monocoque/zmtp/subscription.hpp"

#include <cstring>
#include <utility>

namespace monocoque::zmtp {

std::optional<subscription> as_subscription(const message& msg) {
  if (msg.size() != 1 || msg[0].empty() || msg[0].data()[0] > 1)
    return std::nullopt;
  return subscription{msg[0].data()[0] == 1,
                      msg[0].slice(1, msg[0].size() - 1)};
}

frame subscription_frame(bool subscribe, byte_span topic) {
  auto body = frame::allocate(topic.size() + 1);
  body.mutable_data()[0] = subscribe ? 1 : 0;
  if (!topic.empty())
    std::memcpy(body.mutable_data() + 1, topic.data(), topic.size());
  return body;
}

message to_message(const subscription& sub) {
  message msg;
  msg.push_back(subscription_frame(sub.subscribe, sub.topic.bytes()));
  return msg;
}

message subscription_message(bool subscribe, std::string_view topic) {
  message msg;
  msg.push_back(subscription_frame(subscribe, byte_span{topic}));
  return msg;
}

std::string_view topic_of(const message& msg) noexcept {
  if (msg.empty())
    return {};
  return msg[0].as_string_view();
}

} // namespace monocoque::zmtp
