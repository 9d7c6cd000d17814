#pragma once

#include "caf/monocoque/internal/engine_view.hpp"

#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque::detail {

/// What a policy hook may do besides reading: hand messages to peers in
/// this burst and name them. Changes to the engine itself (closing another
/// peer, dropping what was received) are requests: the engine carries them
/// out once the hook returned (`apply_requests`), so no hook pulls a peer
/// or a queue from under the engine while it is using it.
class policy_context : public engine_view {
public:
  /// Acts on the engine whose state is `st`.
  explicit policy_context(hub_state& st) noexcept : engine_view(st) {
    // nop
  }

  // -- sending ----------------------------------------------------------------

  /// Queues `msg` for `p` in this burst (counted against its SNDHWM; the
  /// caller checks `has_room` unless the message must not be dropped).
  void hand_to(const peer& p, multipart msg) {
    detail::hand_to(*st_, st_->table().mut(p), std::move(msg));
  }

  /// Adds `msg` to this burst's shared messages and returns its index.
  uint32_t share(multipart msg) {
    return detail::share(*st_, std::move(msg));
  }

  /// Hands shared message `index` (of `bytes` payload bytes) to `p`.
  void hand_shared(const peer& p, uint32_t index, uint64_t bytes) {
    detail::hand_shared(*st_, st_->table().mut(p), index, bytes);
  }

  /// Counts a message `p` had no room for.
  void drop(const peer& p) {
    ++st_->table().mut(p).drops;
  }

  /// Queues a message the socket made itself (XPUB: the cancels of a gone
  /// subscriber) for the application, in `p`'s inbox.
  void deliver_local(const peer& p, multipart msg) {
    detail::deliver_local(*st_, st_->table().mut(p), std::move(msg));
  }

  // -- naming -----------------------------------------------------------------

  /// Gives `p` its routing id (ROUTER prepends it to what `p` sends).
  void set_routing_id(const peer& p, std::string id);

  // -- requests, carried out after the hook -----------------------------------

  /// Closes `other` at once and makes it no longer current (ROUTER
  /// handover: a new peer takes its routing id).
  void retire(const peer& other) {
    retiring_.push_back(ref(other));
  }

  /// Drops every received message not taken yet, returning its credit
  /// (REQ: a new request makes every earlier reply stale).
  void discard_received() noexcept {
    discarding_ = true;
  }

  /// Returns whether the hook asked for anything.
  bool has_requests() const noexcept {
    return discarding_ || !retiring_.empty();
  }

private:
  friend void apply_requests(hub_self self, policy_context& ctx);

  std::vector<peer_ref> retiring_;
  bool discarding_ = false;
};

} // namespace caf::monocoque::detail
