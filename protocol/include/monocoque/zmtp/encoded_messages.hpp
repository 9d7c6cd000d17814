#pragma once

#include "monocoque/zmtp/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace monocoque::zmtp {

/// Messages already encoded as ZMTP message frames in clear (NULL and PLAIN
/// sessions, ZMTP 3.x and 2.0 frame the same way), for sending the same
/// messages on many connections without encoding them for each
/// (`frame_encoder::encode_all`, `session::send_encoded`).
struct encoded_messages {
  /// The wire bytes, in order: staging blocks holding headers and short
  /// payloads, and large payloads by reference.
  std::vector<frame> segments;

  /// For each message, the offset just past its last byte.
  std::vector<uint64_t> ends;

  /// Returns the number of wire bytes.
  uint64_t size() const noexcept {
    return ends.empty() ? 0 : ends.back();
  }
};

} // namespace monocoque::zmtp
