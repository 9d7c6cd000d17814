#pragma once

// Small helpers shared by the codec suites (zmtp_greeting, zmtp_frame_decoder,
// zmtp_frame_encoder, zmtp_metadata, zmtp_command). The helpers are inline and
// live in their own namespace, so any suite may include this header.

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/output_queue.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp::codec_test {

using bytes = std::vector<uint8_t>;

/// Renders bytes as space-separated hex pairs, so that a failed
/// CAF_CHECK_EQUAL shows where two byte strings differ.
inline std::string hex(const uint8_t* data, size_t size) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string result;
  result.reserve(size * 3);
  for (size_t i = 0; i < size; ++i) {
    if (i > 0)
      result += ' ';
    result += digits[data[i] >> 4];
    result += digits[data[i] & 0x0F];
  }
  return result;
}

inline std::string hex(byte_span xs) {
  return hex(xs.data(), xs.size());
}

inline std::string hex(const bytes& xs) {
  return hex(xs.data(), xs.size());
}

/// Returns the name of `x` as a string (compares by value in CAF checks).
inline std::string code(peer_error x) {
  return to_string(x);
}

/// Views a byte vector.
inline byte_span span_of(const bytes& xs) {
  return byte_span{xs.data(), xs.size()};
}

/// Returns a copy of `count` bytes of `xs` from `offset` on (clamped).
inline bytes sub(const bytes& xs, size_t offset,
                 size_t count = static_cast<size_t>(-1)) {
  auto part = span_of(xs).subspan(offset, count);
  return bytes(part.data(), part.data() + part.size());
}

/// Concatenates byte strings.
inline bytes concat(std::initializer_list<bytes> parts) {
  bytes result;
  for (const auto& part : parts)
    result.insert(result.end(), part.begin(), part.end());
  return result;
}

/// Returns the characters of `str` as bytes.
inline bytes bytes_of(std::string_view str) {
  return bytes(str.begin(), str.end());
}

/// Returns `n` bytes following a simple pattern (never all zero).
inline bytes pattern(size_t n, uint8_t seed = 0) {
  bytes result(n);
  for (size_t i = 0; i < n; ++i)
    result[i] = static_cast<uint8_t>((i * 7 + seed + 1) & 0xFF);
  return result;
}

/// Copies every pending byte of `queue` (without consuming) via `gather`.
inline bytes drain_copy(const output_queue& queue) {
  std::vector<io_slice> slices(queue.slice_count() + 1);
  auto n = queue.gather(slices.data(), slices.size());
  bytes result;
  for (size_t i = 0; i < n; ++i)
    result.insert(result.end(), slices[i].data,
                  slices[i].data + slices[i].size);
  return result;
}

} // namespace monocoque::zmtp::codec_test
