#pragma once

#include "caf/monocoque/internal/event_interest.hpp"
#include "caf/monocoque/socket_event.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/system_messages.hpp>

#include <vector>

namespace caf::monocoque::detail {

/// The event subscribers of one socket (`monitor_atom`): who gets which
/// kinds. The socket monitors each subscriber (its death unsubscribes it)
/// and checks `wants` before it builds an event, so without subscribers
/// events cost one bit test. Every subscriber gets `monitor_stopped` as its
/// last event: on `unsubscribe`, or when this set is destroyed with the
/// socket.
class event_monitors {
public:
  event_monitors();

  event_monitors(const event_monitors&) = delete;

  event_monitors& operator=(const event_monitors&) = delete;

  /// Sends `monitor_stopped` to every subscriber left (best effort).
  ~event_monitors();

  // -- properties -------------------------------------------------------------

  /// Returns whether some subscriber wants events of kind `x`.
  bool wants(socket_event_type x) const noexcept {
    return (mask_ & bit(x)) != 0;
  }

  /// Returns whether the socket has any subscriber with a non-empty mask.
  bool any() const noexcept {
    return mask_ != 0;
  }

  /// Returns the union of the subscribers' masks, shared with the socket's
  /// connections and listeners.
  const event_interest& interest() const noexcept {
    return interest_;
  }

  // -- subscriptions ----------------------------------------------------------

  /// Subscribes `hdl` with `mask`, or replaces its mask; monitors it.
  void subscribe(local_actor* self, actor hdl, socket_event_mask mask);

  /// Unsubscribes `hdl`, which gets `monitor_stopped`. Returns false if it
  /// was no subscriber.
  bool unsubscribe(local_actor* self, const actor& hdl);

  /// Drops a subscriber that died. Returns whether `dm` named one.
  bool on_down(const down_msg& dm);

  // -- emission ---------------------------------------------------------------

  /// Sends `(event_atom, ev)` to every subscriber whose mask has its kind.
  void emit(local_actor* self, socket_event ev);

private:
  struct subscriber {
    actor hdl;
    socket_event_mask mask;
  };

  void update();

  std::vector<subscriber> subs_;
  socket_event_mask mask_ = 0;
  event_interest interest_;
};

} // namespace caf::monocoque::detail
