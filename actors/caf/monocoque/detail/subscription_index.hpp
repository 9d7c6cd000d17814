#pragma once

// The PubSubHub's subscription index: which subscriber wants which topic
// prefixes. Two implementations share one interface, a sorted prefix table
// and a byte trie; `bench/bench_index.cpp` measures both and
// `subscription_index` names the one that won (see docs/performance.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caf::monocoque::detail {

/// Who holds a subscription: the epoch of the subscriber's connection
/// incarnation (unique per socket, never reused), so the subscriptions of a
/// gone incarnation can never be mistaken for its successor's.
using subscriber_id = uint64_t;

/// What `remove` did.
enum class removal : uint8_t {
  /// `who` held no subscription to the prefix: nothing changed.
  not_found,
  /// One of several subscriptions of `who` to the prefix was cancelled.
  still_subscribed,
  /// `who` no longer subscribes to the prefix; others still do.
  subscriber_gone,
  /// Nobody subscribes to the prefix any more.
  prefix_gone,
};

// -- sorted prefix table ------------------------------------------------------

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
  /// nobody subscribes to any more. Costs O(prefixes of who · log n).
  void remove_all(subscriber_id who, std::vector<std::string>& gone);

  /// Appends to `out` each subscriber with a prefix of `topic`, once each
  /// (overlapping prefixes "A", "AB", "ABC" still yield one entry). `out`
  /// is cleared first.
  void match(std::string_view topic, std::vector<subscriber_id>& out) const;

  /// Returns whether any subscriber has a prefix of `topic`.
  bool matches(std::string_view topic) const;

  /// Returns the number of distinct prefixes of `who`.
  size_t prefixes_of(subscriber_id who) const;

  /// Returns the number of distinct prefixes.
  size_t size() const noexcept;

  /// Returns every distinct prefix (sorted).
  std::vector<std::string> prefixes() const;

private:
  // Representation: the implementer's choice (documented here).
};

// -- trie -------------------------------------------------------------------

/// A byte trie with the same interface and semantics as
/// `sorted_prefix_table`: `match` walks the topic's bytes once.
class prefix_trie;

/// The index the PubSubHub uses (the faster one in bench/bench_index.cpp).
using subscription_index = sorted_prefix_table;

} // namespace caf::monocoque::detail
