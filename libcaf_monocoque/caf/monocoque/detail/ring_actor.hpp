#pragma once

#include "caf/monocoque/detail/pinned_scope.hpp"

#include <caf/actor_config.hpp>
#include <caf/actor_system.hpp>
#include <caf/execution_unit.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <utility>

namespace caf::monocoque::detail {

// Forward declared only: the ring (internal/uring_multiplexer.hpp) carries
// liburing, which users of `spawn_on_ring` never need to parse.
class uring_multiplexer;

/// Returns `mpx` as the CAF execution unit it is. Defined out of line, where
/// `uring_multiplexer` is complete; called once per spawn.
execution_unit* ring_host(uring_multiplexer* mpx) noexcept;

/// Returns the ring that `host` is (`host` must be `ring_host(x)` for some
/// ring `x`). Defined out of line; called once per spawn.
uring_multiplexer* ring_of(execution_unit* host) noexcept;

/// Pins an event-based actor to one ring: whoever sends to it, the actor is
/// scheduled on the ring's thread (the way `io::abstract_broker` pins itself
/// to its multiplexer), so its handlers may submit io_uring operations and a
/// completion resumes it without a thread hop. `Base` is an event-based actor
/// class such as `typed_actor<...>::base`.
template <class Base>
class ring_actor : public Base {
public:
  /// Creates the actor; `cfg.host` must be `ring_host(mpx)`.
  ring_actor(actor_config& cfg, uring_multiplexer* mpx)
    : Base(cfg), host_(cfg.host), mpx_(mpx) {
    // nop
  }

  /// Creates the actor on the ring `cfg.host` (public `spawn_on_ring`: CAF's
  /// `spawn_class` cannot forward a pointer to an incomplete type).
  explicit ring_actor(actor_config& cfg) : ring_actor(cfg, ring_of(cfg.host)) {
    // nop
  }

  using Base::enqueue;

  void enqueue(mailbox_element_ptr ptr, execution_unit*) override {
    pinned_scope pinned{static_cast<resumable*>(this)};
    Base::enqueue(std::move(ptr), host_);
  }

  void launch(execution_unit*, bool lazy, bool hide) override {
    pinned_scope pinned{static_cast<resumable*>(this)};
    Base::launch(host_, lazy, hide);
  }

  /// Returns the ring this actor runs on (complete only where
  /// `internal/uring_multiplexer.hpp` is included).
  uring_multiplexer& mpx() const noexcept {
    return *mpx_;
  }

private:
  execution_unit* host_; // the ring as an execution unit
  uring_multiplexer* mpx_;
};

/// Spawns `Impl` (a `ring_actor` subclass whose constructor takes
/// `(actor_config&, uring_multiplexer*, Ts...)`) pinned to `mpx`.
template <class Impl, class... Ts>
auto spawn_on_ring(actor_system& sys, uring_multiplexer* mpx, Ts&&... xs) {
  actor_config cfg{ring_host(mpx)};
  return sys.spawn_class<Impl, no_spawn_options>(cfg, mpx,
                                                 std::forward<Ts>(xs)...);
}

} // namespace caf::monocoque::detail
