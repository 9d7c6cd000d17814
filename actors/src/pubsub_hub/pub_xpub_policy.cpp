// PUB and XPUB (RFC 29), the PubSubHub's publishing side: each message goes
// to every subscriber whose prefix matches, once, as refcounted frames; a
// subscriber at SNDHWM loses it (XPUB with `xpub_nodrop`: the send waits).
// Subscriptions arrive from the connections as `\x01prefix` / `\x00prefix`
// messages (monocoque/zmtp/subscription.hpp) and update the subscription
// index; XPUB hands them on.
#include "caf/monocoque/pub_actor.hpp"
#include "caf/monocoque/xpub_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/policy_context.hpp"
#include "caf/monocoque/internal/subscription_index.hpp"

#include "monocoque/zmtp/message.hpp"
#include "monocoque/zmtp/subscription.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace caf::monocoque {

namespace {

using detail::arrival;
using detail::deliver_if;
using detail::engine_view;
using detail::peer;
using detail::policy_context;
using detail::route;
using detail::subscriber_id;
namespace zmtp = ::monocoque::zmtp;

// Slot and epoch in one id: a match finds the record without a hash lookup,
// and the epoch check makes a gone incarnation's id match nothing.
constexpr int epoch_bits = 40;
constexpr uint64_t epoch_mask = (uint64_t{1} << epoch_bits) - 1;

subscriber_id subscriber_of(const engine_view& eng, const peer& p) {
  auto r = eng.ref(p);
  return (uint64_t{r.slot} << epoch_bits) | (r.epoch & epoch_mask);
}

const peer* peer_of(const engine_view& eng, subscriber_id id) {
  auto slot = static_cast<uint32_t>(id >> epoch_bits);
  auto* p = eng.find({slot, id & epoch_mask});
  return p != nullptr && p->up && p->alive() ? p : nullptr;
}

class publisher_policy : public detail::socket_policy {
public:
  explicit publisher_policy(bool xpub) : xpub_(xpub) {
    // nop
  }

  ::monocoque::zmtp::socket_type type() const noexcept override {
    return xpub_ ? ::monocoque::zmtp::socket_type::xpub
                 : ::monocoque::zmtp::socket_type::pub;
  }

  bool receives() const noexcept override {
    return xpub_;
  }

  bool load_balances() const noexcept override {
    return false;
  }

  bool admit(policy_context& ctx, const peer& p) override {
    const auto& welcome = ctx.opts().xpub_welcome_msg;
    if (xpub_ && !welcome.empty())
      ctx.hand_to(p, make_message({welcome}));
    return true;
  }

  void on_gone(policy_context& ctx, const peer& p) override {
    auto id = subscriber_of(ctx, p);
    gone_.clear();
    index_.remove_all(id, gone_);
    held_.erase(id);
    if (!xpub_)
      return;
    // RFC 29: a subscriber that goes away cancels what only it wanted.
    for (const auto& prefix : gone_)
      ctx.deliver_local(p, zmtp::subscription_message(false, prefix));
  }

  arrival on_arrival(const engine_view& eng, const peer& p,
                     multipart& msg) override {
    auto sub = zmtp::as_subscription(msg);
    if (!sub)
      return deliver_if(xpub_); // PUB discards what subscribers send (RFC 29)
    if (p.closing)
      return arrival::discard; // e.g. dropped for its subscriptions
    auto id = subscriber_of(eng, p);
    auto prefix = sub->topic.as_string_view();
    const auto& opts = eng.opts();
    if (sub->subscribe) {
      // One subscription per subscriber and prefix, as libzmq keeps them:
      // subscribers count their own (a libzmq SUB sends every subscribe
      // but only the last cancel), so counting here too would keep a
      // prefix that SUB subscribed twice alive forever. The probe keeps
      // the index at one per subscriber.
      auto held = index_.remove(prefix, id) != detail::removal::not_found;
      if (!held && !charge(eng, p, prefix.size()))
        return arrival::refuse;
      auto first = index_.add(prefix, id) && !held;
      return deliver_if(xpub_ && (first || opts.xpub_verbose));
    }
    // As libzmq: a cancel is news unless others still want the prefix.
    auto res = index_.remove(prefix, id);
    if (res == detail::removal::subscriber_gone
        || res == detail::removal::prefix_gone)
      held_[id] -= detail::subscription_index::cost_of(prefix.size());
    auto news = res == detail::removal::prefix_gone
                || res == detail::removal::not_found;
    return deliver_if(xpub_ && (news || opts.xpub_verbose_unsubscribe));
  }

  route pick(policy_context& ctx, multipart& msg) override {
    index_.match(zmtp::topic_of(msg), matched_);
    if (xpub_ && ctx.opts().xpub_nodrop) {
      for (auto id : matched_)
        if (auto* p = peer_of(ctx, id); p && !ctx.has_room(*p))
          return {route::wait, nullptr, {}};
    }
    if (matched_.empty())
      return {route::sent, nullptr, {}}; // nobody wants it
    // One copy of the message per burst, shared by every connection it
    // goes to (each gets indices): no copy per subscriber.
    auto bytes = ::monocoque::zmtp::payload_size(msg);
    auto index = ctx.share(std::move(msg));
    for (auto id : matched_) {
      auto* p = peer_of(ctx, id);
      if (p == nullptr)
        continue;
      if (ctx.has_room(*p))
        ctx.hand_shared(*p, index, bytes);
      else
        ctx.drop(*p);
    }
    return {route::sent, nullptr, {}};
  }

  uint64_t subscriptions_of(const engine_view& eng,
                            const peer& p) const override {
    return index_.prefixes_of(subscriber_of(eng, p));
  }

private:
  // Charges a new prefix to `p`; false when it would pass the limit.
  bool charge(const engine_view& eng, const peer& p, size_t prefix_size) {
    auto cost = detail::subscription_index::cost_of(prefix_size);
    auto limit = eng.opts().max_subscription_bytes;
    auto& held = held_[subscriber_of(eng, p)];
    if (limit > 0 && held + cost > limit) {
      detail::log::actors()->warn(
        "{}: peer {} epoch {} passed max_subscription_bytes ({} bytes "
        "held, {} more asked): dropped",
        xpub_ ? "XPUB" : "PUB", p.key, p.epoch, held, cost);
      return false;
    }
    held += cost;
    return true;
  }

  bool xpub_;
  detail::subscription_index index_;
  std::vector<subscriber_id> matched_; // scratch of `pick`
  std::vector<std::string> gone_;      // scratch of `on_gone`
  std::unordered_map<subscriber_id, uint64_t> held_; // index bytes charged
};

} // namespace

pub_actor spawn_pub(actor_system& sys) {
  return spawn_pub(sys, detail::default_socket_options(sys));
}

pub_actor spawn_pub(actor_system& sys, socket_options opts) {
  return detail::spawn_pubsub_hub(sys, std::make_unique<publisher_policy>(false),
                           std::move(opts));
}

xpub_actor spawn_xpub(actor_system& sys) {
  return spawn_xpub(sys, detail::default_socket_options(sys));
}

xpub_actor spawn_xpub(actor_system& sys, socket_options opts) {
  return detail::spawn_pubsub_hub(sys, std::make_unique<publisher_policy>(true),
                           std::move(opts));
}

} // namespace caf::monocoque
