#pragma once

#include "monocoque/zmtp/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

namespace monocoque::zmtp {

/// A multipart ZeroMQ message: its frames in order. Every frame but the last
/// travels with the MORE flag set.
///
/// A sequence container with the common part of `std::vector<frame>`'s
/// interface (the type it replaced: iterators, element access, `size`,
/// `reserve`, `push_back`/`emplace_back`/`pop_back`, `insert` of one frame
/// or a range, `erase`, `resize`, `assign` of a range, `clear`, `swap`,
/// `==`) that holds up to `inline_capacity` frames in place: the one- and
/// two-frame messages most applications send and receive cost no
/// allocation besides their payload blocks. Larger messages move to the
/// heap. Unlike `std::vector`, moving or swapping a message of up to
/// `inline_capacity` frames moves the frames themselves: pointers,
/// references and iterators into it do not follow the move.
class message {
public:
  // -- member types -----------------------------------------------------------

  using value_type = frame;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = frame&;
  using const_reference = const frame&;
  using pointer = frame*;
  using const_pointer = const frame*;
  using iterator = frame*;
  using const_iterator = const frame*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  /// Frames held without a heap allocation.
  static constexpr size_t inline_capacity = 2;

  // -- constructors, destructors, and assignment operators --------------------

  /// Constructs an empty message (no allocation).
  message() noexcept = default;

  /// Constructs a message of `n` empty frames.
  explicit message(size_t n) : message() {
    resize(n);
  }

  /// Constructs a message from `frames`.
  message(std::initializer_list<frame> frames) : message() {
    append(frames.begin(), frames.end());
  }

  /// Constructs a message from the frames in `[first, last)`.
  template <class InputIt,
            class = std::enable_if_t<!std::is_integral_v<InputIt>>>
  message(InputIt first, InputIt last) : message() {
    append(first, last);
  }

  // (Delegating to the default constructor: if copying throws, the
  // destructor releases what was added.)
  message(const message& other) : message() {
    append(other.begin(), other.end());
  }

  message(message&& other) noexcept {
    take(other);
  }

  message& operator=(const message& other) {
    if (this != &other)
      assign(other.begin(), other.end());
    return *this;
  }

  message& operator=(message&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }

  message& operator=(std::initializer_list<frame> frames) {
    assign(frames.begin(), frames.end());
    return *this;
  }

  ~message() {
    release();
  }

  // -- iterators --------------------------------------------------------------

  iterator begin() noexcept {
    return data();
  }

  const_iterator begin() const noexcept {
    return data();
  }

  const_iterator cbegin() const noexcept {
    return data();
  }

  iterator end() noexcept {
    return data() + size_;
  }

  const_iterator end() const noexcept {
    return data() + size_;
  }

  const_iterator cend() const noexcept {
    return data() + size_;
  }

  reverse_iterator rbegin() noexcept {
    return reverse_iterator{end()};
  }

  const_reverse_iterator rbegin() const noexcept {
    return const_reverse_iterator{end()};
  }

  reverse_iterator rend() noexcept {
    return reverse_iterator{begin()};
  }

  const_reverse_iterator rend() const noexcept {
    return const_reverse_iterator{begin()};
  }

  // -- properties -------------------------------------------------------------

  /// Returns the number of frames.
  size_t size() const noexcept {
    return size_;
  }

  /// Returns whether the message has no frames.
  bool empty() const noexcept {
    return size_ == 0;
  }

  /// Returns how many frames fit without reallocating.
  size_t capacity() const noexcept {
    return heap_ != nullptr ? cap_ : inline_capacity;
  }

  /// Returns the first frame's address.
  frame* data() noexcept {
    return heap_ != nullptr ? heap_ : local();
  }

  /// Returns the first frame's address.
  const frame* data() const noexcept {
    return heap_ != nullptr ? heap_ : local();
  }

  // -- element access ---------------------------------------------------------

  frame& operator[](size_t i) noexcept {
    return data()[i];
  }

  const frame& operator[](size_t i) const noexcept {
    return data()[i];
  }

  /// Returns frame `i`; throws `std::out_of_range` past the end.
  frame& at(size_t i) {
    if (i >= size_)
      throw std::out_of_range("monocoque::zmtp::message::at");
    return data()[i];
  }

  /// Returns frame `i`; throws `std::out_of_range` past the end.
  const frame& at(size_t i) const {
    if (i >= size_)
      throw std::out_of_range("monocoque::zmtp::message::at");
    return data()[i];
  }

  frame& front() noexcept {
    return data()[0];
  }

  const frame& front() const noexcept {
    return data()[0];
  }

  frame& back() noexcept {
    return data()[size_ - 1];
  }

  const frame& back() const noexcept {
    return data()[size_ - 1];
  }

  // -- modifiers --------------------------------------------------------------

  /// Replaces the frames with those of `[first, last)` (which must not
  /// point into this message).
  template <class InputIt,
            class = std::enable_if_t<!std::is_integral_v<InputIt>>>
  void assign(InputIt first, InputIt last) {
    clear();
    append(first, last);
  }

  /// Makes room for `n` frames.
  void reserve(size_t n) {
    if (n > capacity())
      grow_to(n);
  }

  /// Drops every frame (keeps the capacity).
  void clear() noexcept {
    destroy(data(), data() + size_);
    size_ = 0;
  }

  /// Shrinks to, or grows with empty frames to, `n` frames.
  void resize(size_t n) {
    if (n < size_) {
      destroy(data() + n, data() + size_);
      size_ = static_cast<uint32_t>(n);
      return;
    }
    reserve(n);
    for (auto* p = data() + size_; size_ < n; ++p, ++size_)
      new (p) frame();
  }

  void push_back(const frame& x) {
    emplace_back(x);
  }

  void push_back(frame&& x) {
    emplace_back(std::move(x));
  }

  /// Appends a frame constructed from `xs` and returns it.
  template <class... Ts>
  frame& emplace_back(Ts&&... xs) {
    if (size_ == capacity()) {
      frame tmp(std::forward<Ts>(xs)...); // `xs` may point into us
      grow_to(next_capacity());
      return *new (data() + size_++) frame(std::move(tmp));
    }
    return *new (data() + size_++) frame(std::forward<Ts>(xs)...);
  }

  /// Drops the last frame.
  void pop_back() noexcept {
    data()[--size_].~frame();
  }

  /// Inserts `x` before `pos` and returns its position.
  iterator insert(const_iterator pos, frame x) {
    auto at = static_cast<size_t>(pos - begin());
    emplace_back(std::move(x));
    rotate_back(at, 1);
    return begin() + at;
  }

  /// Inserts the frames of `[first, last)` before `pos`; returns the
  /// position of the first one.
  template <class InputIt,
            class = std::enable_if_t<!std::is_integral_v<InputIt>>>
  iterator insert(const_iterator pos, InputIt first, InputIt last) {
    auto at = static_cast<size_t>(pos - begin());
    size_t n = 0;
    for (; first != last; ++first, ++n)
      emplace_back(*first);
    rotate_back(at, n);
    return begin() + at;
  }

  /// Removes the frame at `pos`; returns the position after it.
  iterator erase(const_iterator pos) {
    return erase(pos, pos + 1);
  }

  /// Removes the frames of `[first, last)`; returns the position after them.
  iterator erase(const_iterator first, const_iterator last) {
    auto at = static_cast<size_t>(first - begin());
    auto n = static_cast<size_t>(last - first);
    if (n == 0)
      return begin() + at;
    auto* p = data();
    for (size_t i = at; i + n < size_; ++i)
      p[i] = std::move(p[i + n]);
    destroy(p + size_ - n, p + size_);
    size_ -= static_cast<uint32_t>(n);
    return begin() + at;
  }

  /// Exchanges the contents of two messages.
  void swap(message& other) noexcept {
    if (this == &other)
      return;
    // Frames in place are swapped by their bytes (see `take`).
    std::swap(heap_, other.heap_);
    std::swap(size_, other.size_);
    std::swap(cap_, other.cap_);
    unsigned char tmp[sizeof(buf_)];
    std::memcpy(tmp, buf_, sizeof(buf_));
    std::memcpy(buf_, other.buf_, sizeof(buf_));
    std::memcpy(other.buf_, tmp, sizeof(buf_));
  }

  // -- comparison -------------------------------------------------------------

  /// Compares frame by frame (payload bytes).
  friend bool operator==(const message& x, const message& y) noexcept {
    if (x.size_ != y.size_)
      return false;
    for (size_t i = 0; i < x.size_; ++i)
      if (x[i] != y[i])
        return false;
    return true;
  }

  friend bool operator!=(const message& x, const message& y) noexcept {
    return !(x == y);
  }

private:
  frame* local() noexcept {
    return std::launder(reinterpret_cast<frame*>(buf_));
  }

  const frame* local() const noexcept {
    return std::launder(reinterpret_cast<const frame*>(buf_));
  }

  size_t next_capacity() const noexcept {
    return capacity() * 2;
  }

  static void destroy(frame* first, frame* last) noexcept {
    for (; first != last; ++first)
      first->~frame();
  }

  template <class InputIt>
  void append(InputIt first, InputIt last) {
    if constexpr (std::is_base_of_v<
                    std::forward_iterator_tag,
                    typename std::iterator_traits<InputIt>::iterator_category>)
      reserve(size_ + static_cast<size_t>(std::distance(first, last)));
    for (; first != last; ++first)
      emplace_back(*first);
  }

  // Moves the frames to a heap array of `n` frames.
  void grow_to(size_t n) {
    auto* fresh = static_cast<frame*>(::operator new(n * sizeof(frame)));
    // Relocated by their bytes, as in `take`.
    std::memcpy(static_cast<void*>(fresh), static_cast<const void*>(data()),
                size_ * sizeof(frame));
    if (heap_ != nullptr)
      ::operator delete(heap_);
    heap_ = fresh;
    cap_ = static_cast<uint32_t>(n);
  }

  // Moves the last `n` frames to position `at`.
  void rotate_back(size_t at, size_t n) {
    auto* p = data();
    for (size_t k = 0; k < n; ++k)
      for (size_t i = size_ - n + k; i > at + k; --i)
        p[i].swap(p[i - 1]);
  }

  // Takes `other`'s frames; leaves it empty. A frame holds no pointer into
  // itself (a block pointer and two sizes), so frames in place are moved by
  // copying their bytes; `other`'s copies are then dead without a
  // destructor call (they are past its new size of 0).
  void take(message& other) noexcept {
    heap_ = other.heap_;
    size_ = other.size_;
    cap_ = other.cap_;
    if (heap_ == nullptr)
      std::memcpy(buf_, other.buf_, sizeof(buf_));
    other.heap_ = nullptr;
    other.size_ = 0;
    other.cap_ = 0;
  }

  // Drops every frame and the heap array.
  void release() noexcept {
    clear();
    if (heap_ != nullptr) {
      ::operator delete(heap_);
      heap_ = nullptr;
      cap_ = 0;
    }
  }

  frame* heap_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
  alignas(frame) unsigned char buf_[inline_capacity * sizeof(frame)];
};

/// Exchanges the contents of two messages (`std::swap` finds this).
inline void swap(message& x, message& y) noexcept {
  x.swap(y);
}

// `message` relocates frames by copying their bytes: a frame must stay a
// block pointer and two sizes, with nothing pointing into it.
static_assert(sizeof(frame) == sizeof(void*) + 2 * sizeof(size_t)
              && std::is_standard_layout_v<frame>);

/// Builds a message from string parts (a convenience for tests and tools).
message make_message(std::initializer_list<std::string_view> parts);

/// Returns the sum of the frame sizes of `msg`.
size_t payload_size(const message& msg) noexcept;

} // namespace monocoque::zmtp
