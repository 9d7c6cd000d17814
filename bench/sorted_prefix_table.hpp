#pragma once

// The baseline of bench/bench_index.cpp: the PubSubHub's first subscription
// index, replaced by the prefix trie (faster at every size measured, see
// docs/performance.md). It lives in bench/ only, compiled into bench-index
// and not into caf::monocoque; bench-index checks at start that it and the
// trie agree on the benchmark's workloads.

#include "caf/monocoque/internal/subscription_index.hpp"

#include "caf/monocoque/internal/holder_set.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace caf::monocoque::detail {

/// Sorted vector of (prefix, subscribers); subscriptions are counted per
/// subscriber (RFC 29: subscribe twice, cancel once, still subscribed).
/// Add/remove by binary search; `match` binary-searches each prefix length
/// of the topic that some entry has.
class sorted_prefix_table {
public:
  /// Adds one subscription of `who` to `prefix`. Returns whether nobody
  /// subscribed to `prefix` before.
  bool add(std::string_view prefix, subscriber_id who);

  /// Cancels one subscription of `who` to `prefix`.
  removal remove(std::string_view prefix, subscriber_id who);

  /// Removes every subscription of `who`; appends to `gone` each prefix
  /// nobody subscribes to any more. Costs O(prefixes of who · log n) to
  /// find them plus one pass over the table if a prefix went.
  void remove_all(subscriber_id who, std::vector<std::string>& gone);

  /// Appends to `out` each subscriber with a prefix of `topic`, once each
  /// (overlapping prefixes "A", "AB", "ABC" still yield one entry). `out`
  /// is cleared first and ends up sorted.
  void match(std::string_view topic, std::vector<subscriber_id>& out) const;

  /// Returns whether any subscriber has a prefix of `topic`.
  bool matches(std::string_view topic) const;

  /// Returns the number of distinct prefixes of `who`.
  size_t prefixes_of(subscriber_id who) const;

  /// Returns the number of distinct prefixes.
  size_t size() const noexcept {
    return keys_.size();
  }

  /// Returns every distinct prefix (sorted).
  std::vector<std::string> prefixes() const {
    return keys_;
  }

private:
  // Returns the index of `prefix` in `keys_`, or `keys_.size()`.
  size_t find(std::string_view prefix) const;

  // Updates `lengths_` for a prefix of length `len` that came (+1) or went.
  void count_length(size_t len, bool came);

  // Drops the entry at `pos` from `keys_`, `holders_` and `lengths_`.
  void erase_at(size_t pos);

  // Calls `f(pos)` for each entry that is a prefix of `topic`, shortest
  // first, until `f` returns false.
  template <class F>
  void for_each_prefix(std::string_view topic, F&& f) const;

  std::vector<std::string> keys_;   // the distinct prefixes, sorted
  std::vector<holder_set> holders_; // parallel to `keys_`
  // (length, number of prefixes of that length), sorted by length: `match`
  // looks up only lengths that exist.
  std::vector<std::pair<size_t, size_t>> lengths_;
  // subscriber → its distinct prefixes, so `remove_all` never scans.
  std::unordered_map<subscriber_id, std::unordered_set<std::string>> by_who_;
};

} // namespace caf::monocoque::detail
