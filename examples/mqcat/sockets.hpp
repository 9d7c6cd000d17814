#pragma once

// Socket set-up shared by mqcat's modes: spawning a socket by type name,
// binding and connecting it, subscribing, and what each type can do.

#include "cli.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqcat {

/// Spawns a socket of type `type` (one of `socket_types`) as a dynamically
/// typed handle: every socket handle is a subset of one interface, so
/// mqcat drives any of them through it. Returns a null handle for an
/// unknown type.
caf::actor spawn_socket(caf::actor_system& sys, std::string_view type,
                        caf::monocoque::socket_options opts);

/// Returns whether sockets of type `type` send.
bool type_sends(std::string_view type);

/// Returns whether sockets of type `type` receive.
bool type_receives(std::string_view type);

/// Binds and connects `socket` in the order of `endpoints`, printing
/// "mqcat: bound EP" to stderr when a bind reports an endpoint other than
/// the one asked for (a `*` port). Returns an exit code: `exit_usage` for a
/// malformed endpoint, `exit_failure` for other failures (after a message).
int set_up(caf::actor_system& sys, caf::scoped_actor& self,
           const caf::actor& socket,
           const std::vector<endpoint_arg>& endpoints);

/// Subscribes `socket` to each of `prefixes`: SUB through its subscribe
/// verb, XSUB by sending `\x01prefix` messages. Returns an exit code.
int subscribe(caf::actor_system& sys, caf::scoped_actor& self,
              const caf::actor& socket, std::string_view type,
              const std::vector<std::string>& prefixes);

/// Prints "mqcat: WHAT" to stderr and returns `code`.
int complain(int code, const std::string& what);

/// Returns the module's socket defaults, or prints why the io_uring backend
/// is unavailable and returns nothing (exit with `exit_failure` then).
std::optional<caf::monocoque::socket_options>
backend_options(caf::actor_system& sys);

} // namespace mqcat
