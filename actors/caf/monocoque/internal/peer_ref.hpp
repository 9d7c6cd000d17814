#pragma once

#include <cstdint>

namespace caf::monocoque::detail {

/// Names one incarnation in the peer table by slot and epoch: stale once
/// that incarnation is gone, even if its slot holds a successor.
struct peer_ref {
  /// Slot in the table.
  uint32_t slot = 0;
  /// Incarnation (zero names nobody).
  uint64_t epoch = 0;

  /// Returns whether `x` and `y` name the same incarnation.
  friend bool operator==(const peer_ref& x, const peer_ref& y) {
    return x.slot == y.slot && x.epoch == y.epoch;
  }
};

} // namespace caf::monocoque::detail
