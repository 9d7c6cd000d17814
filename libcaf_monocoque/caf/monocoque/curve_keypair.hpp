#pragma once

#include "caf/monocoque/secret.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace caf::monocoque {

/// A long-term CURVE keypair (Curve25519, as `crypto_box`): a public key of
/// 32 bytes and its secret key, held in a `secret` (wiped with every copy).
/// Keys are given as 32 raw bytes or as 40 Z85 characters (RFC 32), the two
/// forms libzmq's ZMQ_CURVE_* options accept; this class stores the raw
/// bytes. Errors are `errc::invalid_option` with a context that describes
/// the problem and never quotes a secret.
class curve_keypair {
public:
  // -- constructors -----------------------------------------------------------

  /// Creates an empty keypair (`empty()` is true).
  curve_keypair() = default;

  /// Returns a fresh random keypair (libsodium's `crypto_box_keypair`).
  static expected<curve_keypair> generate();

  /// Returns the keypair of `secret_key` (32 raw bytes or 40 Z85
  /// characters): the public key is derived (`crypto_scalarmult_base`).
  static expected<curve_keypair> from_secret(const secret& secret_key);

  /// Returns a keypair with only a public key (32 raw bytes or 40 Z85
  /// characters), e.g. a peer's: its `secret_key()` is empty.
  static expected<curve_keypair> from_public_key(std::string_view public_key);

  // -- key conversions --------------------------------------------------------

  /// Returns the 32 raw bytes of a public key given as 32 raw bytes or 40
  /// Z85 characters. An all-zero key is refused (no box opens with it).
  static expected<std::string> decode_public_key(std::string_view key);

  /// Returns the 32 raw bytes of a secret key given as 32 raw bytes or 40
  /// Z85 characters; no unwiped copy is left behind.
  static expected<secret> decode_secret_key(const secret& key);

  /// Returns the 40 Z85 characters of a 32-byte key; empty unless `raw`
  /// has 32 bytes.
  static std::string to_z85(std::string_view raw);

  // -- properties -------------------------------------------------------------

  /// Returns whether this keypair holds no keys.
  bool empty() const noexcept {
    return public_key_.empty();
  }

  /// Returns the public key (32 raw bytes).
  const std::string& public_key() const noexcept {
    return public_key_;
  }

  /// Returns the public key in Z85 (40 characters).
  std::string public_key_z85() const {
    return to_z85(public_key_);
  }

  /// Returns the secret key (32 raw bytes). The view of `reveal()` dies with
  /// this keypair.
  const secret& secret_key() const noexcept {
    return secret_key_;
  }

  /// Returns the secret key in Z85 (40 characters), wiped with its buffer.
  secret secret_key_z85() const;

private:
  std::string public_key_;
  secret secret_key_;
};

} // namespace caf::monocoque
