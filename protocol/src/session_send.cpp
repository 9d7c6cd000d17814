// The session's output side: messages and subscriptions from the caller,
// encoded in clear (NULL, PLAIN) or as MESSAGE boxes (CURVE).

#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/frame_encoder.hpp"
#include "monocoque/zmtp/subscription.hpp"

namespace monocoque::zmtp {

// -- output -------------------------------------------------------------------

local_error session::send(const message& msg) {
  if (state_ == session_state::failed)
    return local_error::closed;
  if (state_ != session_state::ready)
    return local_error::not_ready;
  if (msg.empty())
    return local_error::empty_message;
  if (mech_->wraps_frames()) {
    for (size_t i = 0; i < msg.size(); ++i)
      send_frame(msg[i], i + 1 < msg.size());
    return local_error::none;
  }
  frame_encoder::encode_message(out_, msg);
  return local_error::none;
}

bool session::takes_encoded() const noexcept {
  return state_ == session_state::ready && !mech_->wraps_frames();
}

local_error session::send_encoded(const encoded_messages& msgs) {
  if (state_ == session_state::failed)
    return local_error::closed;
  if (!takes_encoded())
    return local_error::not_ready;
  if (msgs.ends.empty())
    return local_error::empty_message;
  for (auto& seg : msgs.segments)
    out_.append_ref(seg);
  return local_error::none;
}

local_error session::send_subscription(bool subscribe, const frame& topic) {
  if (!sends_subscriptions(cfg_.type))
    return local_error::wrong_socket_type;
  if (state_ == session_state::failed)
    return local_error::closed;
  if (state_ != session_state::ready)
    return local_error::not_ready;
  if (!zmtp20_ && peer_.minor >= 1) {
    send_command(subscribe ? command_name::subscribe : command_name::cancel,
                 topic.bytes());
    return local_error::none;
  }
  // ZMTP 3.0 and 2.0: the subscription message \x01topic or \x00topic.
  auto body = subscription_frame(subscribe, topic.bytes());
  send_frame(body, false);
  return local_error::none;
}

local_error session::subscribe(const frame& topic) {
  return send_subscription(true, topic);
}

local_error session::cancel(const frame& topic) {
  return send_subscription(false, topic);
}

} // namespace monocoque::zmtp
