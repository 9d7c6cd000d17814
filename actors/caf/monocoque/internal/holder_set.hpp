#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace caf::monocoque::detail {

/// The subscribers of one prefix with their subscription counts, sorted by
/// id. Ids and counts live in separate vectors so that `merge_into`, which
/// runs per published message, copies plain ids.
class holder_set {
public:
  /// A `id` (spelt out: subscription_index.hpp includes this
  /// header through the implementations, not the other way round).
  using id = uint64_t;

  // -- properties -------------------------------------------------------------

  /// Returns whether nobody holds a subscription.
  bool empty() const noexcept {
    return ids_.empty();
  }

  /// Returns the number of distinct subscribers.
  size_t size() const noexcept {
    return ids_.size();
  }

  /// Returns the subscribers, sorted.
  const std::vector<id>& ids() const noexcept {
    return ids_;
  }

  // -- changes ----------------------------------------------------------------

  /// Adds one subscription of `who`. Returns whether `who` held none before.
  bool add(id who) {
    auto i = std::lower_bound(ids_.begin(), ids_.end(), who);
    auto pos = static_cast<size_t>(i - ids_.begin());
    if (i != ids_.end() && *i == who) {
      ++counts_[pos];
      return false;
    }
    ids_.insert(i, who);
    counts_.insert(counts_.begin() + static_cast<ptrdiff_t>(pos), 1);
    return true;
  }

  /// Cancels one subscription of `who`. Returns how many `who` still holds,
  /// or nothing if it held none.
  std::optional<size_t> remove(id who) {
    auto i = std::lower_bound(ids_.begin(), ids_.end(), who);
    if (i == ids_.end() || *i != who)
      return std::nullopt;
    auto pos = static_cast<size_t>(i - ids_.begin());
    if (auto left = --counts_[pos]; left > 0)
      return left;
    erase_at(pos);
    return 0;
  }

  /// Drops every subscription of `who`. Returns whether it held any.
  bool erase(id who) {
    auto i = std::lower_bound(ids_.begin(), ids_.end(), who);
    if (i == ids_.end() || *i != who)
      return false;
    erase_at(static_cast<size_t>(i - ids_.begin()));
    return true;
  }

  // -- matching ---------------------------------------------------------------

  /// Merges the subscribers into the sorted `out`, keeping duplicates (see
  /// `dedupe`). Merges from the back, so it needs no scratch buffer.
  void merge_into(std::vector<id>& out) const {
    if (out.empty()) {
      out.assign(ids_.begin(), ids_.end());
      return;
    }
    auto a = out.size();
    auto b = ids_.size();
    out.resize(a + b);
    auto k = a + b;
    while (b > 0) {
      if (a > 0 && out[a - 1] > ids_[b - 1])
        out[--k] = out[--a];
      else
        out[--k] = ids_[--b];
    }
  }

  /// Removes the duplicates that merging several sets left in `out`.
  static void dedupe(std::vector<id>& out) {
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

private:
  void erase_at(size_t pos) {
    ids_.erase(ids_.begin() + static_cast<ptrdiff_t>(pos));
    counts_.erase(counts_.begin() + static_cast<ptrdiff_t>(pos));
  }

  std::vector<id> ids_;
  std::vector<size_t> counts_; // subscriptions per id, parallel to `ids_`
};

} // namespace caf::monocoque::detail
