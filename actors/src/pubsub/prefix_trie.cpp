#include "caf/monocoque/detail/prefix_trie.hpp"

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
  for (auto c : prefix) {
    n = child(n, static_cast<uint8_t>(c));
    if (n == none)
      return none;
  }
  return n;
}

std::string prefix_trie::prefix_of(node_id n) const {
  std::string result;
  for (; n != root; n = nodes_[n].parent)
    result.push_back(static_cast<char>(nodes_[n].byte));
  std::reverse(result.begin(), result.end());
  return result;
}

void prefix_trie::match(std::string_view topic,
                        std::vector<subscriber_id>& out) const {
  out.clear();
  size_t runs = 0;
  auto n = root;
  for (size_t i = 0;; ++i) {
    if (auto& hs = nodes_[n].holders; !hs.empty()) {
      hs.merge_into(out);
      ++runs;
    }
    if (i == topic.size())
      break;
    n = child(n, static_cast<uint8_t>(topic[i]));
    if (n == none)
      break;
  }
  if (runs > 1)
    holder_set::dedupe(out);
}

bool prefix_trie::matches(std::string_view topic) const {
  auto n = root;
  for (size_t i = 0;; ++i) {
    if (!nodes_[n].holders.empty())
      return true;
    if (i == topic.size())
      return false;
    n = child(n, static_cast<uint8_t>(topic[i]));
    if (n == none)
      return false;
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
      stack.pop_back();
      if (!path.empty())
        path.pop_back();
      continue;
    }
    auto k = nodes_[n].kids[next++];
    path.push_back(static_cast<char>(nodes_[k].byte));
    if (!nodes_[k].holders.empty())
      result.push_back(path);
    stack.emplace_back(k, 0);
  }
  return result;
}

// -- changes ------------------------------------------------------------------

prefix_trie::node_id prefix_trie::make(std::string_view prefix) {
  auto n = root;
  for (auto c : prefix) {
    auto byte = static_cast<uint8_t>(c);
    auto k = child(n, byte);
    if (k == none) {
      if (!free_.empty()) {
        k = free_.back();
        free_.pop_back();
      } else {
        k = static_cast<node_id>(nodes_.size());
        nodes_.emplace_back();
      }
      nodes_[k].parent = n;
      nodes_[k].byte = byte;
      auto& keys = nodes_[n].keys;
      auto i = std::lower_bound(keys.begin(), keys.end(), byte);
      auto pos = i - keys.begin();
      keys.insert(i, byte);
      nodes_[n].kids.insert(nodes_[n].kids.begin() + pos, k);
    }
    n = k;
  }
  return n;
}

void prefix_trie::prune(node_id n) {
  while (n != root && nodes_[n].holders.empty() && nodes_[n].kids.empty()) {
    auto& x = nodes_[n];
    auto parent = x.parent;
    auto& keys = nodes_[parent].keys;
    auto i = std::lower_bound(keys.begin(), keys.end(), x.byte);
    nodes_[parent].kids.erase(nodes_[parent].kids.begin()
                              + (i - keys.begin()));
    keys.erase(i);
    // Keep the (empty) vectors' memory for the node's next use.
    x.parent = none;
    free_.push_back(n);
    n = parent;
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
  // Name the gone prefixes before pruning: pruning a node may free gone
  // ancestors (never a node with holders), which lose their path.
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
