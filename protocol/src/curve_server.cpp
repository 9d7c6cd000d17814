#include "monocoque/zmtp/curve_server.hpp"

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/session_config.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <cstring>
#include <sodium.h>

namespace monocoque::zmtp {

namespace {

// Sizes of the command data (after the name), from libzmq 4.3.4.
constexpr size_t hello_size = 200;
constexpr size_t hello_data_size = hello_size - 6;
constexpr size_t initiate_data_min = 257 - 9;

static_assert(crypto_secretbox_KEYBYTES == 32);
static_assert(crypto_secretbox_MACBYTES == 16);
static_assert(crypto_secretbox_NONCEBYTES == 24);

} // namespace

curve_server::curve_server(metadata local, const curve_key& public_key,
                           const secret_buffer& secret_key)
  : curve_mechanism_base(std::move(local), secret_key, true),
    public_key_(public_key) {
  // The cookie key lives as long as the connection (as in libzmq).
  if (state_ != status::failed)
    randombytes_buf(cookie_key_, sizeof(cookie_key_));
}

curve_server::~curve_server() {
  sodium_memzero(cookie_key_, sizeof(cookie_key_));
}

mechanism::command_limit curve_server::next_command_limit() const noexcept {
  if (step_ == step::waiting_for_hello)
    return {hello_size, peer_error::malformed_command_hello};
  return {};
}

bool curve_server::next_handshake_command(outgoing_command& out) {
  out.data.clear();
  switch (step_) {
    case step::sending_welcome:
      return make_welcome(out);
    case step::sending_ready:
      out.name = std::string{command_name::ready};
      {
        std::vector<uint8_t> plain;
        local_.encode_to(plain);
        box_command(out.data, "CurveZMQREADY---",
                    byte_span{plain.data(), plain.size()});
      }
      step_ = step::done;
      state_ = status::ready;
      sodium_memzero(cookie_key_, sizeof(cookie_key_));
      sodium_memzero(transient_secret_, sizeof(transient_secret_));
      return true;
    case step::sending_error:
      // libzmq sends the bare status; the status text stays with us.
      out.name = std::string{command_name::error};
      out.data = make_error(to_string(verdict_));
      step_ = step::done;
      return true;
    default:
      return false;
  }
}

failure curve_server::process_handshake_command(std::string_view name,
                                                const frame& data) {
  if (state_ == status::failed)
    return {peer_error::unexpected_command, "CURVE handshake failed"};
  if (name == command_name::error) {
    auto reason = parse_error_reason(data.bytes());
    return fail(reason ? peer_error::error_command
                       : peer_error::malformed_command,
                reason ? std::string{*reason}
                       : std::string{"truncated ERROR command"});
  }
  if (step_ == step::waiting_for_hello && name == command_name::hello)
    return process_hello(data.bytes());
  if (step_ == step::waiting_for_initiate && name == command_name::initiate)
    return process_initiate(data.bytes());
  return fail(peer_error::unexpected_command,
              "CURVE server did not expect " + std::string{name.substr(0, 32)});
}

// HELLO: version (2), padding (72), C' (32), nonce (8), box(64 zeros) (80).
failure curve_server::process_hello(byte_span data) {
  if (data.size() != hello_data_size)
    return fail(peer_error::malformed_command_hello,
                "CURVE HELLO has " + std::to_string(data.size() + 6)
                  + " bytes, not 200");
  if (data[0] != 1 || data[1] != 0)
    return fail(peer_error::malformed_command_hello,
                "CURVE HELLO version is not 1.0");
  const auto* client_transient = data.data() + 74;
  uint8_t nonce[crypto_box_NONCEBYTES];
  short_nonce(nonce, "CurveZMQHELLO---", get_u64(data.data() + 106));
  uint8_t plain[64];
  if (crypto_box_open_easy(plain, data.data() + 114, 80, nonce,
                           client_transient, secret_key_.reveal().data())
      != 0)
    return fail(peer_error::cryptographic, "CURVE HELLO box does not open");
  std::memcpy(peer_transient_, client_transient, curve_key_size);
  step_ = step::sending_welcome;
  return {};
}

// WELCOME: nonce (16), box(S' + cookie) to C' from S; cookie = nonce (16) +
// secretbox(C' + s') with the cookie key.
bool curve_server::make_welcome(outgoing_command& out) {
  uint8_t plain[128];
  std::memcpy(plain, transient_public_, 32);
  uint8_t cookie_plain[64];
  std::memcpy(cookie_plain, peer_transient_, 32);
  std::memcpy(cookie_plain + 32, transient_secret_, 32);
  uint8_t cookie_nonce[crypto_secretbox_NONCEBYTES];
  long_nonce(cookie_nonce, "COOKIE--", plain + 32);
  crypto_secretbox_easy(plain + 48, cookie_plain, sizeof(cookie_plain),
                        cookie_nonce, cookie_key_);
  sodium_memzero(cookie_plain, sizeof(cookie_plain));
  out.name = std::string{command_name::welcome};
  out.data.assign(16 + sizeof(plain) + crypto_box_MACBYTES, 0);
  uint8_t nonce[crypto_box_NONCEBYTES];
  long_nonce(nonce, "WELCOME-", out.data.data());
  auto rc = crypto_box_easy(out.data.data() + 16, plain, sizeof(plain), nonce,
                            peer_transient_, secret_key_.reveal().data());
  sodium_memzero(plain, sizeof(plain));
  if (rc != 0) {
    send_failure_ = fail(peer_error::cryptographic,
                         "CURVE cannot box WELCOME for the client");
    return false;
  }
  step_ = step::waiting_for_initiate;
  return true;
}

// INITIATE: cookie (96), nonce (8), box(C + vouch nonce (16) + vouch (80) +
// metadata) to S' from C'; vouch = box(C' + S) to S' from C.
failure curve_server::process_initiate(byte_span data) {
  if (data.size() < initiate_data_min)
    return fail(peer_error::malformed_command_initiate,
                "CURVE INITIATE has " + std::to_string(data.size() + 9)
                  + " bytes, fewer than 257");
  // Our cookie must come back: it names C' and s'.
  uint8_t cookie_nonce[crypto_secretbox_NONCEBYTES];
  std::memcpy(cookie_nonce, "COOKIE--", 8);
  std::memcpy(cookie_nonce + 8, data.data(), 16);
  uint8_t cookie_plain[64];
  auto cookie_ok = crypto_secretbox_open_easy(cookie_plain, data.data() + 16,
                                              80, cookie_nonce, cookie_key_)
                     == 0
                   && sodium_memcmp(cookie_plain, peer_transient_, 32) == 0
                   && sodium_memcmp(cookie_plain + 32, transient_secret_, 32)
                        == 0;
  sodium_memzero(cookie_plain, sizeof(cookie_plain));
  if (!cookie_ok)
    return fail(peer_error::cryptographic, "CURVE INITIATE cookie is invalid");
  if (!precompute(peer_transient_))
    return fail(peer_error::cryptographic,
                "CURVE client's transient key is unusable");
  std::vector<uint8_t> plain;
  if (!open_command(data.subspan(96, data.size() - 96), "CurveZMQINITIATE",
                    plain))
    return fail(peer_error::cryptographic, "CURVE INITIATE box does not open");
  // The vouch: the client's long-term key C vouches for C' (and names S).
  uint8_t vouch_nonce[crypto_box_NONCEBYTES];
  std::memcpy(vouch_nonce, "VOUCH---", 8);
  std::memcpy(vouch_nonce + 8, plain.data() + 32, 16);
  uint8_t vouch[64];
  if (crypto_box_open_easy(vouch, plain.data() + 48, 80, vouch_nonce,
                           plain.data(), transient_secret_)
      != 0) {
    sodium_memzero(plain.data(), plain.size());
    return fail(peer_error::cryptographic, "CURVE vouch box does not open");
  }
  auto vouch_ok = sodium_memcmp(vouch, peer_transient_, 32) == 0
                  && sodium_memcmp(vouch + 32, public_key_.data(), 32) == 0;
  if (!vouch_ok)
    return fail(peer_error::key_exchange,
                "CURVE vouch does not name the client's transient key");
  auto props = metadata_view::parse_compact(
    frame::copy_of(byte_span{plain.data() + 128, plain.size() - 128}));
  if (!props)
    return fail(peer_error::invalid_metadata,
                "CURVE INITIATE carries malformed metadata");
  auth_request req;
  req.mechanism = "CURVE";
  std::memcpy(req.client_key.data(), plain.data(), curve_key_size);
  // The routing id the client announces, for the authenticator (an Identity
  // over 255 bytes fails the handshake after the verdict, in the session).
  if (auto id = props->find("Identity");
      id && id->size() <= max_identity_size)
    req.routing_id = std::string{*id};
  peer_ = std::move(*props);
  request_ = std::move(req);
  // Our long-term secret is not needed any more.
  secret_key_.clear();
  step_ = step::awaiting_auth;
  return {};
}

std::optional<auth_request> curve_server::take_auth_request() {
  std::optional<auth_request> result;
  result.swap(request_);
  return result;
}

failure curve_server::on_auth_reply(auth_status status,
                                    std::string_view status_text) {
  if (step_ != step::awaiting_auth)
    return {peer_error::unexpected_command, "no CURVE authentication pending"};
  request_.reset();
  verdict_ = status;
  switch (status) {
    case auth_status::success:
      step_ = step::sending_ready;
      return {};
    case auth_status::temporary_failure:
      step_ = step::done;
      return fail(peer_error::auth_failed,
                  describe_verdict("CURVE authentication failed temporarily",
                                   status, status_text),
                  300);
    case auth_status::failure:
    case auth_status::internal_error:
      step_ = step::sending_error;
      state_ = status::failed;
      wipe();
      return failure{peer_error::auth_failed,
                     describe_verdict("CURVE authentication refused", status,
                                      status_text),
                     static_cast<uint16_t>(status)};
  }
  return fail(peer_error::auth_failed, "invalid authentication status", 500);
}

} // namespace monocoque::zmtp
