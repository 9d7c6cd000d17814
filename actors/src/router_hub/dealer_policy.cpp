// DEALER (RFC 28): the engine's defaults, load-balance out, fair-queue in.
#include "caf/monocoque/dealer_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"

namespace caf::monocoque {

namespace {

class dealer_policy : public detail::socket_policy {
public:
  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::dealer;
  }
};

} // namespace

dealer_actor spawn_dealer(actor_system& sys) {
  return spawn_dealer(sys, detail::default_socket_options(sys));
}

dealer_actor spawn_dealer(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<dealer_policy>(),
                           std::move(opts));
}

} // namespace caf::monocoque
