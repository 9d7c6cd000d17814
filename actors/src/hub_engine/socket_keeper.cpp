// The keeper of a socket (hub engine): weak reconnect timers and the strong
// handle of a closing socket (see socket_keeper.hpp).
#include "caf/monocoque/internal/socket_keeper.hpp"

#include "caf/monocoque/internal/atoms.hpp"
#include "caf/monocoque/internal/lifecycle_atoms.hpp"
#include "caf/monocoque/message_types.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

namespace caf::monocoque::detail {

namespace {

struct keeper_state {
  static inline const char* name = "monocoque.socket_keeper";

  /// The socket (weak: timers must not keep it alive).
  weak_actor_ptr owner;
  /// Set by `keep_atom`: the socket, held until it exits.
  strong_actor_ptr kept;
};

behavior keeper_fun(stateful_actor<keeper_state>* self, weak_actor_ptr owner) {
  self->state.owner = std::move(owner);
  if (auto hdl = actor_cast<strong_actor_ptr>(self->state.owner))
    self->monitor(hdl);
  else
    self->quit(); // the socket is already gone
  self->set_down_handler([self](down_msg&) {
    self->state.kept = nullptr;
    self->quit();
  });
  return {
      [self](timer_atom, uint64_t key, timespan delay) {
        self->delayed_send(self, delay, timer_atom::value, key);
      },
      [self](timer_atom, uint64_t key) {
        // Strong only for the send: a destroyed socket gets nothing.
        if (auto hdl = actor_cast<actor>(self->state.owner))
          anon_send(hdl, reconnect_atom::value, key);
      },
      [self](recv_timeout_atom, uint64_t id, timespan delay) {
        self->delayed_send(self, delay, recv_timeout_atom::value, id);
      },
      [self](recv_timeout_atom, uint64_t id) {
        if (auto hdl = actor_cast<actor>(self->state.owner))
          anon_send(hdl, recv_timeout_atom::value, id);
      },
      [self](keep_atom, strong_actor_ptr& owner) {
        self->state.kept = std::move(owner);
      },
  };
}

} // namespace

actor spawn_socket_keeper(actor_system& sys, weak_actor_ptr owner) {
  // Hidden: the actor system waits for sockets, never for their keepers.
  return sys.spawn<hidden>(keeper_fun, std::move(owner));
}

} // namespace caf::monocoque::detail
