// The session's framing through the mechanism's per-frame wrapping: once a
// CURVE handshake is done, every frame (message parts and commands alike)
// travels as one MESSAGE data frame whose flags are inside the box. NULL and
// PLAIN take the plain path after one flag check.
#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/frame_encoder.hpp"

#include <cstring>

namespace monocoque::zmtp {

void session::send_command(std::string_view name, byte_span data) {
  if (state_ != session_state::ready || !mech_->wraps_frames()) {
    frame_encoder::encode_command(out_, name, data);
    return;
  }
  // With a 3.1 peer, PING/PONG/SUBSCRIBE/CANCEL go inside the box with the
  // COMMAND flag (libzmq 4.3.3 and later).
  std::vector<uint8_t> body(1 + name.size() + data.size());
  body[0] = static_cast<uint8_t>(name.size());
  std::memcpy(body.data() + 1, name.data(), name.size());
  if (!data.empty())
    std::memcpy(body.data() + 1 + name.size(), data.data(), data.size());
  auto wire = mech_->encode_frame(wrapped_flags::command,
                                  byte_span{body.data(), body.size()});
  frame_encoder::encode_frame(out_, wire, false);
}

void session::send_frame(const frame& body, bool more) {
  if (state_ != session_state::ready || !mech_->wraps_frames()) {
    frame_encoder::encode_frame(out_, body, more);
    return;
  }
  // The outer frame never carries MORE: it travels inside the box.
  auto wire = mech_->encode_frame(more ? wrapped_flags::more : 0, body.bytes());
  frame_encoder::encode_frame(out_, wire, false);
}

bool session::unwrap(decoded_frame& frm) {
  if (frm.command || frm.more) {
    fail(peer_error::unexpected_command,
         frm.command ? "command frame outside a CURVE MESSAGE"
                     : "CURVE MESSAGE with the MORE flag outside its box");
    return false;
  }
  uint8_t flags = 0;
  frame body;
  auto result = mech_->decode_frame(frm.body, flags, body);
  if (result.code != peer_error::none) {
    fail(std::move(result), false);
    return false;
  }
  frm.body = std::move(body);
  frm.more = (flags & wrapped_flags::more) != 0;
  frm.command = (flags & wrapped_flags::command) != 0;
  return true;
}

// A handshake command over the mechanism's size limit (a CURVE HELLO over
// 200 bytes) fails with the mechanism's code, on its header.
peer_error session::decoder_failure_code() const noexcept {
  auto code = decoder_.error().code;
  if (state_ == session_state::handshake
      && code == peer_error::message_too_large) {
    auto limit = mech_->next_command_limit();
    auto budget = std::min(cfg_.max_handshake_size, cfg_.max_message_size);
    if (limit.size < budget - std::min(budget, handshake_cost_))
      return limit.code;
  }
  return code;
}

} // namespace monocoque::zmtp
