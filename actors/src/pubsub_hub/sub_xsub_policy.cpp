// SUB and XSUB (RFC 29), the PubSubHub's subscribing side: messages are
// fair-queued from the publishers and filtered by the socket's own
// subscriptions (a publisher need not filter); subscriptions go to every
// publisher and are replayed, each distinct prefix once, to every publisher
// that comes up later.
#include "caf/monocoque/sub_actor.hpp"
#include "caf/monocoque/xsub_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/policy_context.hpp"
#include "caf/monocoque/internal/subscription_index.hpp"

#include "monocoque/zmtp/subscription.hpp"

#include <string>

namespace caf::monocoque {

namespace {

using detail::arrival;
using detail::engine_view;
using detail::peer;
using detail::policy_context;
using detail::route;
namespace zmtp = ::monocoque::zmtp;

// The socket's own subscriptions, counted, under one subscriber id.
constexpr detail::subscriber_id self_id = 1;

class subscriber_policy : public detail::socket_policy {
public:
  explicit subscriber_policy(bool xsub) : xsub_(xsub) {
    // nop
  }

  ::monocoque::zmtp::socket_type type() const noexcept override {
    return xsub_ ? ::monocoque::zmtp::socket_type::xsub
                 : ::monocoque::zmtp::socket_type::sub;
  }

  bool sends() const noexcept override {
    return xsub_;
  }

  bool load_balances() const noexcept override {
    return false;
  }

  bool admit(policy_context& ctx, const peer& p) override {
    for (const auto& prefix : own_.prefixes())
      ctx.hand_to(p, zmtp::subscription_message(true, prefix));
    return true;
  }

  arrival on_arrival(const engine_view&, const peer&,
                     multipart& msg) override {
    return detail::deliver_if(!msg.empty()
                              && own_.matches(zmtp::topic_of(msg)));
  }

  // SUB: tells the publishers only what changes the set of prefixes (the
  // first subscribe and the last cancel), so publishers that count
  // subscriptions (RFC 29) and those that keep a set (libzmq) agree.
  error subscribe(policy_context& ctx, bool subscribe,
                  std::string prefix) override {
    if (xsub_)
      return detail::socket_policy::subscribe(ctx, subscribe, prefix);
    bool news = subscribe
                  ? own_.add(prefix, self_id)
                  : own_.remove(prefix, self_id) == detail::removal::prefix_gone;
    if (news)
      to_all(ctx, zmtp::subscription_message(subscribe, prefix), true);
    return none;
  }

  // XSUB: as libzmq, every subscribe goes upstream (a proxy's XPUB in
  // verbose mode relies on it) and a cancel only when the last
  // subscription of its prefix goes; other messages go to every publisher.
  route pick(policy_context& ctx, multipart& msg) override {
    auto sub = zmtp::as_subscription(msg);
    if (!sub) {
      to_all(ctx, msg, false);
    } else if (sub->subscribe) {
      own_.add(sub->topic.as_string_view(), self_id);
      to_all(ctx, msg, true);
    } else if (own_.remove(sub->topic.as_string_view(), self_id)
               == detail::removal::prefix_gone) {
      to_all(ctx, msg, true);
    }
    return {route::sent, nullptr, {}};
  }

private:
  // Subscriptions are never dropped (`force`); messages skip full peers.
  void to_all(policy_context& ctx, const multipart& msg, bool force) {
    ctx.for_each_up([&](const peer& p) {
      if (force || ctx.has_room(p))
        ctx.hand_to(p, msg);
      else
        ctx.drop(p);
    });
  }

  bool xsub_;
  detail::subscription_index own_;
};

} // namespace

sub_actor spawn_sub(actor_system& sys) {
  return spawn_sub(sys, detail::default_socket_options(sys));
}

sub_actor spawn_sub(actor_system& sys, socket_options opts) {
  return detail::spawn_pubsub_hub(sys, std::make_unique<subscriber_policy>(false),
                           std::move(opts));
}

xsub_actor spawn_xsub(actor_system& sys) {
  return spawn_xsub(sys, detail::default_socket_options(sys));
}

xsub_actor spawn_xsub(actor_system& sys, socket_options opts) {
  return detail::spawn_pubsub_hub(sys, std::make_unique<subscriber_policy>(true),
                           std::move(opts));
}

} // namespace caf::monocoque
