#include "caf/monocoque/internal/prefix_trie.hpp"

#include <algorithm>
#include <utility>

namespace caf::monocoque::detail {

namespace {

// What cancelling one subscription of `who` in `hs` did.
removal to_removal(holder_set& hs, subscriber_id who) {
  auto left = hs.remove(who);
  if (!left)
    return removal::not_found;
  if (*left > 0)
    return removal::still_subscribed;
  return hs.empty() ? removal::prefix_gone : removal::subscriber_gone;
}

} // namespace

prefix_trie::prefix_trie() : nodes_(1) {
  // nothing
}

// -- lookups ------------------------------------------------------------------

prefix_trie::node_id prefix_trie::child(node_id n, uint8_t byte) const {
  auto& keys = nodes_[n].keys;
  // Most nodes have a handful of children: a linear scan beats binary
  // search there.
  if (keys.size() <= 16) {
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == byte)
        return nodes_[n].kids[i];
    return none;
  }
  auto i = std::lower_bound(keys.begin(), keys.end(), byte);
  if (i == keys.end() || *i != byte)
    return none;
  return nodes_[n].kids[static_cast<size_t>(i - keys.begin())];
}

prefix_trie::node_id prefix_trie::find(std::string_view prefix) const {
  auto n = root;
  while (!prefix.empty()) {
    n = child(n, static_cast<uint8_t>(prefix[0]));
    if (n == none)
      return none;
    const auto& label = nodes_[n].label;
    if (prefix.size() < label.size()
        || prefix.compare(0, label.size(), label) != 0)
      return none; // ends inside an edge or leaves it
    prefix.remove_prefix(label.size());
  }
  return n;
}

std::string prefix_trie::prefix_of(node_id n) const {
  std::vector<node_id> path;
  size_t size = 0;
  for (; n != root; n = nodes_[n].parent) {
    path.push_back(n);
    size += nodes_[n].label.size();
  }
  std::string result;
  result.reserve(size);
  for (auto i = path.rbegin(); i != path.rend(); ++i)
    result += nodes_[*i].label;
  return result;
}

size_t prefix_trie::cost_of(size_t prefix_size) noexcept {
  // Two nodes, each with its label, key and child vectors and holder set
  // allocated (~32 bytes a heap block), plus the reverse-map entry.
  constexpr size_t per_node = sizeof(node) + 5 * 32;
  return prefix_size + 2 * per_node + 64;
}

void prefix_trie::match(std::string_view topic,
                        std::vector<subscriber_id>& out) const {
  out.clear();
  size_t runs = 0;
  auto n = root;
  for (;;) {
    if (auto& hs = nodes_[n].holders; !hs.empty()) {
      hs.merge_into(out);
      ++runs;
    }
    if (topic.empty())
      break;
    n = child(n, static_cast<uint8_t>(topic[0]));
    if (n == none)
      break;
    const auto& label = nodes_[n].label;
    if (topic.size() < label.size()
        || topic.compare(0, label.size(), label) != 0)
      break;
    topic.remove_prefix(label.size());
  }
  if (runs > 1)
    holder_set::dedupe(out);
}

bool prefix_trie::matches(std::string_view topic) const {
  auto n = root;
  for (;;) {
    if (!nodes_[n].holders.empty())
      return true;
    if (topic.empty())
      return false;
    n = child(n, static_cast<uint8_t>(topic[0]));
    if (n == none)
      return false;
    const auto& label = nodes_[n].label;
    if (topic.size() < label.size()
        || topic.compare(0, label.size(), label) != 0)
      return false;
    topic.remove_prefix(label.size());
  }
}

size_t prefix_trie::prefixes_of(subscriber_id who) const {
  auto i = by_who_.find(who);
  return i != by_who_.end() ? i->second.size() : 0;
}

std::vector<std::string> prefix_trie::prefixes() const {
  // Depth first, children in byte order: a parent's prefix sorts before its
  // children's, so the result comes out sorted.
  std::vector<std::string> result;
  result.reserve(size_);
  std::string path;
  std::vector<std::pair<node_id, size_t>> stack{{root, 0}};
  if (!nodes_[root].holders.empty())
    result.emplace_back();
  while (!stack.empty()) {
    auto& [n, next] = stack.back();
    if (next == nodes_[n].kids.size()) {
      path.resize(path.size() - nodes_[n].label.size());
      stack.pop_back();
      continue;
    }
    auto k = nodes_[n].kids[next++];
    path += nodes_[k].label;
    if (!nodes_[k].holders.empty())
      result.push_back(path);
    stack.emplace_back(k, 0);
  }
  return result;
}

// -- changes ------------------------------------------------------------------

prefix_trie::node_id prefix_trie::new_node(node_id parent,
                                            std::string_view label) {
  node_id k;
  if (!free_.empty()) {
    k = free_.back();
    free_.pop_back();
  } else {
    k = static_cast<node_id>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[k].parent = parent;
  nodes_[k].label.assign(label.data(), label.size());
  return k;
}

size_t prefix_trie::slot_of(node_id n, uint8_t byte) const {
  const auto& keys = nodes_[n].keys;
  return static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), byte)
                             - keys.begin());
}

void prefix_trie::link(node_id n, node_id k) {
  auto byte = static_cast<uint8_t>(nodes_[k].label[0]);
  auto pos = static_cast<ptrdiff_t>(slot_of(n, byte));
  nodes_[n].keys.insert(nodes_[n].keys.begin() + pos, byte);
  nodes_[n].kids.insert(nodes_[n].kids.begin() + pos, k);
}

prefix_trie::node_id prefix_trie::make(std::string_view prefix) {
  auto n = root;
  while (!prefix.empty()) {
    auto byte = static_cast<uint8_t>(prefix[0]);
    auto k = child(n, byte);
    if (k == none) {
      auto leaf = new_node(n, prefix);
      link(n, leaf);
      return leaf;
    }
    std::string_view label = nodes_[k].label;
    auto common = static_cast<size_t>(
      std::mismatch(label.begin(),
                    label.begin()
                      + static_cast<ptrdiff_t>(
                        std::min(label.size(), prefix.size())),
                    prefix.begin())
        .first
      - label.begin());
    if (common == label.size()) {
      prefix.remove_prefix(common);
      n = k;
      continue;
    }
    // Split the edge to `k` after `common` bytes (at least one: the keys
    // matched). `new_node` may move `nodes_`: no references across it.
    auto mid = new_node(n, prefix.substr(0, common));
    nodes_[n].kids[slot_of(n, byte)] = mid;
    nodes_[k].label.erase(0, common);
    nodes_[k].parent = mid;
    link(mid, k);
    prefix.remove_prefix(common);
    if (prefix.empty())
      return mid;
    auto leaf = new_node(mid, prefix);
    link(mid, leaf);
    return leaf;
  }
  return n;
}

void prefix_trie::release(node_id n) {
  auto& x = nodes_[n];
  // Keep the (empty) vectors' memory for the node's next use.
  x.label.clear();
  x.keys.clear();
  x.kids.clear();
  x.parent = none;
  free_.push_back(n);
}

void prefix_trie::prune(node_id n) {
  while (n != root && nodes_[n].holders.empty()) {
    auto parent = nodes_[n].parent;
    auto& kids = nodes_[n].kids;
    if (kids.size() > 1)
      return;
    auto pos = slot_of(parent, static_cast<uint8_t>(nodes_[n].label[0]));
    if (kids.size() == 1) {
      // Merge into the only child: it takes over the edge from `parent`.
      auto k = kids[0];
      nodes_[k].label.insert(0, nodes_[n].label);
      nodes_[k].parent = parent;
      nodes_[parent].kids[pos] = k;
      release(n);
      return;
    }
    auto& pk = nodes_[parent];
    pk.keys.erase(pk.keys.begin() + static_cast<ptrdiff_t>(pos));
    pk.kids.erase(pk.kids.begin() + static_cast<ptrdiff_t>(pos));
    release(n);
    n = parent; // may be left holderless with one child: merge it
  }
}

bool prefix_trie::add(std::string_view prefix, subscriber_id who) {
  auto n = make(prefix);
  auto& hs = nodes_[n].holders;
  bool fresh = hs.empty();
  if (hs.add(who))
    by_who_[who].insert(n);
  if (fresh)
    ++size_;
  return fresh;
}

removal prefix_trie::remove(std::string_view prefix, subscriber_id who) {
  auto n = find(prefix);
  if (n == none)
    return removal::not_found;
  auto result = to_removal(nodes_[n].holders, who);
  if (result == removal::subscriber_gone || result == removal::prefix_gone) {
    auto i = by_who_.find(who);
    i->second.erase(n);
    if (i->second.empty())
      by_who_.erase(i);
  }
  if (result == removal::prefix_gone) {
    --size_;
    prune(n);
  }
  return result;
}

void prefix_trie::remove_all(subscriber_id who,
                             std::vector<std::string>& gone) {
  auto i = by_who_.find(who);
  if (i == by_who_.end())
    return;
  auto first_gone = gone.size();
  auto nodes = std::move(i->second);
  by_who_.erase(i);
  // Name the gone prefixes before pruning: pruning a node may free or merge
  // away gone ones (never a node with holders), which lose their path.
  for (auto n : nodes) {
    nodes_[n].holders.erase(who);
    if (nodes_[n].holders.empty()) {
      gone.push_back(prefix_of(n));
      --size_;
    }
  }
  for (auto n : nodes)
    if (nodes_[n].parent != none && nodes_[n].holders.empty())
      prune(n); // (a freed node has no parent)
  std::sort(gone.begin() + static_cast<ptrdiff_t>(first_gone), gone.end());
}

} // namespace caf::monocoque::detail
