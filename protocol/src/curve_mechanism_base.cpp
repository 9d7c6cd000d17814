#include "monocoque/zmtp/curve_mechanism_base.hpp"

#include "monocoque/zmtp/wire.hpp"

#include <cstring>
#include <sodium.h>

namespace monocoque::zmtp {

namespace {

constexpr std::string_view message_name = "\x07MESSAGE";

static_assert(crypto_box_BEFORENMBYTES == 32);
static_assert(crypto_box_MACBYTES == 16);
static_assert(crypto_box_NONCEBYTES == 24);

} // namespace

curve_mechanism_base::curve_mechanism_base(metadata local,
                                           const secret_buffer& secret_key,
                                           bool as_server)
  : secret_key_(secret_key),
    local_(std::move(local)),
    send_prefix_(as_server ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC"),
    recv_prefix_(as_server ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES") {
  wraps_frames_ = true;
  frame_overhead_ = message_overhead;
  if (!curve_crypto_init() || secret_key_.size() != curve_key_size) {
    state_ = status::failed;
    send_failure_ = {peer_error::cryptographic,
                     "CURVE needs a 32-byte secret key and libsodium"};
    return;
  }
  // Transient keys per connection (forward secrecy).
  crypto_box_keypair(transient_public_, transient_secret_);
}

curve_mechanism_base::~curve_mechanism_base() {
  wipe();
}

void curve_mechanism_base::wipe() noexcept {
  sodium_memzero(transient_secret_, sizeof(transient_secret_));
  sodium_memzero(precomputed_, sizeof(precomputed_));
}

failure curve_mechanism_base::fail(peer_error code, std::string detail,
                                   uint16_t status) {
  state_ = status::failed;
  wipe();
  secret_key_.clear();
  return failure{code, std::move(detail), status};
}

void curve_mechanism_base::short_nonce(uint8_t* out, std::string_view prefix,
                                       uint64_t n) noexcept {
  std::memcpy(out, prefix.data(), 16);
  put_u64(out + 16, n);
}

void curve_mechanism_base::long_nonce(uint8_t* out, std::string_view prefix,
                                      uint8_t* random_out) noexcept {
  std::memcpy(out, prefix.data(), 8);
  randombytes_buf(out + 8, 16);
  if (random_out != nullptr)
    std::memcpy(random_out, out + 8, 16);
}

bool curve_mechanism_base::precompute(const uint8_t* peer_transient) noexcept {
  std::memcpy(peer_transient_, peer_transient, curve_key_size);
  return crypto_box_beforenm(precomputed_, peer_transient_, transient_secret_)
         == 0;
}

void curve_mechanism_base::box_command(std::vector<uint8_t>& out,
                                       std::string_view prefix,
                                       byte_span plain) {
  uint8_t nonce[crypto_box_NONCEBYTES];
  auto n = next_nonce();
  short_nonce(nonce, prefix, n);
  auto offset = out.size();
  out.resize(offset + 8 + crypto_box_MACBYTES + plain.size());
  put_u64(out.data() + offset, n);
  crypto_box_easy_afternm(out.data() + offset + 8, plain.data(), plain.size(),
                          nonce, precomputed_);
}

bool curve_mechanism_base::open_command(byte_span data,
                                        std::string_view prefix,
                                        std::vector<uint8_t>& plain) {
  if (data.size() < 8 + crypto_box_MACBYTES)
    return false;
  uint8_t nonce[crypto_box_NONCEBYTES];
  short_nonce(nonce, prefix, get_u64(data.data()));
  plain.resize(data.size() - 8 - crypto_box_MACBYTES);
  if (crypto_box_open_easy_afternm(plain.data(), data.data() + 8,
                                   data.size() - 8, nonce, precomputed_)
      != 0)
    return false;
  peer_nonce_ = get_u64(data.data());
  return true;
}

// -- data phase ---------------------------------------------------------------

// Wire body: \x07MESSAGE, nonce (8), box_afternm(flags + body) (17 + body).
// The plaintext is written where its ciphertext goes and boxed in place
// (libsodium allows it): one copy of the payload, no temporary.
frame curve_mechanism_base::encode_frame(uint8_t flags, byte_span body) {
  auto result = frame::allocate(message_overhead + body.size());
  auto* out = result.mutable_data();
  std::memcpy(out, message_name.data(), message_name.size());
  auto n = next_nonce();
  put_u64(out + 8, n);
  auto* cipher = out + 16 + crypto_box_MACBYTES;
  cipher[0] = flags;
  if (!body.empty())
    std::memcpy(cipher + 1, body.data(), body.size());
  uint8_t nonce[crypto_box_NONCEBYTES];
  short_nonce(nonce, send_prefix_, n);
  crypto_box_easy_afternm(out + 16, cipher, 1 + body.size(), nonce,
                          precomputed_);
  return result;
}

failure curve_mechanism_base::decode_frame(const frame& wire, uint8_t& flags,
                                           frame& body) {
  auto bytes = wire.bytes();
  if (bytes.size() < message_name.size()
      || bytes.first(message_name.size()).as_string_view() != message_name)
    return {peer_error::unexpected_command,
            "CURVE data frame is not a MESSAGE command"};
  if (bytes.size() < message_overhead)
    return {peer_error::malformed_command, "CURVE MESSAGE is too short"};
  auto n = get_u64(bytes.data() + 8);
  if (n <= peer_nonce_)
    return {peer_error::invalid_sequence,
            "CURVE MESSAGE nonce " + std::to_string(n)
              + " does not follow " + std::to_string(peer_nonce_)};
  auto plain = frame::try_allocate(bytes.size() - 16 - crypto_box_MACBYTES);
  if (plain.size() != bytes.size() - 16 - crypto_box_MACBYTES)
    return {peer_error::message_too_large, "out of memory for a MESSAGE"};
  uint8_t nonce[crypto_box_NONCEBYTES];
  short_nonce(nonce, recv_prefix_, n);
  if (crypto_box_open_easy_afternm(plain.mutable_data(), bytes.data() + 16,
                                   bytes.size() - 16, nonce, precomputed_)
      != 0)
    return {peer_error::cryptographic, "CURVE MESSAGE box does not open"};
  peer_nonce_ = n;
  flags = plain.data()[0];
  if ((flags & ~(wrapped_flags::more | wrapped_flags::command)) != 0)
    return {peer_error::reserved_flags, "CURVE MESSAGE sets unknown flags"};
  body = plain.slice(1, plain.size() - 1);
  return {};
}

} // namespace monocoque::zmtp
