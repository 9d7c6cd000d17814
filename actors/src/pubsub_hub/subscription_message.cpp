#include "caf/monocoque/internal/subscription_message.hpp"

#include <cstring>

namespace caf::monocoque::detail {

bool is_subscription(const multipart& msg) noexcept {
  return msg.size() == 1 && !msg[0].empty() && msg[0].data()[0] <= 1;
}

bool is_subscribe(const multipart& msg) noexcept {
  return msg[0].data()[0] == 1;
}

std::string_view topic_of(const multipart& msg) noexcept {
  if (msg.empty())
    return {};
  return {reinterpret_cast<const char*>(msg[0].data()), msg[0].size()};
}

std::string_view prefix_of(const multipart& msg) noexcept {
  return topic_of(msg).substr(1);
}

multipart subscription_message(bool subscribe, std::string_view prefix) {
  auto body = frame::allocate(prefix.size() + 1);
  body.mutable_data()[0] = subscribe ? 1 : 0;
  if (!prefix.empty())
    std::memcpy(body.mutable_data() + 1, prefix.data(), prefix.size());
  multipart msg;
  msg.push_back(std::move(body));
  return msg;
}

} // namespace caf::monocoque::detail
