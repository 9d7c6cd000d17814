#pragma once

// Z85 (ZeroMQ RFC 32): 4 bytes become 5 printable characters. CURVE keys
// travel in this form in options, certificates and ZAP user ids.

#include "monocoque/zmtp/byte_span.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// Why a Z85 conversion was refused.
enum class z85_error : uint8_t {
  /// No error.
  none = 0,
  /// Binary input whose size is not a multiple of 4, text whose length is not
  /// a multiple of 5, or a key of the wrong size (not 32 bytes / 40 chars).
  bad_length,
  /// A character outside RFC 32's 85-character alphabet.
  bad_character,
  /// Five characters whose value exceeds 2^32 - 1 (e.g. "#####").
  overflow,
};

/// Returns a stable lowercase name of `x` (e.g. "bad_character").
const char* to_string(z85_error x) noexcept;

/// Size of a CURVE key in bytes.
constexpr size_t z85_key_bytes = 32;

/// Size of a CURVE key in Z85 characters.
constexpr size_t z85_key_chars = 40;

/// Appends the Z85 text of `in` to `out`; `bad_length` (appending nothing)
/// unless `in.size()` is a multiple of 4.
[[nodiscard]] z85_error z85_encode(byte_span in, std::string& out);

/// Appends the bytes `in` encodes to `out`; on any error appends nothing.
[[nodiscard]] z85_error z85_decode(std::string_view in,
                                   std::vector<uint8_t>& out);

/// Decodes a 40-character key into `out` (written only on success), without
/// a heap copy, so that a secret key can go straight to wiped storage.
[[nodiscard]] z85_error
z85_decode_key(std::string_view in, std::array<uint8_t, z85_key_bytes>& out);

/// Returns the 40-character Z85 text of a 32-byte key.
std::string z85_encode_key(const std::array<uint8_t, z85_key_bytes>& key);

} // namespace monocoque::zmtp
