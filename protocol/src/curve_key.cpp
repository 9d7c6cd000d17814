#include "monocoque/zmtp/curve_key.hpp"

#include <sodium.h>

namespace monocoque::zmtp {

static_assert(crypto_box_PUBLICKEYBYTES == curve_key_size);
static_assert(crypto_box_SECRETKEYBYTES == curve_key_size);

bool curve_crypto_init() noexcept {
  // sodium_init is thread-safe and returns 1 once initialized.
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::optional<curve_keypair> make_curve_keypair() {
  if (!curve_crypto_init())
    return std::nullopt;
  uint8_t secret[curve_key_size];
  curve_keypair result;
  crypto_box_keypair(result.public_key.data(), secret);
  result.secret_key = secret_buffer{byte_span{secret, sizeof(secret)}};
  sodium_memzero(secret, sizeof(secret));
  return result;
}

std::optional<curve_key> curve_public_key_of(byte_span secret_key) {
  if (secret_key.size() != curve_key_size || !curve_crypto_init())
    return std::nullopt;
  curve_key result;
  if (crypto_scalarmult_base(result.data(), secret_key.data()) != 0)
    return std::nullopt;
  return result;
}

bool is_zero_key(byte_span key) noexcept {
  return sodium_is_zero(key.data(), key.size()) == 1;
}

} // namespace monocoque::zmtp
