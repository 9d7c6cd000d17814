#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace monocoque::zmtp {

/// A heap block of bytes with an atomic reference count. The bytes follow the
/// header in the same allocation, so a block costs exactly one allocation.
/// Blocks are written once by their producer and are read-only once shared.
class byte_block {
public:
  // -- factory ----------------------------------------------------------------

  /// Allocates a block with room for `capacity` bytes and a reference count of
  /// one. Returns `nullptr` if allocation fails.
  static byte_block* allocate(size_t capacity) noexcept;

  // -- properties -------------------------------------------------------------

  /// Returns the first byte of the block.
  uint8_t* data() noexcept {
    return reinterpret_cast<uint8_t*>(this + 1);
  }

  /// Returns the first byte of the block.
  const uint8_t* data() const noexcept {
    return reinterpret_cast<const uint8_t*>(this + 1);
  }

  /// Returns how many bytes the block holds.
  size_t capacity() const noexcept {
    return capacity_;
  }

  /// Returns whether this is the only reference to the block.
  bool unique() const noexcept {
    return rc_.load(std::memory_order_acquire) == 1;
  }

  // -- reference counting -----------------------------------------------------

  /// Adds a reference.
  void ref() noexcept {
    rc_.fetch_add(1, std::memory_order_relaxed);
  }

  /// Drops a reference and frees the block when it was the last one.
  void deref() noexcept;

private:
  explicit byte_block(size_t capacity) noexcept : rc_(1), capacity_(capacity) {
    // nop
  }

  std::atomic<size_t> rc_;
  size_t capacity_;
};

static_assert(sizeof(byte_block) % alignof(std::max_align_t) == 0,
              "the payload must start suitably aligned");

} // namespace monocoque::zmtp
