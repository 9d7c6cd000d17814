#pragma once

#include "caf/monocoque/message_types.hpp"

#include "monocoque/zmtp/encoded_messages.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace caf::monocoque {

/// The messages of one PUB/XPUB fan-out burst, shared by every connection
/// that sends some of them: each connection gets the burst and the indices
/// of its messages, never copies. Connections that send every message of
/// the burst in clear also share its encoding (`encoded`), done once by
/// whichever of them gets there first, on any ring.
class shared_burst {
public:
  // -- building (the hub engine, before sharing) ------------------------------

  /// Adds `msg` and returns its index.
  uint32_t push_back(multipart msg) {
    msgs_.push_back(std::move(msg));
    return static_cast<uint32_t>(msgs_.size() - 1);
  }

  /// Sets how many connections get every message of the burst.
  void full_takers(size_t n) noexcept {
    full_takers_ = n;
  }

  // -- properties -------------------------------------------------------------

  /// Returns the number of messages.
  size_t size() const noexcept {
    return msgs_.size();
  }

  /// Returns message `i`.
  const multipart& operator[](size_t i) const noexcept {
    return msgs_[i];
  }

  /// Returns message `i` (bounds-checked).
  const multipart& at(size_t i) const {
    return msgs_.at(i);
  }

  /// Returns how many connections get every message of the burst.
  size_t full_takers() const noexcept {
    return full_takers_;
  }

  /// Returns whether `picks` selects every message, in order.
  bool is_whole(const std::vector<uint32_t>& picks) const noexcept {
    if (picks.size() != msgs_.size())
      return false;
    for (size_t i = 0; i < picks.size(); ++i)
      if (picks[i] != i)
        return false;
    return true;
  }

  /// Returns every message encoded for clear sessions, encoding on the
  /// first call (thread-safe; later calls pass the same `copy_threshold`,
  /// the socket's, and get the first result). Null if encoding ran out of
  /// memory: callers then encode their picks themselves.
  const ::monocoque::zmtp::encoded_messages*
  encoded(size_t copy_threshold) const {
    std::call_once(once_, [this, copy_threshold]() noexcept {
      try {
        encoded_ = ::monocoque::zmtp::frame_encoder::encode_all(
          msgs_, copy_threshold);
        ok_ = true;
      } catch (const std::bad_alloc&) {
        encoded_ = ::monocoque::zmtp::encoded_messages{};
      }
    });
    return ok_ ? &encoded_ : nullptr;
  }

private:
  std::vector<multipart> msgs_;
  size_t full_takers_ = 0;
  mutable std::once_flag once_;
  mutable ::monocoque::zmtp::encoded_messages encoded_;
  mutable bool ok_ = false;
};

} // namespace caf::monocoque
