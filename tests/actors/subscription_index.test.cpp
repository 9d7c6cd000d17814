// Tests of the subscription index (prefix_trie): the cases, plus a
// randomized cross-check against a naive model. (The cases are templates:
// bench/'s sorted_prefix_table, the benchmark's baseline, had them too.)
#define CAF_SUITE subscription_index
#include <caf/test/unit_test.hpp>

#include "caf/monocoque/internal/subscription_index.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace caf::monocoque::detail;

namespace {

using ids = std::vector<subscriber_id>;
using strings = std::vector<std::string>;

template <class Index>
ids match(const Index& index, std::string_view topic) {
  ids out{99}; // match must clear it
  index.match(topic, out);
  return out;
}

// -- cases -------------------------------------------------------------------

template <class Index>
void counted_subscriptions() {
  Index index;
  CAF_CHECK(index.add("A", 1));
  CAF_CHECK(!index.add("A", 1));
  CAF_CHECK(!index.add("A", 2));
  CAF_CHECK_EQUAL(index.size(), 1u);
  CAF_CHECK(index.remove("A", 1) == removal::still_subscribed);
  CAF_CHECK_EQUAL(match(index, "AB"), (ids{1, 2}));
  CAF_CHECK(index.remove("A", 1) == removal::subscriber_gone);
  CAF_CHECK_EQUAL(match(index, "AB"), (ids{2}));
  CAF_CHECK(index.remove("A", 2) == removal::prefix_gone);
  CAF_CHECK_EQUAL(match(index, "AB"), ids{});
  CAF_CHECK_EQUAL(index.size(), 0u);
  CAF_CHECK(index.add("A", 1)); // new again
}

template <class Index>
void empty_prefix() {
  Index index;
  CAF_CHECK(!index.matches(""));
  CAF_CHECK(index.add("", 7));
  CAF_CHECK(index.matches(""));
  CAF_CHECK(index.matches("anything"));
  CAF_CHECK_EQUAL(match(index, ""), (ids{7}));
  CAF_CHECK_EQUAL(match(index, "x"), (ids{7}));
  CAF_CHECK_EQUAL(match(index, std::string(1000, 'z')), (ids{7}));
  CAF_CHECK_EQUAL(index.prefixes(), (strings{""}));
  CAF_CHECK(index.remove("", 7) == removal::prefix_gone);
  CAF_CHECK(!index.matches("x"));
}

template <class Index>
void overlapping_prefixes() {
  Index index;
  index.add("A", 3);
  index.add("AB", 3);
  index.add("ABC", 3);
  index.add("AB", 1);
  index.add("", 2);
  index.add("ABCD", 4);
  index.add("B", 5);
  CAF_CHECK_EQUAL(match(index, "ABC"), (ids{1, 2, 3}));
  CAF_CHECK_EQUAL(match(index, "ABCDE"), (ids{1, 2, 3, 4}));
  CAF_CHECK_EQUAL(match(index, "A"), (ids{2, 3}));
  CAF_CHECK_EQUAL(match(index, "Bx"), (ids{2, 5}));
  CAF_CHECK_EQUAL(match(index, "C"), (ids{2}));
  CAF_CHECK(index.matches("")); // "" is a prefix of 2
}

template <class Index>
void binary_prefixes() {
  Index index;
  using namespace std::string_literals;
  index.add("\0"s, 1);
  index.add("a\0b"s, 2);
  index.add("\xff"s, 3);
  index.add("\x80\x00"s, 4);
  CAF_CHECK_EQUAL(match(index, "\0\0"s), (ids{1}));
  CAF_CHECK_EQUAL(match(index, "a"s), ids{});
  CAF_CHECK_EQUAL(match(index, "a\0"s), ids{});
  CAF_CHECK_EQUAL(match(index, "a\0bc"s), (ids{2}));
  CAF_CHECK_EQUAL(match(index, "a\0c"s), ids{});
  CAF_CHECK_EQUAL(match(index, "\xff\xff"s), (ids{3}));
  CAF_CHECK_EQUAL(match(index, "\x80"s), ids{});
  CAF_CHECK_EQUAL(match(index, "\x80\x00\x01"s), (ids{4}));
  // Sorted as unsigned bytes, like std::string's operator<.
  CAF_CHECK_EQUAL(index.prefixes(), (strings{"\0"s, "a\0b"s, "\x80\x00"s,
                                             "\xff"s}));
  CAF_CHECK(index.remove("a\0"s, 2) == removal::not_found);
  CAF_CHECK(index.remove("a"s, 2) == removal::not_found);
  CAF_CHECK(index.remove("a\0b"s, 2) == removal::prefix_gone);
  CAF_CHECK_EQUAL(index.size(), 3u);
}

template <class Index>
void remove_results() {
  Index index;
  CAF_CHECK(index.remove("x", 1) == removal::not_found);
  index.add("x", 1);
  index.add("x", 1);
  index.add("x", 2);
  CAF_CHECK(index.remove("x", 3) == removal::not_found);
  CAF_CHECK(index.remove("xy", 1) == removal::not_found);
  CAF_CHECK(index.remove("", 1) == removal::not_found);
  CAF_CHECK(index.remove("x", 1) == removal::still_subscribed);
  CAF_CHECK(index.remove("x", 1) == removal::subscriber_gone);
  CAF_CHECK(index.remove("x", 1) == removal::not_found);
  CAF_CHECK(index.remove("x", 2) == removal::prefix_gone);
  CAF_CHECK(index.remove("x", 2) == removal::not_found);
  // An inner node of a longer prefix is no prefix of its own.
  index.add("abc", 1);
  CAF_CHECK(index.remove("ab", 1) == removal::not_found);
  CAF_CHECK_EQUAL(index.size(), 1u);
}

template <class Index>
void remove_all_reports_gone_prefixes() {
  Index index;
  index.add("a", 1);
  index.add("a", 1);
  index.add("ab", 1);
  index.add("abc", 1);
  index.add("b", 1);
  index.add("b", 2);
  index.add("abc", 3);
  strings gone{"earlier"};
  index.remove_all(1, gone);
  CAF_CHECK_EQUAL(gone, (strings{"earlier", "a", "ab"}));
  CAF_CHECK_EQUAL(index.prefixes(), (strings{"abc", "b"}));
  CAF_CHECK_EQUAL(index.prefixes_of(1), 0u);
  CAF_CHECK_EQUAL(match(index, "abcd"), (ids{3}));
  CAF_CHECK_EQUAL(match(index, "b"), (ids{2}));
  gone.clear();
  index.remove_all(1, gone); // nothing left
  CAF_CHECK_EQUAL(gone, strings{});
  index.remove_all(3, gone);
  index.remove_all(2, gone);
  CAF_CHECK_EQUAL(gone, (strings{"abc", "b"}));
  CAF_CHECK_EQUAL(index.size(), 0u);
  CAF_CHECK(!index.matches("abc"));
  // Usable again afterwards.
  CAF_CHECK(index.add("ab", 4));
  CAF_CHECK_EQUAL(match(index, "abc"), (ids{4}));
}

template <class Index>
void prefixes_of_size_and_prefixes() {
  Index index;
  CAF_CHECK_EQUAL(index.prefixes_of(1), 0u);
  index.add("b", 1);
  index.add("a", 1);
  index.add("a", 1);
  index.add("ab", 2);
  index.add("", 2);
  CAF_CHECK_EQUAL(index.prefixes_of(1), 2u);
  CAF_CHECK_EQUAL(index.prefixes_of(2), 2u);
  CAF_CHECK_EQUAL(index.prefixes_of(3), 0u);
  CAF_CHECK_EQUAL(index.size(), 4u);
  CAF_CHECK_EQUAL(index.prefixes(), (strings{"", "a", "ab", "b"}));
  index.remove("a", 1);
  CAF_CHECK_EQUAL(index.prefixes_of(1), 2u);
  index.remove("a", 1);
  CAF_CHECK_EQUAL(index.prefixes_of(1), 1u);
  CAF_CHECK_EQUAL(index.size(), 3u);
  CAF_CHECK_EQUAL(index.prefixes(), (strings{"", "ab", "b"}));
}

// -- randomized cross-check ---------------------------------------------------

// The naive model: prefix → subscriber → count.
using model = std::map<std::string, std::map<subscriber_id, size_t>>;

ids model_match(const model& m, std::string_view topic) {
  ids result;
  for (auto& [prefix, holders] : m)
    if (topic.substr(0, prefix.size()) == prefix)
      for (auto& kvp : holders)
        result.push_back(kvp.first);
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

size_t model_prefixes_of(const model& m, subscriber_id who) {
  size_t n = 0;
  for (auto& kvp : m)
    n += kvp.second.count(who);
  return n;
}

template <class Index>
void cross_check(uint32_t seed) {
  std::mt19937 rng{seed};
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>{0, n - 1}(rng);
  };
  // Short strings over a small alphabet (with \0) overlap a lot.
  auto random_string = [&](size_t max_len) {
    static constexpr char alphabet[] = {'a', 'b', '\0', '\xff'};
    std::string s(pick(max_len + 1), ' ');
    for (auto& c : s)
      c = alphabet[pick(sizeof(alphabet))];
    return s;
  };
  Index index;
  model m;
  ids out;
  strings gone;
  size_t mismatches = 0;
  auto expect = [&](bool ok) {
    if (!ok)
      ++mismatches;
  };
  for (int op = 0; op < 5000; ++op) {
    subscriber_id who = 1 + pick(12);
    switch (pick(10)) {
      case 0:
      case 1:
      case 2:
      case 3: { // add
        auto prefix = random_string(4);
        bool fresh = m.count(prefix) == 0;
        ++m[prefix][who];
        expect(index.add(prefix, who) == fresh);
        break;
      }
      case 4:
      case 5:
      case 6: { // remove
        auto prefix = random_string(4);
        auto want = removal::not_found;
        if (auto i = m.find(prefix); i != m.end()) {
          if (auto j = i->second.find(who); j != i->second.end()) {
            if (--j->second > 0) {
              want = removal::still_subscribed;
            } else {
              i->second.erase(j);
              want = removal::subscriber_gone;
              if (i->second.empty()) {
                m.erase(i);
                want = removal::prefix_gone;
              }
            }
          }
        }
        expect(index.remove(prefix, who) == want);
        break;
      }
      case 7: { // remove_all
        strings want;
        for (auto i = m.begin(); i != m.end();) {
          i->second.erase(who);
          if (i->second.empty()) {
            want.push_back(i->first);
            i = m.erase(i);
          } else {
            ++i;
          }
        }
        gone.clear();
        index.remove_all(who, gone);
        expect(gone == want);
        break;
      }
      default: { // match
        auto topic = random_string(6);
        index.match(topic, out);
        auto want = model_match(m, topic);
        expect(out == want);
        expect(index.matches(topic) == !want.empty());
      }
    }
    expect(index.size() == m.size());
    expect(index.prefixes_of(who) == model_prefixes_of(m, who));
    if (op % 100 == 0) {
      strings want;
      for (auto& kvp : m)
        want.push_back(kvp.first);
      expect(index.prefixes() == want);
    }
  }
  CAF_CHECK_EQUAL(mismatches, 0u);
}

template <class Index>
void all_cases() {
  counted_subscriptions<Index>();
  empty_prefix<Index>();
  overlapping_prefixes<Index>();
  binary_prefixes<Index>();
  remove_results<Index>();
  remove_all_reports_gone_prefixes<Index>();
  prefixes_of_size_and_prefixes<Index>();
}

} // namespace

// -- suites -------------------------------------------------------------------

CAF_TEST(prefix trie) {
  all_cases<prefix_trie>();
}

CAF_TEST(prefix trie compresses paths) {
  // A prefix costs at most two nodes however long it is: a peer's huge
  // prefix cannot make the index hold a node per byte.
  prefix_trie index;
  std::string huge(1 << 20, 'x');
  index.add(huge, 1);
  CAF_CHECK_EQUAL(index.nodes_in_use(), 2u); // root + one leaf
  huge.back() = 'y';
  index.add(huge, 2); // splits the edge one byte before the end
  CAF_CHECK_EQUAL(index.nodes_in_use(), 4u);
  index.add("ABCD", 3);
  index.add("ABXY", 3);
  index.add("AB", 4);
  CAF_CHECK_EQUAL(index.nodes_in_use(), 7u); // + "AB", "CD", "XY"
  std::vector<subscriber_id> out;
  index.match("ABXYZ", out);
  CAF_CHECK_EQUAL(out, (std::vector<subscriber_id>{3, 4}));
  index.match("ABC", out);
  CAF_CHECK_EQUAL(out, (std::vector<subscriber_id>{4}));
  index.match(huge + "tail", out);
  CAF_CHECK_EQUAL(out, (std::vector<subscriber_id>{2}));
  index.match(huge.substr(0, 1000), out);
  CAF_CHECK(out.empty());
  // Removing "AB" and "ABCD" merges "XY" back into one edge "ABXY".
  index.remove("AB", 4);
  index.remove("ABCD", 3);
  CAF_CHECK_EQUAL(index.nodes_in_use(), 5u); // root, split, x, y, "ABXY"
  index.match("ABXY", out);
  CAF_CHECK_EQUAL(out, (std::vector<subscriber_id>{3}));
  std::vector<std::string> gone;
  index.remove_all(1, gone);
  index.remove_all(2, gone);
  index.remove_all(3, gone);
  CAF_CHECK_EQUAL(gone.size(), 3u);
  CAF_CHECK_EQUAL(index.nodes_in_use(), 1u);
  CAF_CHECK_EQUAL(index.size(), 0u);
}

CAF_TEST(prefix trie agrees with a naive model) {
  for (uint32_t seed : {1u, 2u, 3u})
    cross_check<prefix_trie>(seed);
}
