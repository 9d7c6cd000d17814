#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace monocoque::zmtp {

/// A FIFO queue for per-connection state (sessions, connections, peers) that allocates nothing until its
/// first `push_back` (a `std::deque` allocates ~600 bytes when constructed,
/// which every idle connection would pay). A vector and the index of its
/// front: `pop_front` is O(1), the consumed prefix is dropped once it is at
/// least half of the vector, and an emptied queue keeps its buffer for the
/// next burst unless it grew past 64 Ki elements.
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

  /// Returns the newest element (the queue must not be empty).
  T& back() noexcept {
    return xs_.back();
  }

  /// Returns the first element for iteration, oldest first.
  auto begin() noexcept {
    return xs_.begin() + static_cast<std::ptrdiff_t>(head_);
  }

  /// Returns the end of the elements.
  auto end() noexcept {
    return xs_.end();
  }

  /// Returns the first element for iteration, oldest first.
  auto begin() const noexcept {
    return xs_.begin() + static_cast<std::ptrdiff_t>(head_);
  }

  /// Returns the end of the elements.
  auto end() const noexcept {
    return xs_.end();
  }

  // -- modifiers --------------------------------------------------------------

  /// Appends `x`.
  void push_back(T x) {
    xs_.push_back(std::move(x));
  }

  /// Appends an element made from `xs` in place.
  template <class... Ts>
  T& emplace_back(Ts&&... xs) {
    return xs_.emplace_back(std::forward<Ts>(xs)...);
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
    if (xs_.capacity() > max_kept)
      xs_.shrink_to_fit();
  }

private:
  // An emptied queue keeps up to this many elements' capacity: giving back
  // every burst's buffer (above 64 elements, as first written) cost the 64 B
  // throughput benchmark ~40 % (the queues grew anew for every read of ~1000
  // small messages); 256 KiB and 1 MiB bounds in bytes still lost ~half of
  // that. A queue drained of a larger burst gives its buffer back.
  static constexpr size_t max_kept = 64 * 1024;

  std::vector<T> xs_;
  size_t head_ = 0;
};

} // namespace monocoque::zmtp
