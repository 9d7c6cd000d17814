#pragma once

// Subscriptions (RFC 29) in their one typed form and their one byte
// encoding. A SUB/XSUB tells its publishers which topic prefixes it wants:
// ZMTP 3.1 peers get SUBSCRIBE/CANCEL commands, ZMTP 3.0 and 2.0 peers the
// one-frame message `\x01prefix` (subscribe) or `\x00prefix` (cancel). That
// message is also ZeroMQ's API: an XPUB hands subscriptions to its user in
// this form and an XSUB takes them from its user so. Every conversion
// between the bytes and `subscription` is here.

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/message.hpp"

#include <optional>
#include <string_view>

namespace monocoque::zmtp {

/// A SUBSCRIBE or CANCEL of one topic prefix.
struct subscription {
  /// True for SUBSCRIBE, false for CANCEL.
  bool subscribe = true;
  /// The topic prefix (the empty prefix: every message).
  frame topic;
};

/// Returns the subscription that `msg` is in ZeroMQ's message form (one
/// frame whose first byte is 1 or 0), or nothing for any other message. The
/// topic shares the frame's bytes.
std::optional<subscription> as_subscription(const message& msg);

/// Returns the frame `\x01topic` (`subscribe`) or `\x00topic`.
frame subscription_frame(bool subscribe, byte_span topic);

/// Returns `sub` in ZeroMQ's message form: one frame `\x01topic` or
/// `\x00topic`.
message to_message(const subscription& sub);

/// Returns the subscription to (or cancel of) `topic` in ZeroMQ's message
/// form.
message subscription_message(bool subscribe, std::string_view topic);

/// Returns what a published message is matched against: its first frame
/// (empty for a message without frames).
std::string_view topic_of(const message& msg) noexcept;

} // namespace monocoque::zmtp
