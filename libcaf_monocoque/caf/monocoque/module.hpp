#pragma once

#include "caf/monocoque/options.hpp"

#include <caf/actor_system.hpp>
#include <caf/detail/type_list.hpp>
#include <caf/error.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace caf::monocoque {

namespace detail {
class inproc_registry;
class uring_multiplexer;
} // namespace detail

/// The caf-monocoque plugin: a CAF `actor_system::module` that owns the
/// io_uring rings, their threads and the plugin options. Load it with
/// `cfg.load<caf::monocoque::module>()` or `CAF_MAIN(caf::monocoque::module)`.
///
/// It lives in CAF 0.17's unused `network_manager` slot (Debian ships no
/// libcaf_net); a second module in that slot would replace it.
class module : public actor_system::module {
public:
  // -- factory (called by actor_system_config::load) --------------------------

  /// Creates the module for `sys`.
  static actor_system::module* make(actor_system& sys, caf::detail::type_list<>);

  /// Returns the module of `sys`, or null if it was not loaded.
  static module* from(actor_system& sys) noexcept;

  ~module() override;

  // -- actor_system::module ---------------------------------------------------

  id_t id() const override {
    return network_manager;
  }

  void* subtype_ptr() override {
    return this;
  }

  /// Reads the `monocoque.*` options and registers the error category.
  void init(actor_system_config& cfg) override;

  /// Creates the rings and starts their threads. On failure the module stays
  /// loaded but unusable: `status()` says why and spawning a socket fails.
  void start() override;

  /// Cancels in-flight operations, joins the threads and closes the rings.
  void stop() override;

  // -- properties -------------------------------------------------------------

  /// Returns the options read at `init`.
  const options& opts() const noexcept {
    return opts_;
  }

  /// Returns `none` if the backend runs, else why it does not.
  const error& status() const noexcept {
    return status_;
  }

  /// Picks a ring (round robin over every caller: sockets, `spawn_on_ring`).
  /// Null if not running.
  detail::uring_multiplexer* next_ring() noexcept;

  /// Returns ring `n` modulo the number of rings: a socket's own round robin
  /// over its connections. Null if not running.
  detail::uring_multiplexer* ring_at(size_t n) noexcept;

  /// Returns the ring whose thread calls this, or null (not a ring thread).
  detail::uring_multiplexer* current_ring() noexcept;

  /// Returns the ids of the ring threads (diagnostics and tests: only the
  /// plugin's pinned actors may run there).
  std::vector<std::thread::id> ring_threads() const;

  /// Returns the actor system.
  actor_system& system() noexcept {
    return sys_;
  }

  /// Returns the names bound with `inproc://` in this actor system (needs
  /// no ring: inproc works while the backend is down too).
  detail::inproc_registry& inproc() noexcept {
    return *inproc_;
  }

private:
  explicit module(actor_system& sys);

  actor_system& sys_;
  options opts_;
  error status_;
  std::vector<std::unique_ptr<detail::uring_multiplexer>> rings_;
  std::atomic<size_t> next_{0};
  std::unique_ptr<detail::inproc_registry> inproc_;
};

} // namespace caf::monocoque
