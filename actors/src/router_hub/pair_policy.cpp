// PAIR (RFC 31): exactly one peer; a second one is refused while the first
// lives. Sends load-balance over that one peer (and wait for it).
#include "caf/monocoque/pair_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/policy_context.hpp"

namespace caf::monocoque {

namespace {

class pair_policy : public detail::socket_policy {
public:
  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::pair;
  }

  bool admit(detail::policy_context& ctx, const detail::peer&) override {
    return ctx.peers_up() == 0;
  }
};

} // namespace

pair_actor spawn_pair(actor_system& sys) {
  return spawn_pair(sys, detail::default_socket_options(sys));
}

pair_actor spawn_pair(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<pair_policy>(),
                           std::move(opts));
}

} // namespace caf::monocoque
