#pragma once

#include "caf/monocoque/detail/subscription_index.hpp"

#include "caf/monocoque/detail/holder_set.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace caf::monocoque::detail {

/// A byte trie with the same interface and semantics as
/// `sorted_prefix_table`: `match` walks the topic's bytes once. Nodes live
/// in one vector and refer to each other by index; freed nodes are reused.
class prefix_trie {
public:
  /// Creates an empty trie (just the root, the empty prefix).
  prefix_trie();

  /// Adds one subscription of `who` to `prefix`. Returns whether nobody
  /// subscribed to `prefix` before.
  bool add(std::string_view prefix, subscriber_id who);

  /// Cancels one subscription of `who` to `prefix`.
  removal remove(std::string_view prefix, subscriber_id who);

  /// Removes every subscription of `who`; appends to `gone` each prefix
  /// nobody subscribes to any more. Costs O(prefixes of who · depth).
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
    return size_;
  }

  /// Returns every distinct prefix (sorted).
  std::vector<std::string> prefixes() const;

private:
  using node_id = uint32_t;

  static constexpr node_id root = 0;
  static constexpr node_id none = UINT32_MAX;

  struct node {
    std::vector<uint8_t> keys; // child bytes, sorted
    std::vector<node_id> kids; // parallel to `keys`
    holder_set holders;        // subscribers of the prefix ending here
    node_id parent = none;
    uint8_t byte = 0; // the edge from `parent`
  };

  // Returns the child of `n` under `byte`, or `none`.
  node_id child(node_id n, uint8_t byte) const;

  // Returns the node of `prefix`, or `none`.
  node_id find(std::string_view prefix) const;

  // Returns the node of `prefix`, creating the missing ones.
  node_id make(std::string_view prefix);

  // Frees `n` and its ancestors while they hold nothing.
  void prune(node_id n);

  // Returns the prefix that ends at `n`.
  std::string prefix_of(node_id n) const;

  std::vector<node> nodes_;
  std::vector<node_id> free_; // reusable slots in `nodes_`
  size_t size_ = 0;           // nodes with holders
  // subscriber → the nodes of its distinct prefixes, so `remove_all` never
  // scans (node ids stay valid while they have holders).
  std::unordered_map<subscriber_id, std::unordered_set<node_id>> by_who_;
};

} // namespace caf::monocoque::detail
