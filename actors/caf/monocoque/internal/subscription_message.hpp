#pragma once

// Subscription messages as RFC 29 and ZMTP 3.0 write them: one frame,
// `\x01prefix` subscribes, `\x00prefix` cancels. SUB/XSUB sockets hand them
// to their connections (which send SUBSCRIBE/CANCEL commands to 3.1 peers);
// connections of PUB/XPUB sockets deliver a peer's subscriptions this way.

#include "caf/monocoque/message_types.hpp"

#include <string_view>

namespace caf::monocoque::detail {

/// Returns whether `msg` is a subscription message.
bool is_subscription(const multipart& msg) noexcept;

/// Returns whether subscription message `msg` subscribes (else cancels).
bool is_subscribe(const multipart& msg) noexcept;

/// Returns the first frame of `msg` as bytes (empty for no frames).
std::string_view topic_of(const multipart& msg) noexcept;

/// Returns the prefix of subscription message `msg` (after its first byte).
std::string_view prefix_of(const multipart& msg) noexcept;

/// Builds the subscription message `\x01prefix` or `\x00prefix`.
multipart subscription_message(bool subscribe, std::string_view prefix);

} // namespace caf::monocoque::detail
