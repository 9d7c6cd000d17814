#pragma once

// The names bound with `inproc://NAME` in one actor system (see
// docs/architecture.md, "inproc"). The module owns one registry; sockets
// on any thread use it, so every call takes its mutex.

#include "monocoque/zmtp/socket_type.hpp"

#include <caf/actor_addr.hpp>
#include <caf/expected.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace caf::monocoque::detail {

// -- payload types ------------------------------------------------------------

/// What a connector needs to know of the socket bound to a name: how to
/// reach it and what its handshake would have said.
struct inproc_binder {
  /// The bound socket (weak: the name does not keep it alive).
  weak_actor_ptr hub;
  /// Its address (the registry forgets a socket's names by it).
  actor_addr addr;
  /// The key of the bind at that socket (its "listener").
  uint64_t listener = 0;
  /// Its socket type (the compatibility check of a handshake).
  ::monocoque::zmtp::socket_type type = ::monocoque::zmtp::socket_type::pair;
  /// Its `identity` option (what its READY would announce).
  std::string identity;
  /// Its SNDHWM (write reports come in batches of a quarter of it).
  uint64_t sndhwm = 1000;
  /// Its RCVHWM (messages delivered to it and not taken, at most).
  uint64_t rcvhwm = 1000;
  /// Its linger (how long its connections flush after it went).
  int64_t linger_ns = -1;
};

/// A connect endpoint waiting for a name to be bound.
struct inproc_waiter {
  /// The connecting socket.
  weak_actor_ptr hub;
  /// Its address.
  actor_addr addr;
  /// The key of the connect endpoint at that socket.
  uint64_t key = 0;
};

// -- registry -----------------------------------------------------------------

/// The inproc names of one actor system, with the connect endpoints that
/// wait for a name to be bound.
class inproc_registry {
public:
  /// Binds `name` to `binder`. Fails with `errc::address_in_use` while a
  /// live socket holds it; otherwise returns the waiters of the name (the
  /// caller wakes them), which it forgets.
  expected<std::vector<inproc_waiter>> bind(const std::string& name,
                                            inproc_binder binder);

  /// Frees `name` if `owner` holds it.
  void unbind(const std::string& name, const actor_addr& owner);

  /// Returns the socket bound to `name`; if none, remembers `waiter` (once
  /// per socket and key) to be woken by the next `bind`.
  std::optional<inproc_binder> find_or_wait(const std::string& name,
                                            const inproc_waiter& waiter);

  /// Forgets every name `owner` holds and every wait of it (the socket
  /// went).
  void forget(const actor_addr& owner);

  /// Forgets the wait of connect endpoint `key` of `owner`.
  void forget_wait(const actor_addr& owner, uint64_t key);

  /// Returns how many names are bound (tests).
  size_t bound() const;

private:
  struct entry {
    std::optional<inproc_binder> binder;
    std::vector<inproc_waiter> waiters;
  };

  mutable std::mutex mtx_;
  std::map<std::string, entry> names_;
};

} // namespace caf::monocoque::detail
