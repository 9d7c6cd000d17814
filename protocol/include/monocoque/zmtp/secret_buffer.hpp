#pragma once

#include "monocoque/zmtp/byte_span.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace monocoque::zmtp {

/// Overwrites `size` bytes at `data` with zeros in a way the compiler may not
/// drop as a dead store (a plain `memset` before `free` may vanish).
void secure_wipe(void* data, size_t size) noexcept;

/// Bytes that must not outlive their use: a password, later a secret key.
/// The buffer is allocated once at its final size (it never grows, so no
/// stale copy stays behind in a freed allocation) and wiped with
/// `secure_wipe` when it is cleared, assigned over or destroyed. It has no
/// stream operator and no `to_string`: reading it takes an explicit `reveal`.
class secret_buffer {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Creates an empty buffer.
  secret_buffer() noexcept = default;

  /// Copies `bytes` into a new buffer.
  explicit secret_buffer(byte_span bytes);

  /// Copies the characters of `str` into a new buffer.
  explicit secret_buffer(std::string_view str) : secret_buffer(byte_span{str}) {
    // nop
  }

  /// Copies `other` (a deep copy, wiped on its own when destroyed).
  secret_buffer(const secret_buffer& other);

  /// Takes over `other`'s bytes; `other` becomes empty.
  secret_buffer(secret_buffer&& other) noexcept;

  /// Wipes the current bytes, then copies `other`.
  secret_buffer& operator=(const secret_buffer& other);

  /// Wipes the current bytes, then takes over `other`'s.
  secret_buffer& operator=(secret_buffer&& other) noexcept;

  /// Wipes the bytes.
  ~secret_buffer();

  // -- properties -------------------------------------------------------------

  /// Returns the number of bytes.
  size_t size() const noexcept {
    return size_;
  }

  /// Returns whether the buffer is empty.
  bool empty() const noexcept {
    return size_ == 0;
  }

  /// Returns the bytes. The view dies with the buffer: never keep it.
  byte_span reveal() const noexcept {
    return {data_.get(), size_};
  }

  /// Returns the bytes as characters. The view dies with the buffer.
  std::string_view reveal_string() const noexcept {
    return reveal().as_string_view();
  }

  /// Compares with `candidate` in time that depends on the sizes only, not on
  /// where the first differing byte is.
  bool matches(byte_span candidate) const noexcept;

  // -- modifiers --------------------------------------------------------------

  /// Wipes and releases the bytes.
  void clear() noexcept;

private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

} // namespace monocoque::zmtp
