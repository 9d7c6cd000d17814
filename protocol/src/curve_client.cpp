#include "monocoque/zmtp/curve_client.hpp"

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <cstring>
#include <sodium.h>

namespace monocoque::zmtp {

namespace {

// Sizes of the command data (after the name), from libzmq 4.3.4.
constexpr size_t hello_data_size = 200 - 6;
constexpr size_t welcome_data_size = 168 - 8;
constexpr size_t ready_data_min = 30 - 6;

} // namespace

curve_client::curve_client(metadata local, const curve_key& public_key,
                           const secret_buffer& secret_key,
                           const curve_key& server_key)
  : curve_mechanism_base(std::move(local), secret_key, false),
    public_key_(public_key),
    server_key_(server_key) {
  // nop
}

bool curve_client::fail_send(std::string detail) {
  send_failure_ = fail(peer_error::cryptographic, std::move(detail));
  return false;
}

mechanism::command_limit curve_client::next_command_limit() const noexcept {
  // WELCOME has exactly 168 bytes, but an ERROR with a long reason (up to
  // 262 bytes) may come instead; READY is bounded by the handshake budget.
  if (step_ == step::waiting_for_welcome)
    return {1 + 5 + 1 + 255, peer_error::malformed_command_welcome};
  return {};
}

bool curve_client::next_handshake_command(outgoing_command& out) {
  out.data.clear();
  if (state_ == status::failed)
    return false;
  switch (step_) {
    case step::sending_hello:
      return make_hello(out);
    case step::sending_initiate:
      return make_initiate(out);
    default:
      return false;
  }
}

// HELLO: version 1.0, 72 zero bytes, C', nonce, box(64 zeros) to S from c'.
bool curve_client::make_hello(outgoing_command& out) {
  out.name = std::string{command_name::hello};
  out.data.assign(hello_data_size, 0);
  auto* p = out.data.data();
  p[0] = 1; // version 1.0
  std::memcpy(p + 2 + 72, transient_public_, curve_key_size);
  uint8_t zeros[64]{};
  uint8_t nonce[crypto_box_NONCEBYTES];
  auto n = next_nonce();
  short_nonce(nonce, "CurveZMQHELLO---", n);
  put_u64(p + 2 + 72 + 32, n);
  if (crypto_box_easy(p + 2 + 72 + 32 + 8, zeros, sizeof(zeros), nonce,
                      server_key_.data(), transient_secret_)
      != 0)
    return fail_send("CURVE cannot box HELLO for the server key");
  step_ = step::waiting_for_welcome;
  return true;
}

// INITIATE: cookie, nonce, box(C + vouch nonce + vouch + metadata) with the
// transient keys; vouch = box(C' + S) to S' from our long-term key.
bool curve_client::make_initiate(outgoing_command& out) {
  uint8_t vouch_plain[64];
  std::memcpy(vouch_plain, transient_public_, 32);
  std::memcpy(vouch_plain + 32, server_key_.data(), 32);
  uint8_t vouch_nonce[crypto_box_NONCEBYTES];
  std::vector<uint8_t> plain(32 + 16 + 80);
  std::memcpy(plain.data(), public_key_.data(), 32);
  long_nonce(vouch_nonce, "VOUCH---", plain.data() + 32);
  if (crypto_box_easy(plain.data() + 48, vouch_plain, sizeof(vouch_plain),
                      vouch_nonce, peer_transient_,
                      secret_key_.reveal().data())
      != 0)
    return fail_send("CURVE cannot box the vouch");
  local_.encode_to(plain);
  out.name = std::string{command_name::initiate};
  out.data.assign(cookie_, cookie_ + sizeof(cookie_));
  box_command(out.data, "CurveZMQINITIATE", byte_span{plain.data(),
                                                      plain.size()});
  sodium_memzero(plain.data(), plain.size());
  // The long-term secret is not needed any more.
  secret_key_.clear();
  sodium_memzero(cookie_, sizeof(cookie_));
  step_ = step::waiting_for_ready;
  return true;
}

failure curve_client::process_handshake_command(std::string_view name,
                                                const frame& data) {
  if (state_ == status::failed)
    return {peer_error::unexpected_command, "CURVE handshake failed"};
  if (name == command_name::error)
    return process_error(data.bytes());
  if (step_ == step::waiting_for_welcome && name == command_name::welcome)
    return process_welcome(data.bytes());
  if (step_ == step::waiting_for_ready && name == command_name::ready)
    return process_ready(data.bytes());
  return fail(peer_error::unexpected_command,
              "CURVE client did not expect " + std::string{name.substr(0, 32)});
}

// WELCOME: nonce (16), box(S' + cookie) from S to c'.
failure curve_client::process_welcome(byte_span data) {
  if (data.size() != welcome_data_size)
    return fail(peer_error::malformed_command_welcome,
                "CURVE WELCOME has " + std::to_string(data.size() + 8)
                  + " bytes, not 168");
  uint8_t nonce[crypto_box_NONCEBYTES];
  std::memcpy(nonce, "WELCOME-", 8);
  std::memcpy(nonce + 8, data.data(), 16);
  uint8_t plain[128];
  if (crypto_box_open_easy(plain, data.data() + 16, data.size() - 16, nonce,
                           server_key_.data(), transient_secret_)
      != 0)
    return fail(peer_error::cryptographic,
                "CURVE WELCOME box does not open (wrong server key?)");
  std::memcpy(cookie_, plain + 32, sizeof(cookie_));
  auto ok = precompute(plain);
  sodium_memzero(plain, sizeof(plain));
  if (!ok)
    return fail(peer_error::cryptographic,
                "CURVE server's transient key is unusable");
  step_ = step::sending_initiate;
  return {};
}

// READY: nonce, box(metadata) with the transient keys.
failure curve_client::process_ready(byte_span data) {
  if (data.size() < ready_data_min)
    return fail(peer_error::malformed_command, "CURVE READY is too short");
  std::vector<uint8_t> plain;
  if (!open_command(data, "CurveZMQREADY---", plain))
    return fail(peer_error::cryptographic, "CURVE READY box does not open");
  auto props = metadata_view::parse_compact(
    frame::copy_of(byte_span{plain.data(), plain.size()}));
  if (!props)
    return fail(peer_error::invalid_metadata,
                "CURVE READY carries malformed metadata");
  peer_ = std::move(*props);
  step_ = step::done;
  state_ = status::ready;
  // The transient secret is not needed once the shared key exists.
  sodium_memzero(transient_secret_, sizeof(transient_secret_));
  return {};
}

failure curve_client::process_error(byte_span data) {
  auto reason = parse_error_reason(data);
  if (!reason)
    return fail(peer_error::malformed_command, "truncated ERROR command");
  if (auto status = zap_failure_status(*reason))
    return fail(peer_error::auth_failed,
                "CURVE server refused authentication with status "
                  + std::string{*reason},
                status);
  return fail(peer_error::error_command, std::string{*reason});
}

} // namespace monocoque::zmtp
