#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace monocoque::zmtp {

/// Reads a big-endian 16-bit integer.
inline uint16_t get_u16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

/// Reads a big-endian 32-bit integer.
inline uint32_t get_u32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16)
         | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

/// Reads a big-endian 64-bit integer.
inline uint64_t get_u64(const uint8_t* p) noexcept {
  return (uint64_t{get_u32(p)} << 32) | get_u32(p + 4);
}

/// Writes a big-endian 64-bit integer.
inline void put_u64(uint8_t* p, uint64_t x) noexcept {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(x & 0xFF);
    x >>= 8;
  }
}

/// Appends a big-endian 16-bit integer.
inline void put_u16(std::vector<uint8_t>& out, uint16_t x) {
  out.push_back(static_cast<uint8_t>(x >> 8));
  out.push_back(static_cast<uint8_t>(x & 0xFF));
}

/// Appends a big-endian 32-bit integer.
inline void put_u32(std::vector<uint8_t>& out, uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>((x >> shift) & 0xFF));
}

} // namespace monocoque::zmtp
