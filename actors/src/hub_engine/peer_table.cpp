#include "caf/monocoque/internal/peer_table.hpp"

namespace caf::monocoque::detail {

peer* peer_table::find(uint64_t key, uint64_t epoch) {
  auto* p = by_epoch(epoch);
  return p != nullptr && p->key == key ? p : nullptr;
}

peer* peer_table::by_epoch(uint64_t epoch) {
  auto i = by_epoch_.find(epoch);
  return i != by_epoch_.end() ? &slots_[i->second] : nullptr;
}

peer* peer_table::at(slot_id slot, uint64_t epoch) {
  if (slot >= slots_.size() || epoch == 0 || slots_[slot].epoch != epoch)
    return nullptr;
  return &slots_[slot];
}

peer* peer_table::current(uint64_t key) {
  auto i = current_.find(key);
  return i != current_.end() ? &slots_[i->second] : nullptr;
}

peer& peer_table::insert(uint64_t key, uint64_t epoch, zmtp_integrated_actor hdl,
                         std::string endpoint) {
  slot_id slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<slot_id>(slots_.size());
    slots_.emplace_back();
  }
  // The same actor registered again (a test hook may do that): its
  // down_msg will name the newest incarnation, so the older one counts as
  // gone already.
  auto addr = hdl.address();
  if (auto i = by_addr_.find(addr); i != by_addr_.end()) {
    if (auto j = by_epoch_.find(i->second); j != by_epoch_.end())
      slots_[j->second].exited = true;
    i->second = epoch;
  } else {
    by_addr_.emplace(addr, epoch);
  }
  auto& p = slots_[slot];
  p = peer{};
  p.key = key;
  p.epoch = epoch;
  p.hdl = std::move(hdl);
  p.current = true;
  p.endpoint = std::move(endpoint);
  current_[key] = slot;
  by_epoch_[epoch] = slot;
  return p;
}

uint64_t peer_table::take_addr(const actor_addr& addr) {
  auto i = by_addr_.find(addr);
  if (i == by_addr_.end())
    return 0;
  auto epoch = i->second;
  by_addr_.erase(i);
  return epoch;
}

void peer_table::retire(peer& p) {
  if (p.current) {
    auto i = current_.find(p.key);
    if (i != current_.end() && i->second == slot_of(p))
      current_.erase(i);
    p.current = false;
  }
  p.hdl = nullptr;
  p.up = false;
  p.inflight = 0;
  p.outbox.clear(); // like libzmq, a gone pipe's queue is dropped
  p.picks.clear();
}

bool peer_table::release_if_done(peer& p) {
  if (p.current || !p.exited || !p.inbox.empty())
    return false;
  by_epoch_.erase(p.epoch);
  auto slot = slot_of(p);
  p = peer{};
  free_.push_back(slot);
  return true;
}

} // namespace caf::monocoque::detail
