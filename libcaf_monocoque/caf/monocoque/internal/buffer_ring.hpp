#pragma once

#include "monocoque/zmtp/frame.hpp"

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace caf::monocoque::detail {

/// An io_uring provided-buffer ring shared by every connection of one
/// `uring_multiplexer`: a `recv` with `IOSQE_BUFFER_SELECT` takes a buffer
/// only when bytes arrive, so an idle connection holds none (a plain `recv`
/// pins its buffer for as long as it waits).
///
/// On completion `take` turns the chosen buffer into the chunk handed to the
/// connection: a short read is copied into a block of its own size and the
/// buffer goes straight back to the ring; a long read hands its block out
/// (frames slice it, zero copy) and a fresh block takes its place.
///
/// Ring thread only, except `open` and `close`, which the multiplexer calls
/// around the ring's lifetime on the thread that owns it.
class buffer_ring {
public:
  // -- constructors, destructors, and assignment operators --------------------

  buffer_ring() = default;

  buffer_ring(const buffer_ring&) = delete;

  buffer_ring& operator=(const buffer_ring&) = delete;

  ~buffer_ring();

  // -- lifecycle --------------------------------------------------------------

  /// Registers a ring of `entries` (rounded up to a power of two, at most
  /// 32768) buffers of `buf_size` bytes as group `group` of `ring`. Returns
  /// an empty string on success, else why it failed (the caller then uses
  /// plain receives).
  std::string open(io_uring& ring, uint16_t group, size_t entries,
                   size_t buf_size);

  /// Unregisters the ring (if `ring` is still open) and frees the buffers.
  /// Call it only once no operation can select a buffer any more.
  void close(io_uring* ring);

  // -- properties -------------------------------------------------------------

  /// Returns whether the ring is registered.
  bool ok() const noexcept {
    return br_ != nullptr;
  }

  /// Returns the buffer group id for `io_uring_sqe::buf_group`.
  uint16_t group() const noexcept {
    return group_;
  }

  /// Returns the size of one buffer.
  size_t buffer_size() const noexcept {
    return buf_size_;
  }

  /// Returns how many buffers the ring holds.
  size_t entries() const noexcept {
    return bufs_.size();
  }

  // -- ring thread API --------------------------------------------------------

  /// Takes the first `n` bytes of buffer `bid` (from a completion's flags)
  /// as a chunk and gives the ring a buffer back in its place. With `n == 0`
  /// only gives the buffer back.
  ::monocoque::zmtp::frame take(uint16_t bid, size_t n);

private:
  // Puts buffer `bid` at `offset` past the ring's tail (visible to the
  // kernel after `io_uring_buf_ring_advance`).
  void add(uint16_t bid, int offset);

  io_uring_buf_ring* br_ = nullptr;
  size_t map_size_ = 0;
  uint16_t group_ = 0;
  size_t buf_size_ = 0;
  int mask_ = 0;
  std::vector<::monocoque::zmtp::frame> bufs_;
};

} // namespace caf::monocoque::detail
