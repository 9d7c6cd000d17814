#include "caf/monocoque/module.hpp"

#include "caf/monocoque/internal/inproc_registry.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/errc.hpp"

#include <caf/actor_system_config.hpp>

namespace caf::monocoque {

namespace {

std::string render_errc(uint8_t code, atom_value, const message& ctx) {
  auto result = "monocoque: " + to_string(static_cast<errc>(code));
  if (ctx.match_elements<std::string>())
    result += " (" + ctx.get_as<std::string>(0) + ")";
  else if (!ctx.empty())
    result += " " + to_string(ctx);
  return result;
}

} // namespace

module::module(actor_system& sys)
  : sys_(sys), inproc_(std::make_unique<detail::inproc_registry>()) {
  // nop
}

module::~module() {
  stop();
}

actor_system::module* module::make(actor_system& sys,
                                   caf::detail::type_list<>) {
  return new module(sys);
}

module* module::from(actor_system& sys) noexcept {
  if (!sys.has_network_manager())
    return nullptr;
  return reinterpret_cast<module*>(&sys.network_manager());
}

void module::init(actor_system_config& cfg) {
  opts_ = options::read(cfg);
  cfg.add_error_category(errc_category, render_errc);
  // CAF's scheduler threads poll 100 times, then 500 more times with a
  // 50 us sleep in between, before they wait on a condition variable. A
  // message from a ring thread to an idle scheduler then waits up to 50 us
  // for its worker to look again: the moderate phase is most of a round
  // trip here. Without it, an idle worker waits on its condition variable
  // and the enqueue wakes it at once (measured in docs/performance.md).
  // The scheduler starts after every module's init, so this still counts;
  // a value the user set wins.
  // The actor system's threads wake rings with MSG_RING (see
  // `wake_source_hook`); hooks are installed before any thread starts.
  if (opts_.wake != "eventfd")
    cfg.add_thread_hook<detail::wake_source_hook>();
  constexpr const char* moderate = "work-stealing.moderate-poll-attempts";
  if (opts_.tune_scheduler && !holds_alternative<size_t>(cfg, moderate))
    put(cfg.content, moderate, size_t{0});
}

void module::start() {
  for (size_t i = 0; i < opts_.io_threads; ++i) {
    auto ring = std::make_unique<detail::uring_multiplexer>(sys_, opts_, i);
    if (auto err = ring->start()) {
      status_ = std::move(err);
      detail::log::uring()->error("cannot start the io_uring backend: {}",
                                  to_string(status_));
      stop();
      return;
    }
    rings_.push_back(std::move(ring));
  }
}

void module::stop() {
  for (auto& ring : rings_)
    ring->stop();
  rings_.clear();
}

detail::uring_multiplexer* module::next_ring() noexcept {
  if (rings_.empty())
    return nullptr;
  return rings_[next_.fetch_add(1, std::memory_order_relaxed) % rings_.size()]
    .get();
}

detail::uring_multiplexer* module::ring_at(size_t n) noexcept {
  if (rings_.empty())
    return nullptr;
  return rings_[n % rings_.size()].get();
}

detail::uring_multiplexer* module::current_ring() noexcept {
  for (auto& ring : rings_)
    if (ring->on_ring_thread())
      return ring.get();
  return nullptr;
}

std::vector<std::thread::id> module::ring_threads() const {
  std::vector<std::thread::id> result;
  for (auto& ring : rings_)
    result.push_back(ring->thread_id());
  return result;
}

} // namespace caf::monocoque
