#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/frame.hpp"

#include <cstdint>

namespace monocoque::zmtp {

/// Flag bits of a ZMTP 3.x frame header (RFC 23 "Framing").
namespace frame_flags {

/// More frames of the same message follow.
constexpr uint8_t more = 0x01;
/// The size field is 8 bytes instead of 1.
constexpr uint8_t long_size = 0x02;
/// The frame is a command, not a message part.
constexpr uint8_t command = 0x04;
/// Bits that must be zero.
constexpr uint8_t reserved = 0xF8;
/// Bits that must be zero in ZMTP 2.0 (RFC 15 has no commands).
constexpr uint8_t reserved_zmtp20 = 0xFC;

} // namespace frame_flags

/// A frame as it came off the wire.
struct decoded_frame {
  /// Payload (a command frame keeps its name-size and name bytes).
  frame body;
  /// Whether the MORE flag was set.
  bool more = false;
  /// Whether the COMMAND flag was set.
  bool command = false;
};

/// Splits a ZMTP 3.x byte stream into frames. Pull-style: call `next` with
/// input until it reports a frame, then `take` it. Frames that lie wholly in
/// an input chunk backed by a `frame` share that chunk's block (zero-copy);
/// frames that straddle chunks are assembled into one new block.
class frame_decoder {
public:
  /// Result of `next`.
  enum class status : uint8_t {
    /// The input is used up; feed more.
    need_more,
    /// A complete frame is ready; call `take`.
    frame_ready,
    /// The stream is invalid; see `error`. Stays failed.
    failed,
  };

  // -- properties -------------------------------------------------------------

  /// Sets the largest frame body accepted by the next header. Bodies above it
  /// fail with `message_too_large` before any of their bytes are buffered.
  void max_body_size(uint64_t limit) noexcept {
    max_body_ = limit;
  }

  /// Switches to ZMTP 2.0 framing (RFC 15): MORE and LONG only; the COMMAND
  /// bit is reserved, so a set one fails with `reserved_flags`.
  void zmtp20(bool yes) noexcept {
    reserved_ = yes ? frame_flags::reserved_zmtp20 : frame_flags::reserved;
  }

  /// Returns the failure (valid after `failed`).
  const failure& error() const noexcept {
    return error_;
  }

  // -- decoding ---------------------------------------------------------------

  /// Consumes bytes from the front of `input` until a frame completes or the
  /// input runs out. If `owner` is non-null, `input` must lie inside it; then
  /// frames that fit in `input` are slices of `owner`.
  status next(byte_span& input, const frame* owner = nullptr);

  /// Moves out the frame completed by the last `next` call.
  decoded_frame take() noexcept;

private:
  enum class state : uint8_t { flags, size, body, done, failed };

  status fail(peer_error code, std::string detail);
  status begin_body(uint64_t size);

  state state_ = state::flags;
  uint8_t flags_ = 0;
  uint8_t reserved_ = frame_flags::reserved;
  uint8_t size_bytes_[8]{};
  size_t size_read_ = 0;
  size_t size_len_ = 0;
  uint64_t max_body_ = UINT64_MAX;
  size_t body_size_ = 0;
  size_t body_read_ = 0;
  frame body_;
  failure error_;
};

} // namespace monocoque::zmtp
