#include "caf/monocoque/internal/fair_queue.hpp"

namespace caf::monocoque::detail {

void fair_queue::activated(peer_ref r) {
  if (r.epoch == 0 || queued(r))
    return;
  if (r.slot >= queued_.size())
    queued_.resize(r.slot + 1, 0);
  queued_[r.slot] = r.epoch;
  queue_.push_back(r);
}

void fair_queue::next(bool has_more) {
  auto r = queue_.front();
  queue_.pop_front();
  if (has_more)
    queue_.push_back(r); // its next message waits its turn
  else if (queued(r))
    queued_[r.slot] = 0;
}

void fair_queue::clear() {
  for (auto r : queue_)
    if (queued(r))
      queued_[r.slot] = 0;
  queue_.clear();
}

} // namespace caf::monocoque::detail
