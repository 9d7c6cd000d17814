#pragma once

#include "caf/monocoque/internal/peer.hpp"

#include <caf/actor_addr.hpp>

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace caf::monocoque::detail {

/// The socket's peer table: one `peer` record per connection incarnation in
/// a vector of slots that are reused; the epoch is the generation, so a
/// `(slot, epoch)` or `(key, epoch)` of a gone incarnation never matches
/// its successor. Indexes: current incarnation per connection key, record
/// per epoch, epoch per ZmtpIntegratedActor address (for `down_msg`).
class peer_table {
public:
  /// Index of a record in the table.
  using slot_id = uint32_t;

  // -- lookups ----------------------------------------------------------------

  /// Returns the record of incarnation `(key, epoch)`, live or draining.
  peer* find(uint64_t key, uint64_t epoch);

  /// Returns the record of incarnation `epoch`, live or draining.
  peer* by_epoch(uint64_t epoch);

  /// Returns the record in `slot` if it still holds `epoch`.
  peer* at(slot_id slot, uint64_t epoch);

  /// Returns the current incarnation of connection `key`, if any.
  peer* current(uint64_t key);

  /// Returns the slot of `p`.
  slot_id slot_of(const peer& p) const noexcept {
    return static_cast<slot_id>(&p - slots_.data());
  }

  /// Returns the record `p` for changes (the table owns it; policies see
  /// records as `const peer&`).
  peer& mut(const peer& p) noexcept {
    return slots_[slot_of(p)];
  }

  /// Calls `f(peer&)` for every record in use.
  template <class F>
  void for_each(F&& f) {
    for (auto& p : slots_)
      if (p.epoch != 0)
        f(p);
  }

  /// Returns the number of current incarnations (live connections).
  size_t live() const noexcept {
    return current_.size();
  }

  // -- changes ----------------------------------------------------------------

  /// Adds the incarnation `(key, epoch)` run by `hdl` as the current one of
  /// `key` (the caller retired the previous one first). The record stays
  /// valid until `release`; pointers into the table stay valid until the
  /// next `insert`.
  peer& insert(uint64_t key, uint64_t epoch, zmtp_integrated_actor hdl,
               std::string endpoint);

  /// Returns the epoch whose actor is `addr` and forgets the address, or 0.
  uint64_t take_addr(const actor_addr& addr);

  /// Makes `p` no longer current: no more sends or credit go to it. Its
  /// received messages stay until taken.
  void retire(peer& p);

  /// Frees the record of `p` if it is retired, gone and drained. Returns
  /// whether it did.
  bool release_if_done(peer& p);

private:
  std::vector<peer> slots_;
  std::vector<slot_id> free_;
  std::unordered_map<uint64_t, slot_id> current_;  // key → slot
  std::unordered_map<uint64_t, slot_id> by_epoch_; // epoch → slot
  std::unordered_map<actor_addr, uint64_t> by_addr_; // actor → epoch
};

} // namespace caf::monocoque::detail
