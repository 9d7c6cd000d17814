#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace monocoque::zmtp {

/// A non-owning view on contiguous bytes (C++17 has no `std::span`).
class byte_span {
public:
  // -- constructors -----------------------------------------------------------

  constexpr byte_span() noexcept = default;

  /// Views `size` bytes at `data`.
  constexpr byte_span(const uint8_t* data, size_t size) noexcept
    : data_(data), size_(size) {
    // nop
  }

  /// Views the characters of `str` as bytes.
  byte_span(std::string_view str) noexcept
    : data_(reinterpret_cast<const uint8_t*>(str.data())), size_(str.size()) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  /// Returns a pointer to the first byte.
  constexpr const uint8_t* data() const noexcept {
    return data_;
  }

  /// Returns the number of bytes.
  constexpr size_t size() const noexcept {
    return size_;
  }

  /// Returns whether the view holds no bytes.
  constexpr bool empty() const noexcept {
    return size_ == 0;
  }

  /// Returns the byte at `index` (unchecked).
  constexpr uint8_t operator[](size_t index) const noexcept {
    return data_[index];
  }

  /// Returns the bytes as a string view.
  std::string_view as_string_view() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // -- slicing ----------------------------------------------------------------

  /// Returns the bytes in `[offset, offset + count)`, clamped to the view.
  constexpr byte_span subspan(size_t offset,
                              size_t count = static_cast<size_t>(-1)) const
    noexcept {
    if (offset > size_)
      offset = size_;
    if (count > size_ - offset)
      count = size_ - offset;
    return {data_ + offset, count};
  }

  /// Returns the first `count` bytes (clamped).
  constexpr byte_span first(size_t count) const noexcept {
    return subspan(0, count);
  }

  /// Drops the first `count` bytes (clamped).
  constexpr void remove_prefix(size_t count) noexcept {
    if (count > size_)
      count = size_;
    data_ += count;
    size_ -= count;
  }

  /// Returns whether both views hold the same bytes.
  friend bool operator==(byte_span x, byte_span y) noexcept {
    return x.size_ == y.size_
           && (x.size_ == 0 || std::memcmp(x.data_, y.data_, x.size_) == 0);
  }

  /// Returns whether the views differ.
  friend bool operator!=(byte_span x, byte_span y) noexcept {
    return !(x == y);
  }

private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

} // namespace monocoque::zmtp
