// ROUTER (RFC 28): fair-queue in with the routing id prepended; route out by
// the first frame. Ids come from `connect_routing_id`, the peer's Identity,
// or are generated like libzmq's (00 + a 32-bit counter from a random start).
#include "caf/monocoque/router_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/policy_context.hpp"

#include <random>
#include <string>
#include <unordered_map>

namespace caf::monocoque {

namespace {

using detail::engine_view;
using detail::peer;
using detail::policy_context;
using detail::route;

class router_policy : public detail::socket_policy {
public:
  router_policy() : next_id_(std::random_device{}()) {
    // nop
  }

  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::router;
  }

  bool load_balances() const noexcept override {
    return false;
  }

  bool admit(policy_context& ctx, const peer& p) override {
    auto id = !p.routing_id.empty()      ? p.routing_id
              : !p.info.identity.empty() ? p.info.identity
                                         : generate_id();
    if (auto i = ids_.find(id); i != ids_.end()) {
      if (auto* old = ctx.find(i->second); old != nullptr && old != &p) {
        if (!ctx.opts().router_handover)
          return false; // the first owner of an id keeps it
        // Handover: the new connection takes the id; the old one closes
        // and its late down_msg finds nothing of it in the routing table.
        ctx.retire(*old);
      }
    }
    ctx.set_routing_id(p, id);
    ids_[id] = ctx.ref(p);
    return true;
  }

  void on_gone(policy_context& ctx, const peer& p) override {
    auto i = ids_.find(p.routing_id);
    if (i != ids_.end() && i->second == ctx.ref(p))
      ids_.erase(i);
  }

  error prepare(policy_context&, multipart& msg) override {
    if (msg.size() < 2)
      return make_error(errc::invalid_operation,
                        "a ROUTER message starts with a routing id frame");
    return none;
  }

  route pick(policy_context& ctx, multipart& msg) override {
    auto mandatory = ctx.opts().router_mandatory;
    auto i = ids_.find(msg.front().to_string());
    auto* p = i != ids_.end() ? ctx.find(i->second) : nullptr;
    if (p == nullptr) {
      if (mandatory)
        return {route::fail, nullptr,
                make_error(errc::host_unreachable,
                           "no peer with routing id "
                             + msg.front().to_string())};
      return {route::drop, nullptr, {}};
    }
    if (!ctx.has_room(*p))
      return {mandatory ? route::wait : route::drop, p, {}};
    msg.erase(msg.begin());
    return {route::to_peer, p, {}};
  }

  bool on_take(const engine_view&, const peer& p, uint64_t,
               multipart& msg) override {
    msg.insert(msg.begin(), p.id_frame);
    return true;
  }

private:
  std::string generate_id() {
    auto n = next_id_++;
    std::string id(5, '\0');
    for (int i = 0; i < 4; ++i)
      id[1 + i] = static_cast<char>((n >> (24 - 8 * i)) & 0xFF);
    return id;
  }

  uint32_t next_id_;
  std::unordered_map<std::string, detail::peer_ref> ids_;
};

} // namespace

router_actor spawn_router(actor_system& sys) {
  return spawn_router(sys, detail::default_socket_options(sys));
}

router_actor spawn_router(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<router_policy>(),
                           std::move(opts));
}

} // namespace caf::monocoque
