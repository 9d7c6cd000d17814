// PUSH and PULL (RFC 30): PUSH load-balances and never receives; PULL
// fair-queues and never sends.
#include "caf/monocoque/pull_actor.hpp"
#include "caf/monocoque/push_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"

namespace caf::monocoque {

namespace {

class push_policy : public detail::socket_policy {
public:
  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::push;
  }
  bool receives() const noexcept override {
    return false;
  }
};

class pull_policy : public detail::socket_policy {
public:
  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::pull;
  }
  bool sends() const noexcept override {
    return false;
  }
};

} // namespace

push_actor spawn_push(actor_system& sys) {
  return spawn_push(sys, detail::default_socket_options(sys));
}

push_actor spawn_push(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<push_policy>(),
                           std::move(opts));
}

pull_actor spawn_pull(actor_system& sys) {
  return spawn_pull(sys, detail::default_socket_options(sys));
}

pull_actor spawn_pull(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<pull_policy>(),
                           std::move(opts));
}

} // namespace caf::monocoque
