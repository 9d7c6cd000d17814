#pragma once

#include "caf/monocoque/internal/hub_engine.hpp"

#include <cstddef>

namespace caf::monocoque::detail {

/// What a policy hook may read of the engine: the options, the peers that
/// are up and whether one has room. It changes nothing (hooks that only
/// read get a `const engine_view&`).
class engine_view {
public:
  /// Views the engine whose state is `st`.
  explicit engine_view(hub_state& st) noexcept : st_(&st) {
    // nop
  }

  // -- options ----------------------------------------------------------------

  /// Returns the socket options.
  const socket_options& opts() const {
    return st_->opts();
  }

  // -- peers ------------------------------------------------------------------

  /// Returns the number of peers that are up.
  size_t peers_up() const noexcept {
    return st_->lb.size();
  }

  /// Returns the record `r` names, if it still exists (up or not).
  const peer* find(peer_ref r) const {
    return st_->get(r);
  }

  /// Returns a reference to `p` (stale once `p` is gone).
  peer_ref ref(const peer& p) const {
    return st_->ref(p);
  }

  /// Returns whether `p` can take one more message (up, below SNDHWM).
  bool has_room(const peer& p) const {
    return st_->has_room(p);
  }

  /// Calls `f(const peer&)` for every peer that is up.
  template <class F>
  void for_each_up(F&& f) const {
    for (auto r : st_->lb.peers())
      if (const auto* p = st_->get(r))
        f(*p);
  }

private:
  // The one subclass that acts on the engine; policies see neither.
  friend class policy_context;

  hub_state* st_;
};

} // namespace caf::monocoque::detail
