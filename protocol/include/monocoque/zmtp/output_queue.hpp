#pragma once

#include "monocoque/zmtp/byte_block.hpp"
#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/lazy_queue.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace monocoque::zmtp {

/// One contiguous piece of pending output, laid out like `struct iovec`.
struct io_slice {
  /// First byte.
  const uint8_t* data;
  /// Number of bytes.
  size_t size;
};

/// Bytes waiting for the transport, as a list of slices for vectored writes.
/// Small pieces (headers, commands, short payloads) are copied into a staging
/// block, and consecutive copies merge into one slice, so many small frames
/// become few slices. Large payloads are referenced, never copied. The queue
/// keeps every block alive until `consume` says its bytes were written, so
/// partial writes are handled by calling `consume` with what the kernel took.
class output_queue {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Creates a queue that copies payloads up to `copy_threshold` bytes and
  /// stages them in blocks of `staging_size` bytes.
  explicit output_queue(size_t copy_threshold = 1024,
                        size_t staging_size = 64 * 1024) noexcept
    : copy_threshold_(copy_threshold), staging_size_(staging_size) {
    // nop
  }

  output_queue(const output_queue&) = delete;
  output_queue& operator=(const output_queue&) = delete;

  ~output_queue();

  // -- properties -------------------------------------------------------------

  /// Returns the number of bytes not yet consumed.
  size_t size() const noexcept {
    return bytes_;
  }

  /// Returns whether no bytes are pending.
  bool empty() const noexcept {
    return bytes_ == 0;
  }

  /// Returns how many bytes were ever appended: the offset, in the output
  /// stream, of the next byte appended (consuming does not change it).
  uint64_t total_appended() const noexcept {
    return appended_;
  }

  /// Returns the number of slices.
  size_t slice_count() const noexcept {
    return segments_.size();
  }

  /// Returns the payload size up to which `append` copies.
  size_t copy_threshold() const noexcept {
    return copy_threshold_;
  }

  // -- appending --------------------------------------------------------------

  /// Appends a copy of `bytes`.
  void append_copy(byte_span bytes);

  /// Appends `payload`: copied if it is small, else referenced.
  void append(const frame& payload);

  /// Appends `bytes` by reference, whatever their size (bytes shared by
  /// many queues, e.g. `encoded_messages`).
  void append_ref(const frame& bytes);

  // -- draining ---------------------------------------------------------------

  /// Writes up to `max` slices, from the front, to `out` and returns how many
  /// it wrote.
  size_t gather(io_slice* out, size_t max) const noexcept;

  /// Drops the first `n` bytes (clamped), e.g. after a (partial) write.
  void consume(size_t n) noexcept;

  /// Drops everything.
  void clear() noexcept;

  /// Lets go of the staging block (the slices already drained keep it alive
  /// until written); the next copy allocates a new one. A connection that
  /// only exchanged its handshake then holds no staging block while idle.
  void release_staging() noexcept;

  /// Moves every pending slice, as a frame sharing its block, to the end of
  /// `out` and leaves the queue empty. Lets another owner (e.g. a socket
  /// actor) write the bytes without copying them.
  void drain_to(std::vector<frame>& out);

private:
  struct segment {
    byte_block* block;
    size_t offset;
    size_t size;
  };

  uint8_t* reserve(size_t n);

  lazy_queue<segment> segments_;
  size_t bytes_ = 0;
  uint64_t appended_ = 0;
  size_t copy_threshold_;
  size_t staging_size_;
  byte_block* staging_ = nullptr;
  size_t staging_used_ = 0;
};

} // namespace monocoque::zmtp
