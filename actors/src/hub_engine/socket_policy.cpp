// The default policy hooks: a DEALER.
#include "caf/monocoque/internal/socket_policy.hpp"

#include "caf/monocoque/errc.hpp"

namespace caf::monocoque::detail {

socket_policy::~socket_policy() = default;

bool socket_policy::sends() const noexcept {
  return true;
}

bool socket_policy::receives() const noexcept {
  return true;
}

bool socket_policy::load_balances() const noexcept {
  return true;
}

bool socket_policy::batches() const noexcept {
  return true;
}

bool socket_policy::admit(policy_context&, const peer&) {
  return true;
}

void socket_policy::on_gone(policy_context&, const peer&) {
  // nop
}

error socket_policy::prepare(policy_context&, multipart&) {
  return none;
}

route socket_policy::pick(policy_context&, multipart&) {
  return {route::drop, nullptr, {}};
}

void socket_policy::on_dispatched(const engine_view&, const peer&) {
  // nop
}

error socket_policy::can_recv() const {
  return none;
}

bool socket_policy::can_take() const {
  return true;
}

arrival socket_policy::on_arrival(const engine_view&, const peer&,
                                  multipart&) {
  return arrival::deliver;
}

bool socket_policy::on_take(const engine_view&, const peer&, uint64_t,
                            multipart&) {
  return true;
}

error socket_policy::subscribe(policy_context&, bool, std::string) {
  return make_error(errc::invalid_operation,
                    std::string{::monocoque::zmtp::wire_name(type())}
                      + " sockets cannot subscribe");
}

uint64_t socket_policy::subscriptions_of(const engine_view&,
                                         const peer&) const {
  return 0;
}

} // namespace caf::monocoque::detail
