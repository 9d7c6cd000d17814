#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/encoded_messages.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/message.hpp"
#include "monocoque/zmtp/output_queue.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// Writes ZMTP 3.x frames into an `output_queue`. Only headers (and payloads
/// below the queue's copy threshold) are copied; larger payloads are queued by
/// reference, so a 1 MiB frame costs one 9-byte header and one slice.
class frame_encoder {
public:
  /// Largest header: flags plus an 8-byte size.
  static constexpr size_t max_header_size = 9;

  /// Writes the header of a frame with `size` bytes and `flags` (MORE and/or
  /// COMMAND; LONG is chosen from `size`) to `out` and returns its length.
  static size_t write_header(uint8_t* out, uint8_t flags,
                             uint64_t size) noexcept;

  /// Appends one message frame.
  static void encode_frame(output_queue& out, const frame& body, bool more);

  /// Appends all frames of `msg`, setting MORE on all but the last.
  static void encode_message(output_queue& out, const message& msg);

  /// Encodes every message of `msgs` once, as `encode_message` would into a
  /// queue that copies payloads up to `copy_threshold` bytes: the result can
  /// go to any number of clear sessions (`session::send_encoded`).
  static encoded_messages encode_all(const std::vector<message>& msgs,
                                     size_t copy_threshold);

  /// Appends a command frame: name-size, name, then `data`.
  static void encode_command(output_queue& out, std::string_view name,
                             byte_span data);
};

} // namespace monocoque::zmtp
