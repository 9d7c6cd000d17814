#pragma once

#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/module.hpp"

#include <caf/actor_system.hpp>
#include <caf/detail/init_fun_factory.hpp>
#include <caf/infer_handle.hpp>

#include <utility>

namespace caf::monocoque {

// -- ring placement (opt-in) --------------------------------------------------

/// Spawns the function-based actor `fun(self, xs...)` pinned to one of the
/// plugin's io_uring threads instead of CAF's scheduler: the zero-hop path.
/// A message from a connection reaches it without waking another thread,
/// and what it sends to a socket (hub engine) pinned to the same ring runs
/// in the same turn of the ring loop.
///
/// Only for handlers that never block and stay short: while such an actor
/// runs, every connection of its ring waits. The default (`spawn`) keeps
/// user actors on the scheduler, where a blocking handler stalls nothing but
/// itself. Without a running module it falls back to a normal `spawn`.
template <class F, class... Ts>
infer_handle_from_fun_t<F> spawn_on_ring(actor_system& sys, F fun,
                                         Ts&&... xs) {
  using impl = infer_impl_from_fun_t<F>;
  auto* mod = module::from(sys);
  auto* mpx = mod != nullptr && !mod->status() ? mod->next_ring() : nullptr;
  if (mpx == nullptr)
    return sys.spawn(std::move(fun), std::forward<Ts>(xs)...);
  actor_config cfg{detail::ring_host(mpx)};
  caf::detail::init_fun_factory<impl, F> fac;
  cfg.init_fun = fac(std::move(fun), std::forward<Ts>(xs)...);
  return sys.spawn_class<detail::ring_actor<impl>, no_spawn_options>(cfg);
}

} // namespace caf::monocoque
