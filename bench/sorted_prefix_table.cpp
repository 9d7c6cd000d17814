#include "sorted_prefix_table.hpp"

#include <algorithm>

namespace caf::monocoque::detail {

namespace {

bool key_less(const std::string& x, std::string_view y) {
  return std::string_view{x} < y;
}


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

// -- lookups ------------------------------------------------------------------

size_t sorted_prefix_table::find(std::string_view prefix) const {
  auto i = std::lower_bound(keys_.begin(), keys_.end(), prefix, key_less);
  if (i == keys_.end() || *i != prefix)
    return keys_.size();
  return static_cast<size_t>(i - keys_.begin());
}

template <class F>
void sorted_prefix_table::for_each_prefix(std::string_view topic,
                                          F&& f) const {
  // The prefixes of `topic` sort in order of length, so each search starts
  // where the previous one ended.
  auto first = keys_.begin();
  for (auto& [len, n] : lengths_) {
    if (len > topic.size())
      return;
    auto key = topic.substr(0, len);
    first = std::lower_bound(first, keys_.end(), key, key_less);
    if (first == keys_.end())
      return;
    if (*first == key && !f(static_cast<size_t>(first - keys_.begin())))
      return;
  }
}

void sorted_prefix_table::match(std::string_view topic,
                                std::vector<subscriber_id>& out) const {
  out.clear();
  size_t runs = 0;
  for_each_prefix(topic, [&](size_t pos) {
    holders_[pos].merge_into(out);
    ++runs;
    return true;
  });
  if (runs > 1)
    holder_set::dedupe(out);
}

bool sorted_prefix_table::matches(std::string_view topic) const {
  bool found = false;
  for_each_prefix(topic, [&](size_t) {
    found = true;
    return false;
  });
  return found;
}

size_t sorted_prefix_table::prefixes_of(subscriber_id who) const {
  auto i = by_who_.find(who);
  return i != by_who_.end() ? i->second.size() : 0;
}

// -- changes ------------------------------------------------------------------

void sorted_prefix_table::count_length(size_t len, bool came) {
  auto i = std::lower_bound(
    lengths_.begin(), lengths_.end(), len,
    [](const std::pair<size_t, size_t>& x, size_t y) { return x.first < y; });
  if (came) {
    if (i != lengths_.end() && i->first == len)
      ++i->second;
    else
      lengths_.emplace(i, len, 1);
  } else if (--i->second == 0) {
    lengths_.erase(i);
  }
}

void sorted_prefix_table::erase_at(size_t pos) {
  count_length(keys_[pos].size(), false);
  keys_.erase(keys_.begin() + static_cast<ptrdiff_t>(pos));
  holders_.erase(holders_.begin() + static_cast<ptrdiff_t>(pos));
}

bool sorted_prefix_table::add(std::string_view prefix, subscriber_id who) {
  auto i = std::lower_bound(keys_.begin(), keys_.end(), prefix, key_less);
  auto pos = i - keys_.begin();
  bool fresh = i == keys_.end() || *i != prefix;
  if (fresh) {
    keys_.emplace(i, prefix);
    holders_.emplace(holders_.begin() + pos);
    count_length(prefix.size(), true);
  }
  if (holders_[static_cast<size_t>(pos)].add(who))
    by_who_[who].emplace(prefix);
  return fresh;
}

removal sorted_prefix_table::remove(std::string_view prefix,
                                    subscriber_id who) {
  auto pos = find(prefix);
  if (pos == keys_.size())
    return removal::not_found;
  auto result = to_removal(holders_[pos], who);
  if (result == removal::subscriber_gone || result == removal::prefix_gone) {
    auto i = by_who_.find(who);
    i->second.erase(std::string{prefix});
    if (i->second.empty())
      by_who_.erase(i);
  }
  if (result == removal::prefix_gone)
    erase_at(pos);
  return result;
}

void sorted_prefix_table::remove_all(subscriber_id who,
                                     std::vector<std::string>& gone) {
  auto i = by_who_.find(who);
  if (i == by_who_.end())
    return;
  auto first_gone = gone.size();
  auto first_pos = keys_.size(); // the first emptied entry
  for (auto& prefix : i->second) {
    auto pos = find(prefix);
    holders_[pos].erase(who);
    if (holders_[pos].empty()) {
      first_pos = std::min(first_pos, pos);
      gone.push_back(prefix);
    }
  }
  by_who_.erase(i);
  if (first_pos == keys_.size())
    return;
  // One pass drops every emptied entry (erasing each would move the tail
  // once per gone prefix).
  auto out = first_pos;
  for (auto pos = first_pos; pos < keys_.size(); ++pos) {
    if (holders_[pos].empty()) {
      count_length(keys_[pos].size(), false);
      continue;
    }
    keys_[out] = std::move(keys_[pos]);
    holders_[out] = std::move(holders_[pos]);
    ++out;
  }
  keys_.resize(out);
  holders_.resize(out);
  std::sort(gone.begin() + static_cast<ptrdiff_t>(first_gone), gone.end());
}

} // namespace caf::monocoque::detail
