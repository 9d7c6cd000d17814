#pragma once

#include "caf/monocoque/internal/subscription_index.hpp"

#include "caf/monocoque/internal/holder_set.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace caf::monocoque::detail {

/// A path-compressed byte trie (radix tree): subscriptions are counted per
/// subscriber (RFC 29: subscribe twice, cancel once, still subscribed) and
/// `match` walks the topic's bytes once.
/// Each edge carries a label of one or more bytes, so a prefix costs at most
/// two nodes (a leaf and a split), however long it is: a peer's prefix of a
/// megabyte cannot make the index hold a node per byte. Nodes live in one
/// vector and refer to each other by index; freed nodes are reused.
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

  /// Returns the number of nodes in use, the root included (a prefix adds
  /// at most two, whatever its length).
  size_t nodes_in_use() const noexcept {
    return nodes_.size() - free_.size();
  }

  /// Returns every distinct prefix (sorted).
  std::vector<std::string> prefixes() const;

  /// Returns an upper bound of the memory one new subscription to a prefix
  /// of `prefix_size` bytes adds: the label bytes plus two nodes (a split
  /// and a leaf) with their vectors and the reverse-map entry. The PubSubHub
  /// charges it to the subscriber (`socket_options::max_subscription_bytes`).
  static size_t cost_of(size_t prefix_size) noexcept;

private:
  using node_id = uint32_t;

  static constexpr node_id root = 0;
  static constexpr node_id none = UINT32_MAX;

  struct node {
    std::string label;         // the edge from `parent` (root: empty)
    std::vector<uint8_t> keys; // first label bytes of the children, sorted
    std::vector<node_id> kids; // parallel to `keys`
    holder_set holders;        // subscribers of the prefix ending here
    node_id parent = none;
  };

  // Returns the child of `n` under `byte`, or `none`.
  node_id child(node_id n, uint8_t byte) const;

  // Returns the node of `prefix`, or `none`.
  node_id find(std::string_view prefix) const;

  // Returns the node of `prefix`, creating (and splitting) as needed.
  node_id make(std::string_view prefix);

  // Returns a fresh node under `parent` with `label` (not linked yet).
  node_id new_node(node_id parent, std::string_view label);

  // Adds `k` to the children of `n`.
  void link(node_id n, node_id k);

  // Returns the slot of the child of `n` whose label starts with `byte`.
  size_t slot_of(node_id n, uint8_t byte) const;

  // Frees `n` and its ancestors while they hold nothing, merging a node
  // left with one child into that child.
  void prune(node_id n);

  // Returns `n` to the free list.
  void release(node_id n);

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
