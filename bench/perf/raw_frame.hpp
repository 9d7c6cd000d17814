// raw_frame.hpp: the raw_* tools' framing, a 4-byte length (host byte
// order: both ends run on one machine) followed by the payload.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace perf {

constexpr size_t frame_header_size = 4;

inline void put_frame_header(char* out, size_t len) {
  auto val = static_cast<uint32_t>(len);
  std::memcpy(out, &val, sizeof(val));
}

inline size_t get_frame_header(const char* in) {
  uint32_t val = 0;
  std::memcpy(&val, in, sizeof(val));
  return val;
}

// A buffer holding one complete frame of `size` zero bytes.
inline std::vector<char> make_frame(size_t size) {
  std::vector<char> frame(frame_header_size + size, 0);
  put_frame_header(frame.data(), size);
  return frame;
}

} // namespace perf
