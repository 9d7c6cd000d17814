#pragma once

// The PubSubHub's subscription index: which subscriber wants which topic
// prefixes. The library has one implementation, a byte trie
// (prefix_trie.hpp); `bench/bench_index.cpp` measures it against a sorted
// prefix table with the same interface, which lives in bench/ only (see
// docs/performance.md).

#include <cstdint>

namespace caf::monocoque::detail {

/// Who holds a subscription. PUB/XPUB use the subscriber's peer slot and
/// the epoch of its connection incarnation in one id (`slot << 40 | epoch`,
/// see pub_xpub_policy.cpp): a match finds the peer without a lookup, and a
/// gone incarnation's subscriptions can never be mistaken for its
/// successor's. SUB/XSUB keep their own subscriptions under one fixed id.
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

/// Byte trie; see prefix_trie.hpp.
class prefix_trie;

/// The index the PubSubHub uses (faster than bench/'s sorted prefix table).
using subscription_index = prefix_trie;

} // namespace caf::monocoque::detail

// The implementation uses the names above, so it comes after them (it
// includes this header first, which makes any include order work).
#include "caf/monocoque/internal/prefix_trie.hpp"
