#pragma once

// Fair queueing over the peers with received messages, as libzmq's `fq_t`:
// each peer with messages takes one turn per round, in the order its
// messages arrived. O(1) per turn.

#include "caf/monocoque/internal/peer_ref.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace caf::monocoque::detail {

/// The queue of peers whose messages wait for the application. The
/// messages stay in the peers' inboxes; this only decides whose turn it is.
class fair_queue {
public:
  // -- peers ------------------------------------------------------------------

  /// `r` has messages: it joins the back of the queue unless it is queued.
  void activated(peer_ref r);

  /// The current peer had its turn: it goes to the back if it `has_more`
  /// messages, else it leaves the queue. Precondition: `!empty()`.
  void next(bool has_more);

  /// Empties the queue (every peer leaves).
  void clear();

  // -- turns ------------------------------------------------------------------

  /// Returns whether no peer waits.
  bool empty() const noexcept {
    return queue_.empty();
  }

  /// Returns the peer whose turn it is. Precondition: `!empty()`.
  peer_ref current() const noexcept {
    return queue_.front();
  }

  // -- introspection ----------------------------------------------------------

  /// Returns whether `r` is queued.
  bool queued(peer_ref r) const noexcept {
    return r.slot < queued_.size() && r.epoch != 0
           && queued_[r.slot] == r.epoch;
  }

  /// Returns the queued peers, in turn order.
  const std::deque<peer_ref>& peers() const noexcept {
    return queue_;
  }

private:
  std::deque<peer_ref> queue_;
  /// Epoch queued per peer table slot, or 0.
  std::vector<uint64_t> queued_;
};

} // namespace caf::monocoque::detail
