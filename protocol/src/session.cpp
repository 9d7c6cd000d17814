#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <algorithm>

namespace monocoque::zmtp {

namespace {

// Our READY properties: Socket-Type, Identity (for the types that send one,
// like libzmq), then the user's own properties.
metadata local_metadata(const session_config& cfg) {
  metadata result;
  result.set("Socket-Type", wire_name(cfg.type));
  if (sends_identity(cfg.type))
    result.set("Identity",
               std::string_view{cfg.identity}.substr(0, max_identity_size));
  for (const auto& prop : cfg.properties.properties())
    result.set(prop.name, prop.value);
  return result;
}

} // namespace

const char* to_string(session_state x) noexcept {
  switch (x) {
    case session_state::idle:
      return "idle";
    case session_state::greeting:
      return "greeting";
    case session_state::handshake:
      return "handshake";
    case session_state::ready:
      return "ready";
    case session_state::failed:
      return "failed";
  }
  return "unknown";
}

// -- constructors -------------------------------------------------------------

session::session(session_config cfg)
  : session(cfg, make_mechanism(cfg, local_metadata(cfg))) {
  // nop
}

session::session(session_config cfg, std::unique_ptr<mechanism> mech)
  : cfg_(std::move(cfg)),
    mech_(std::move(mech)),
    heartbeat_(cfg_.heartbeat),
    out_(cfg_.copy_threshold) {
  // The mechanism holds its own copy of the credentials and drops it once
  // sent: none stays in the configuration for the session's lifetime.
  cfg_.security.plain_password.clear();
  cfg_.security.curve_secret_key.clear();
  update_decoder_limit();
}

// -- lifecycle ----------------------------------------------------------------

void session::start(timestamp now) {
  if (state_ != session_state::idle)
    return;
  greeting_.allow_zmtp20();
  // Signature and revision now; the rest once we know the peer's revision
  // (RFC 23 "Backwards Interoperability"). libzmq sends its signature, waits
  // for ours, then sends its revision: as we send ours unasked, neither side
  // waits for the other.
  uint8_t head[greeting::signature_size + 1]{};
  head[0] = 0xFF;
  head[greeting::signature_size - 1] = 0x7F;
  head[greeting::major_offset] = cfg_.revision == 1 ? 1 : 3;
  out_.append_copy(byte_span{head, sizeof(head)});
  if (cfg_.handshake_timeout.count() > 0)
    handshake_deadline_ = now + cfg_.handshake_timeout;
  state_ = session_state::greeting;
}

void session::abort(peer_error code, std::string detail) {
  fail(code, std::move(detail));
}

void session::fail(peer_error code, std::string detail, bool tell_peer) {
  fail(failure{code, std::move(detail)}, tell_peer);
}

void session::fail(failure reason, bool tell_peer) {
  if (state_ == session_state::failed)
    return;
  // ZMTP 2.0 has no commands: such a peer just sees the connection close.
  if (tell_peer && !zmtp20_) {
    auto data = make_error(reason.detail);
    send_command(command_name::error, byte_span{data.data(), data.size()});
  }
  state_ = session_state::failed;
  // Credentials nobody took go now (secret_buffer wipes them), not when the
  // session is destroyed.
  static_cast<void>(mech_->take_auth_request());
  error_ = reason;
  partial_.clear();
  pong_pending_ = false; // a failed session sends nothing more
  events_.emplace_back(events::failed{std::move(reason)});
}

// -- input --------------------------------------------------------------------

void session::feed(byte_span input, timestamp now) {
  this->input(input, nullptr, now);
}

void session::feed(const frame& chunk, timestamp now) {
  input(chunk.bytes(), &chunk, now);
}

void session::input(byte_span bytes, const frame* owner, timestamp now) {
  if (state_ == session_state::greeting) {
    if (!greeting_rest_sent_) {
      auto head = greeting::major_offset + 1;
      bytes.remove_prefix(
        greeting_.feed(bytes.first(head - greeting_.bytes_read())));
      if (greeting_.state() == greeting_reader::status::failed)
        return fail(greeting_.error().code, greeting_.error().detail);
      if (greeting_.bytes_read() < head)
        return;
      send_greeting_rest();
      if (state_ == session_state::failed)
        return;
    }
    bytes.remove_prefix(greeting_.feed(bytes));
    switch (greeting_.state()) {
      case greeting_reader::status::incomplete:
        return;
      case greeting_reader::status::failed:
        return fail(greeting_.error().code, greeting_.error().detail);
      case greeting_reader::status::complete:
        if (zmtp20_)
          on_zmtp20_greeting();
        else
          on_greeting();
        break;
    }
  }
  while (state_ == session_state::handshake || state_ == session_state::ready) {
    switch (decoder_.next(bytes, owner)) {
      case frame_decoder::status::need_more:
        return;
      case frame_decoder::status::failed:
        return fail(decoder_failure_code(), decoder_.error().detail);
      case frame_decoder::status::frame_ready:
        on_frame(decoder_.take(), now);
        break;
    }
  }
}

void session::on_greeting() {
  const auto& theirs = greeting_.result();
  peer_.minor = theirs.major > 3 ? cfg_.minor_version
                                 : std::min(theirs.minor, cfg_.minor_version);
  if (theirs.mechanism != mech_->name())
    return fail(peer_error::mechanism_mismatch,
                "peer uses mechanism '" + theirs.mechanism.substr(0, 20)
                  + "', we use '" + std::string{mech_->name()} + "'",
                true);
  // RFC 23: two servers of one handshake is an error. libzmq writes 0 here
  // whatever its role (and never reads it), so a peer claiming 0 may still
  // be a server: two clients show up as an unexpected HELLO instead.
  if (theirs.as_server && mech_->as_server())
    return fail(peer_error::mechanism_mismatch,
                "both peers act as " + std::string{mech_->name()} + " server",
                true);
  state_ = session_state::handshake;
  pump_mechanism();
}

void session::pump_mechanism() {
  outgoing_command cmd;
  while (state_ == session_state::handshake
         && mech_->next_handshake_command(cmd)) {
    frame_encoder::encode_command(out_, cmd.name,
                                  byte_span{cmd.data.data(), cmd.data.size()});
    // Handshake commands may carry credentials (PLAIN HELLO).
    secure_wipe(cmd.data.data(), cmd.data.size());
  }
  // A mechanism that cannot produce its command (CURVE: a key libsodium
  // refuses) fails the handshake instead of stalling it.
  if (state_ == session_state::handshake
      && mech_->send_failure().code != peer_error::none)
    fail(mech_->send_failure(), true);
}

void session::on_frame(decoded_frame&& frm, timestamp now) {
  heartbeat_.on_frame();
  if (state_ == session_state::ready && mech_->wraps_frames() && !unwrap(frm))
    return;
  if (zmtp20_ && state_ == session_state::handshake)
    return on_zmtp20_identity(std::move(frm), now);
  if (!frm.command)
    return on_message_frame(std::move(frm));
  if (frm.more || !partial_.empty())
    return fail(peer_error::malformed_command,
                frm.more ? "command frame with the MORE flag"
                         : "command frame inside a multipart message",
                state_ == session_state::handshake);
  if (state_ == session_state::handshake)
    on_handshake_command(frm.body, now);
  else
    on_command(frm.body.bytes(), now);
}

void session::on_handshake_command(const frame& body, timestamp now) {
  handshake_cost_ += body.size() + frame_cost_overhead;
  auto cmd = parse_command(body.bytes());
  if (!cmd)
    cmd = mech_->parse_quirk(body.bytes());
  if (!cmd)
    return fail(peer_error::malformed_command, "malformed command frame",
                true);
  auto offset = static_cast<size_t>(cmd->data.data() - body.data());
  auto result = mech_->process_handshake_command(
    cmd->name, body.slice(offset, cmd->data.size()));
  wipe_if_unshared(body);
  if (result.code != peer_error::none)
    return on_mechanism_failure(std::move(result));
  pump_mechanism();
  if (mech_->state() == mechanism::status::ready)
    return finish_handshake(now);
  update_decoder_limit(); // what is left of the handshake budget
}

void session::finish_handshake(timestamp now) {
  const auto& props = mech_->peer_metadata();
  auto type_name = props.find("Socket-Type");
  if (!type_name)
    return fail(peer_error::invalid_metadata,
                "READY lacks the Socket-Type property", true);
  auto type = parse_socket_type(*type_name);
  if (!type)
    return fail(peer_error::socket_type_mismatch,
                "unknown socket type '" + std::string{type_name->substr(0, 32)}
                  + "'",
                true);
  if (!compatible(cfg_.type, *type))
    return fail(peer_error::socket_type_mismatch,
                "Invalid socket type: " + std::string{wire_name(cfg_.type)}
                  + " cannot talk to " + std::string{wire_name(*type)},
                true);
  auto identity = props.find("Identity");
  if (identity && identity->size() > max_identity_size)
    return fail(peer_error::invalid_metadata, "Identity exceeds 255 bytes",
                true);
  peer_.type = *type;
  peer_.identity = identity ? std::string{*identity} : std::string{};
  peer_.properties = props; // shares the READY bytes
  become_ready(now);
}

void session::become_ready(timestamp now) {
  state_ = session_state::ready;
  update_decoder_limit(); // from the handshake limit to the message limit
  handshake_deadline_.reset();
  // PINGs are scheduled from the end of the handshake, as libzmq does;
  // ZMTP 2.0 has no heartbeats.
  if (!zmtp20_)
    heartbeat_.start(now);
  events_.emplace_back(events::handshake_done{peer_});
}

void session::on_command(byte_span body, timestamp now) {
  auto cmd = parse_command(body);
  if (!cmd)
    return fail(peer_error::malformed_command, "malformed command frame");
  if (cmd->name == command_name::ping) {
    auto ping = parse_ping(cmd->data);
    if (!ping)
      return fail(peer_error::malformed_command, "PING without a TTL");
    heartbeat_.on_ping(ping->ttl_deciseconds, now);
    queue_pong(ping->context);
  } else if (cmd->name == command_name::subscribe
             || cmd->name == command_name::cancel) {
    if (accepts_subscriptions(cfg_.type))
      events_.emplace_back(events::subscription{
        cmd->name == command_name::subscribe, frame::copy_of(cmd->data)});
  } else if (cmd->name == command_name::error) {
    auto reason = parse_error_reason(cmd->data);
    fail(peer_error::error_command,
         reason ? std::string{*reason} : std::string{"(truncated ERROR)"});
  } else if (cmd->name == command_name::ready) {
    fail(peer_error::unexpected_command, "READY after the handshake");
  }
  // PONG only proves liveness (done in on_frame); unknown commands are
  // ignored, as RFC 37 asks, so that newer peers can talk to us.
}

void session::on_message_frame(decoded_frame&& frm) {
  if (state_ != session_state::ready)
    return fail(peer_error::unexpected_command,
                "message frame before the handshake completed", true);
  partial_cost_ += frm.body.size() + frame_cost_overhead;
  partial_.emplace_back(std::move(frm.body));
  if (frm.more) {
    // The next frame costs at least the overhead: fail now if even an empty
    // one would not fit (see `frame_cost_overhead`).
    if (partial_cost_ > cfg_.max_message_size)
      return fail(peer_error::message_too_large,
                  "message of " + std::to_string(partial_.size())
                    + " frames costs " + std::to_string(partial_cost_)
                    + " bytes (bodies + " + std::to_string(frame_cost_overhead)
                    + " per frame), over the maximum message size",
                  true);
    update_decoder_limit();
    return;
  }
  message msg;
  msg.swap(partial_);
  partial_cost_ = 0;
  update_decoder_limit();
  if (accepts_subscriptions(cfg_.type)) {
    // ZMTP 3.0 subscription message: \x01topic or \x00topic.
    if (auto sub = as_subscription(msg)) {
      events_.emplace_back(std::move(*sub));
      return;
    }
  }
  events_.emplace_back(events::message_received{std::move(msg)});
}

void session::update_decoder_limit() noexcept {
  // Before the handshake completed, only handshake commands may arrive:
  // an unauthenticated peer gets the (small) handshake limit.
  // Every frame costs its body plus the overhead; the first frame's
  // overhead is free, so a frame may take what is left of the limit.
  if (state_ != session_state::ready) {
    if (zmtp20_) { // the identity frame
      decoder_.max_body_size(max_identity_size);
      return;
    }
    auto limit = std::min(cfg_.max_handshake_size, cfg_.max_message_size);
    decoder_.max_body_size(std::min(limit - std::min(limit, handshake_cost_),
                                    mech_->next_command_limit().size));
    return;
  }
  // A wrapped frame (CURVE) is larger than its payload by a fixed overhead.
  auto room = cfg_.max_message_size
              - std::min(cfg_.max_message_size, partial_cost_);
  auto overhead = mech_->frame_overhead();
  decoder_.max_body_size(room > UINT64_MAX - overhead ? UINT64_MAX
                                                      : room + overhead);
}

std::optional<event> session::poll() {
  if (events_.empty())
    return std::nullopt;
  auto result = std::move(events_.front());
  events_.pop_front();
  return result;
}

} // namespace monocoque::zmtp
