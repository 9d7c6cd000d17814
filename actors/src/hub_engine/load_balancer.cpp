#include "caf/monocoque/internal/load_balancer.hpp"

#include <utility>

namespace caf::monocoque::detail {

uint32_t load_balancer::index_of(peer_ref r) const noexcept {
  if (r.slot >= index_.size())
    return npos;
  auto i = index_[r.slot];
  return i != npos && peers_[i] == r ? i : npos;
}

void load_balancer::swap_at(size_t i, size_t j) noexcept {
  if (i == j)
    return;
  std::swap(peers_[i], peers_[j]);
  bool tmp = full_[i];
  full_[i] = full_[j];
  full_[j] = tmp;
  index_[peers_[i].slot] = static_cast<uint32_t>(i);
  index_[peers_[j].slot] = static_cast<uint32_t>(j);
}

void load_balancer::attach(peer_ref r) {
  if (contains(r))
    return;
  if (r.slot >= index_.size())
    index_.resize(r.slot + 1, npos);
  index_[r.slot] = static_cast<uint32_t>(peers_.size());
  peers_.push_back(r);
  full_.push_back(false);
  swap_at(peers_.size() - 1, active_);
  ++active_;
}

void load_balancer::detached(peer_ref r) {
  auto i = index_of(r);
  if (i == npos)
    return;
  if (i < active_) {
    if (full_[i])
      --blocked_;
    full_[i] = false;
    --active_;
    swap_at(i, active_);
    i = static_cast<uint32_t>(active_);
  }
  swap_at(i, peers_.size() - 1);
  index_[r.slot] = npos;
  peers_.pop_back();
  full_.pop_back();
}

void load_balancer::blocked(peer_ref r) {
  auto i = index_of(r);
  if (i == npos || i >= active_ || full_[i])
    return; // unknown, or blocked already
  full_[i] = true;
  ++blocked_;
}

void load_balancer::activated(peer_ref r) {
  auto i = index_of(r);
  if (i == npos)
    return;
  if (i < active_) {
    // Blocked but its turn has not come yet: it simply stays.
    if (full_[i]) {
      full_[i] = false;
      --blocked_;
    }
    return;
  }
  swap_at(i, active_);
  ++active_;
}

peer_ref load_balancer::next() {
  if (!has_out())
    return {}; // names nobody
  for (;;) {
    if (current_ >= active_)
      current_ = 0;
    if (!full_[current_])
      return peers_[current_++];
    // Its turn came while full: behind the boundary; the last active peer
    // takes its place and its turn (libzmq's lb_t::sendpipe).
    full_[current_] = false;
    --blocked_;
    --active_;
    swap_at(current_, active_);
  }
}

} // namespace caf::monocoque::detail
