#pragma once

#include "monocoque/zmtp/byte_block.hpp"
#include "monocoque/zmtp/byte_span.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace monocoque::zmtp {

/// One ZeroMQ message part: an immutable slice of a reference-counted
/// `byte_block`. Copying a frame copies a pointer and bumps a counter, never
/// the payload, so frames can travel through queues and actor messages and
/// several frames can share one receive buffer.
class frame {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Constructs an empty frame (no allocation).
  frame() noexcept = default;

  /// Adopts one reference of `block` and views `[offset, offset + size)`.
  frame(byte_block* block, size_t offset, size_t size) noexcept
    : block_(block), offset_(offset), size_(size) {
    // nop
  }

  frame(const frame& other) noexcept
    : block_(other.block_), offset_(other.offset_), size_(other.size_) {
    if (block_ != nullptr)
      block_->ref();
  }

  frame(frame&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)),
      offset_(std::exchange(other.offset_, 0)),
      size_(std::exchange(other.size_, 0)) {
    // nop
  }

  frame& operator=(const frame& other) noexcept {
    frame tmp{other};
    swap(tmp);
    return *this;
  }

  frame& operator=(frame&& other) noexcept {
    frame tmp{std::move(other)};
    swap(tmp);
    return *this;
  }

  ~frame() {
    if (block_ != nullptr)
      block_->deref();
  }

  // -- factories --------------------------------------------------------------

  /// Copies `bytes` into a new block of exactly that size.
  static frame copy_of(byte_span bytes);

  /// Copies the characters of `str` into a new frame.
  static frame from_string(std::string_view str) {
    return copy_of(byte_span{str});
  }

  /// Allocates an uninitialized frame of `size` bytes; the caller fills it
  /// through `mutable_data()` before sharing it.
  static frame allocate(size_t size);

  /// Like `allocate`, but returns an empty frame instead of throwing when
  /// memory runs out (callers check `size()`).
  static frame try_allocate(size_t size) noexcept;

  // -- properties -------------------------------------------------------------

  /// Returns the first byte of the payload (may be null when empty).
  const uint8_t* data() const noexcept {
    return block_ != nullptr ? block_->data() + offset_ : nullptr;
  }

  /// Returns a writable pointer to the payload. Only valid for the producer of
  /// a freshly allocated frame that has not been shared yet.
  uint8_t* mutable_data() noexcept {
    return block_ != nullptr ? block_->data() + offset_ : nullptr;
  }

  /// Returns the payload size in bytes.
  size_t size() const noexcept {
    return size_;
  }

  /// Returns whether the payload is empty.
  bool empty() const noexcept {
    return size_ == 0;
  }

  /// Returns the payload as a byte view.
  byte_span bytes() const noexcept {
    return {data(), size_};
  }

  /// Returns the payload as a string view.
  std::string_view as_string_view() const noexcept {
    return bytes().as_string_view();
  }

  /// Returns a copy of the payload as a string.
  std::string to_string() const {
    return std::string{as_string_view()};
  }

  /// Returns the block this frame views (may be null).
  const byte_block* block() const noexcept {
    return block_;
  }

  // -- slicing ----------------------------------------------------------------

  /// Returns a frame that shares this block and views a sub-range
  /// (clamped to this frame).
  frame slice(size_t offset, size_t count) const noexcept;

  // -- modifiers --------------------------------------------------------------

  /// Exchanges the contents of two frames.
  void swap(frame& other) noexcept {
    std::swap(block_, other.block_);
    std::swap(offset_, other.offset_);
    std::swap(size_, other.size_);
  }

  /// Compares payloads byte by byte.
  friend bool operator==(const frame& x, const frame& y) noexcept {
    return x.bytes() == y.bytes();
  }

  /// Compares payloads byte by byte.
  friend bool operator!=(const frame& x, const frame& y) noexcept {
    return !(x == y);
  }

private:
  byte_block* block_ = nullptr;
  size_t offset_ = 0;
  size_t size_ = 0;
};

} // namespace monocoque::zmtp
