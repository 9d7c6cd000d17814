#pragma once

namespace caf::monocoque::detail {

/// Returns whether no message waits in `self`'s mailbox, whether it is
/// running (its inbox then reads "empty") or idle (its inbox is marked
/// "blocked", waiting for the next message, which `empty()` does not count
/// as empty). Only for the thread that runs `self`.
template <class Actor>
bool mailbox_idle(Actor& self) {
  auto& mb = self.mailbox();
  if (mb.closed()) // the actor is gone
    return false;
  return mb.blocked() ? mb.queue().empty() : mb.empty();
}

/// Returns whether `self` may be called directly by the data path now: it
/// is idle (not running: its inbox reads "blocked") and nothing waits in its
/// mailbox. A running actor, or one with queued messages, is sent a message
/// instead. Only for the thread that runs `self`.
template <class Actor>
bool idle_for_direct_call(Actor& self) {
  auto& mb = self.mailbox();
  return mb.blocked() && mb.queue().empty();
}

} // namespace caf::monocoque::detail
