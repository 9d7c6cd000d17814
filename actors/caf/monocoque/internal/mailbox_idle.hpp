#pragma once

namespace caf::monocoque::detail {

/// Returns whether no message waits in `self`'s mailbox, whether it is
/// running (its inbox then reads "empty") or idle (its inbox is marked
/// "blocked", waiting for the next message, which `empty()` does not count
/// as empty). Only for the thread that runs `self`.
template <class Actor>
bool mailbox_idle(Actor& self) {
  auto& mb = self.mailbox();
  return mb.blocked() ? mb.queue().empty() : mb.empty();
}

} // namespace caf::monocoque::detail
