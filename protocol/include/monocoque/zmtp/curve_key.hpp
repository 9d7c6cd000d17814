#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace monocoque::zmtp {

/// Size of a CURVE (Curve25519) public or secret key.
constexpr size_t curve_key_size = 32;

/// A CURVE public key (32 bytes; 40 characters in Z85).
using curve_key = std::array<uint8_t, curve_key_size>;

/// A long-term CURVE keypair; the secret half wipes itself.
struct curve_keypair {
  /// The public key.
  curve_key public_key{};
  /// The secret key (32 bytes).
  secret_buffer secret_key;
};

/// Initializes libsodium once (thread-safe, idempotent); returns false if it
/// cannot be used. Every CURVE function below calls it.
bool curve_crypto_init() noexcept;

/// Returns a fresh random keypair (libsodium's crypto_box_keypair), or
/// nullopt when libsodium cannot be initialized.
std::optional<curve_keypair> make_curve_keypair();

/// Returns the public key of `secret_key` (crypto_scalarmult_base), or
/// nullopt unless it has 32 bytes.
std::optional<curve_key> curve_public_key_of(byte_span secret_key);

/// Returns whether all bytes of `key` are zero (such keys never work: the
/// shared secret would be all zero, which libsodium refuses).
bool is_zero_key(byte_span key) noexcept;

} // namespace monocoque::zmtp
