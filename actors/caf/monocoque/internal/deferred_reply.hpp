#pragma once

#include "caf/monocoque/errc.hpp"

#include <caf/actor_control_block.hpp>
#include <caf/execution_unit.hpp>
#include <caf/local_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>

#include <utility>

namespace caf::monocoque::detail {

/// A reply an actor owes and gives later. Unlike CAF 0.17's
/// `response_promise`, it holds no reference to the replying actor, so an
/// actor that parks requests in its state can still become unreachable and
/// terminate. If it is destroyed undelivered, the requester gets
/// `errc::socket_closed` instead of waiting forever.
class deferred_reply {
public:
  /// Owes nothing to anybody: `deliver` does nothing (a one-way send).
  deferred_reply() = default;

  /// Captures the message `self` is currently handling (as CAF does, the
  /// reply to an asynchronous message reaches its sender as a message).
  explicit deferred_reply(local_actor* self)
    : source_(self->current_sender()),
      id_(self->current_message_id().response_id()) {
    // nop
  }

  deferred_reply(deferred_reply&& other) noexcept
    : source_(std::move(other.source_)), id_(other.id_) {
    other.source_ = nullptr;
  }

  deferred_reply& operator=(deferred_reply&& other) noexcept {
    if (this != &other) {
      fail_if_pending();
      source_ = std::move(other.source_);
      id_ = other.id_;
      other.source_ = nullptr;
    }
    return *this;
  }

  ~deferred_reply() {
    fail_if_pending();
  }

  /// Sends the reply `xs...` as `self`.
  template <class... Ts>
  void deliver(local_actor* self, Ts&&... xs) {
    if (!source_)
      return;
    source_->enqueue(self->ctrl(), id_,
                     caf::make_message(std::forward<Ts>(xs)...), self->context());
    source_ = nullptr;
  }

private:
  void fail_if_pending() {
    if (!source_)
      return;
    source_->enqueue(nullptr, id_,
                     caf::make_message(make_error(errc::socket_closed,
                                             "the socket went away")),
                     nullptr);
    source_ = nullptr;
  }

  strong_actor_ptr source_;
  message_id id_;
};

} // namespace caf::monocoque::detail
