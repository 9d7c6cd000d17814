#pragma once

#include "caf/monocoque/socket_event.hpp"

#include <atomic>
#include <memory>

namespace caf::monocoque::detail {

/// The event kinds some subscriber of a socket wants, shared by the socket
/// (which writes it) with its connection and listener actors (which read it
/// on their rings): they report a lifecycle fact only while it is non-zero,
/// so a socket without subscribers costs no message and no string.
using event_interest = std::shared_ptr<std::atomic<socket_event_mask>>;

/// Returns whether any subscriber of `x` wants any event.
inline bool any_interest(const event_interest& x) noexcept {
  return x && x->load(std::memory_order_relaxed) != 0;
}

} // namespace caf::monocoque::detail
