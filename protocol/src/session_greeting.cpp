// The session's greeting steps that depend on the peer's revision: the rest
// of our greeting, and the ZMTP 2.0 greeting and identity frame (RFC 15).
#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/frame_encoder.hpp"

#include <algorithm>

namespace monocoque::zmtp {

// Runs once the peer's revision byte (greeting byte 10) arrived; our own
// first 11 bytes are out already.
void session::send_greeting_rest() {
  greeting_rest_sent_ = true;
  // The lower revision wins: a 3.x peer talks 2.0 to a 2.0 peer (libzmq
  // does), and so do we.
  zmtp20_ = greeting_.revision() == 1 || cfg_.revision == 1;
  // ZMTP 2.0 has no security mechanisms: a PLAIN or CURVE session refuses
  // such a peer before sending it anything more (as libzmq does).
  if (zmtp20_ && mech_->name() != "NULL")
    return fail(peer_error::mechanism_mismatch,
                "ZMTP 2.0 cannot carry mechanism "
                  + std::string{mech_->name()});
  if (!zmtp20_) {
    greeting ours;
    ours.minor = cfg_.minor_version;
    ours.mechanism = std::string{mech_->name()};
    ours.as_server = mech_->as_server();
    auto bytes = ours.encode();
    out_.append_copy(byte_span{bytes.data(), bytes.size()}.subspan(
      greeting::major_offset + 1));
    return;
  }
  // ZMTP 2.0: our socket type, then our identity as a final short frame.
  greeting_.expect_zmtp20();
  decoder_.zmtp20(true);
  peer_.revision = 1;
  peer_.minor = 0;
  std::string_view id;
  if (sends_identity(cfg_.type))
    id = std::string_view{cfg_.identity}.substr(0, max_identity_size);
  uint8_t head[3] = {zmq_number(cfg_.type), 0x00,
                     static_cast<uint8_t>(id.size())};
  out_.append_copy(byte_span{head, sizeof(head)});
  out_.append_copy(byte_span{id});
}

void session::on_zmtp20_greeting() {
  // ZMTP 2.0 has no security mechanisms: only a NULL session may talk 2.0.
  if (mech_->name() != "NULL")
    return fail(peer_error::mechanism_mismatch,
                "ZMTP 2.0 peer cannot use mechanism "
                  + std::string{mech_->name()});
  auto number = greeting_.result().socket_type;
  auto type = from_zmq_number(number);
  if (!type)
    return fail(peer_error::socket_type_mismatch,
                "ZMTP 2.0 peer announces unknown socket type "
                  + std::to_string(number));
  if (!compatible(cfg_.type, *type))
    return fail(peer_error::socket_type_mismatch,
                "Invalid socket type: " + std::string{wire_name(cfg_.type)}
                  + " cannot talk to " + std::string{wire_name(*type)});
  peer_.type = *type;
  state_ = session_state::handshake;
  update_decoder_limit(); // the identity frame: at most 255 bytes
}

// The first frame of a ZMTP 2.0 peer is its identity: RFC 15's
// `identity = final-short body` (no MORE; libzmq 3.x and JeroMQ send it short
// even when empty).
void session::on_zmtp20_identity(decoded_frame&& frm, timestamp now) {
  if (frm.more)
    return fail(peer_error::malformed_greeting,
                "ZMTP 2.0 identity frame has the MORE flag");
  peer_.identity = frm.body.to_string();
  become_ready(now);
}

} // namespace monocoque::zmtp
