#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace caf::monocoque::detail {

/// A FIFO queue for per-connection state that allocates nothing until its
/// first `push_back` (a `std::deque` allocates ~600 bytes when constructed,
/// which every idle connection would pay). A vector and the index of its
/// front: `pop_front` is O(1), the consumed prefix is dropped once it is at
/// least half of the vector, and an emptied queue keeps a small buffer for
/// the next burst but gives a large one back.
template <class T>
class lazy_queue {
public:
  // -- properties -------------------------------------------------------------

  /// Returns whether the queue holds no element.
  bool empty() const noexcept {
    return head_ == xs_.size();
  }

  /// Returns the number of elements.
  size_t size() const noexcept {
    return xs_.size() - head_;
  }

  /// Returns the oldest element (the queue must not be empty).
  T& front() noexcept {
    return xs_[head_];
  }

  /// Returns the oldest element (the queue must not be empty).
  const T& front() const noexcept {
    return xs_[head_];
  }

  /// Returns the first element for iteration, oldest first.
  auto begin() noexcept {
    return xs_.begin() + static_cast<std::ptrdiff_t>(head_);
  }

  /// Returns the end of the elements.
  auto end() noexcept {
    return xs_.end();
  }

  // -- modifiers --------------------------------------------------------------

  /// Appends `x`.
  void push_back(T x) {
    xs_.push_back(std::move(x));
  }

  /// Removes the oldest element (the queue must not be empty).
  void pop_front() {
    xs_[head_] = T{};
    ++head_;
    if (head_ == xs_.size())
      clear();
    else if (head_ >= 32 && head_ * 2 >= xs_.size()) {
      xs_.erase(xs_.begin(), xs_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  /// Removes every element.
  void clear() {
    xs_.clear();
    head_ = 0;
    if (xs_.capacity() > 64)
      xs_.shrink_to_fit();
  }

private:
  std::vector<T> xs_;
  size_t head_ = 0;
};

} // namespace caf::monocoque::detail
