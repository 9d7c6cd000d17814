#pragma once

#include "caf/monocoque/internal/uring_multiplexer.hpp"

#include <caf/actor_config.hpp>
#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <utility>

namespace caf::monocoque::detail {

/// Pins an event-based actor to one ring: whoever sends to it, the actor is
/// scheduled on the ring's thread (the way `io::abstract_broker` pins itself
/// to its multiplexer), so its handlers may submit io_uring operations and a
/// completion resumes it without a thread hop. `Base` is an event-based actor
/// class such as `typed_actor<...>::base`.
template <class Base>
class ring_actor : public Base {
public:
  /// Creates the actor; `cfg.host` must be `mpx`.
  ring_actor(actor_config& cfg, uring_multiplexer* mpx)
    : Base(cfg), mpx_(mpx) {
    // nop
  }

  using Base::enqueue;

  void enqueue(mailbox_element_ptr ptr, execution_unit*) override {
    uring_multiplexer::pinned_scope pinned{static_cast<resumable*>(this)};
    Base::enqueue(std::move(ptr), mpx_);
  }

  void launch(execution_unit*, bool lazy, bool hide) override {
    uring_multiplexer::pinned_scope pinned{static_cast<resumable*>(this)};
    Base::launch(mpx_, lazy, hide);
  }

  /// Returns the ring this actor runs on.
  uring_multiplexer& mpx() const noexcept {
    return *mpx_;
  }

private:
  uring_multiplexer* mpx_;
};

/// Spawns `Impl` (a `ring_actor` subclass whose constructor takes
/// `(actor_config&, uring_multiplexer*, Ts...)`) pinned to `mpx`.
template <class Impl, class... Ts>
auto spawn_on_ring(actor_system& sys, uring_multiplexer* mpx, Ts&&... xs) {
  actor_config cfg{mpx};
  return sys.spawn_class<Impl, no_spawn_options>(cfg, mpx,
                                                 std::forward<Ts>(xs)...);
}

} // namespace caf::monocoque::detail
