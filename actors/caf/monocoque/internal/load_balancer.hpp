#pragma once

// Load balancing over the peers that are up, as libzmq's `lb_t`: peers with
// room sit at the front of one array, peers at SNDHWM behind the active
// boundary, so picking the next peer with room is O(1), not a scan.

#include "caf/monocoque/internal/peer_ref.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace caf::monocoque::detail {

/// Round robin over the attached peers that have room. The engine tells it
/// when a peer reaches its SNDHWM (`blocked`) and when it has room again
/// (`activated`); a blocked peer leaves the active part when its turn comes
/// (as a failed write does in libzmq), which keeps the order of a round.
class load_balancer {
public:
  // -- peers ------------------------------------------------------------------

  /// `r` is up: it takes part, with room.
  void attach(peer_ref r);

  /// `r` is gone: it no longer takes part (no-op if unknown).
  void detached(peer_ref r);

  /// `r` reached its SNDHWM: it gets nothing until `activated`.
  void blocked(peer_ref r);

  /// `r` has room again (no-op if it has or is unknown).
  void activated(peer_ref r);

  // -- picking ----------------------------------------------------------------

  /// Returns whether some attached peer has room.
  bool has_out() const noexcept {
    return active_ > blocked_;
  }

  /// Returns the next peer with room and moves on (a null reference
  /// without `has_out()`).
  peer_ref next();

  // -- introspection ----------------------------------------------------------

  /// Returns the number of attached peers.
  size_t size() const noexcept {
    return peers_.size();
  }

  /// Returns whether no peer is attached.
  bool empty() const noexcept {
    return peers_.empty();
  }

  /// Returns whether `r` is attached.
  bool contains(peer_ref r) const noexcept {
    return index_of(r) != npos;
  }

  /// Returns the attached peers (with room first; order otherwise unspecified).
  const std::vector<peer_ref>& peers() const noexcept {
    return peers_;
  }

private:
  static constexpr uint32_t npos = UINT32_MAX;

  uint32_t index_of(peer_ref r) const noexcept;

  void swap_at(size_t i, size_t j) noexcept;

  /// Attached peers: [0, active_) took part in picking, the rest is full.
  std::vector<peer_ref> peers_;
  /// Whether the peer at the same index is blocked (only in [0, active_)).
  std::vector<bool> full_;
  /// Index in `peers_` per peer table slot, or `npos`.
  std::vector<uint32_t> index_;
  size_t active_ = 0;
  /// Blocked peers still in the active part (they leave on their turn).
  size_t blocked_ = 0;
  /// The next turn; wraps to 0 lazily, so a peer attached after the last
  /// pick of a round gets the next turn.
  size_t current_ = 0;
};

} // namespace caf::monocoque::detail
