#pragma once

// How mqcat stops on SIGINT and SIGTERM: they are blocked in every thread
// (block them before the actor system starts its threads) and taken by one
// signal thread (sigwait), which tells an actor.

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include <csignal>

namespace mqcat {

/// Signal thread → actor: SIGINT or SIGTERM arrived (`(signal_atom, int)`).
using signal_atom = caf::atom_constant<caf::atom("signal")>;

/// The signals that stop mqcat: SIGINT and SIGTERM, unless they were
/// ignored when mqcat started (e.g. SIGINT of a background job).
sigset_t stop_signals();

/// Starts a detached thread that forwards the first of `set` to `target`
/// as `(signal_atom, signo)`; if the stop takes over 3 s, SIGALRM ends the
/// process. Later signals stay blocked, so they are ignored: one stop may
/// bring its signal twice (GNU timeout signals the child, then its process
/// group). Holds `target` weakly; if it is gone, the process exits with
/// 128 + signo.
void watch_signals(const sigset_t& set, const caf::actor& target);

} // namespace mqcat
