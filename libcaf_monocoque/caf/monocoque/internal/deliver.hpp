#pragma once

#include "caf/monocoque/internal/uring_multiplexer.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/make_message.hpp>
#include <caf/message_id.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <utility>

namespace caf::monocoque::detail {

/// Sends `xs...` to `target` from the ring thread if it is still alive, with
/// `mpx` as execution unit, so a pinned target runs in the same loop turn
/// without a wake-up. Completions hold only weak handles: an operation in
/// flight never keeps its actor alive (that would block system shutdown).
template <class... Ts>
void deliver(const weak_actor_ptr& target, uring_multiplexer& mpx,
             Ts&&... xs) {
  if (auto ptr = actor_cast<strong_actor_ptr>(target))
    ptr->enqueue(nullptr, make_message_id(),
                 caf::make_message(std::forward<Ts>(xs)...), &mpx);
}

} // namespace caf::monocoque::detail
