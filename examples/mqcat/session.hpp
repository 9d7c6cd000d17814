#pragma once

// The session actor: everything mqcat does with its socket once the
// endpoints are set up.
//
// Protocol:
// - main thread → session: `(line_atom, std::vector<multipart>)`, the lines
//   of one read from stdin → `ok_atom` once the socket acknowledged all of
//   them (its backpressure signal), or an error once the session stops: the
//   main thread then stops reading stdin. One batch is in flight at a time.
// - main thread → session: `(eof_atom)`: stdin ended.
// - socket → session: `(message_atom, multipart)`, pushed while credit lasts;
//   the session grants one credit per message it printed (or, with --echo
//   and on REP, whose answer the socket acknowledged), and never more than
//   -n in total.
// - signal thread → session: `(signal_atom, int signo)`: stop without
//   flushing, exit code 128 + signo.
// - session → main thread: `(done_atom, int exit_code, std::string why)` when
//   it quits; before that it writes to `wake_fd` so that a main thread
//   blocked in poll(2) on stdin notices.
//
// REQ and REP go in lockstep: the session queues the lines of a batch and
// sends one request per reply (REQ), or one line per request (REP --send);
// it acknowledges the batch once its last line went to the socket.
//
// The session monitors the socket. It stops with exit code 0 after -n
// messages or (with --send only) at stdin's end: once every echo is
// acknowledged it closes the socket, which flushes within its linger. It
// stops with exit code 1 on --timeout (also while flushing) or a socket
// failure, dropping the socket without flushing. With -v, it prints the
// socket's statistics to stderr before it closes or drops the socket.
//
// The socket is held as a dynamically typed `caf::actor`: every socket
// type's handle is a subset of the same interface, and the session only
// uses the verbs its socket type has.
//
// `std::vector<multipart>` may travel in messages thanks to
// caf/monocoque/message_types.hpp.

#include "signals.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace mqcat {

/// Main thread → session: a batch of stdin lines, one message each.
using line_atom = caf::atom_constant<caf::atom("line")>;

/// Main thread → session: stdin ended.
using eof_atom = caf::atom_constant<caf::atom("eof")>;

/// Session → main thread: the session is over.
using done_atom = caf::atom_constant<caf::atom("done")>;

/// How sends and receives pair up.
enum class pattern {
  /// Independent directions (dealer, router, pair, push, pull, pub, sub,
  /// xpub, xsub).
  stream,
  /// REQ: one request, then its reply, then the next request.
  request,
  /// REP: one request, then its reply (echoed, or the next stdin line).
  reply,
};

/// What a session does.
struct session_config {
  /// The socket (owned by the session from now on).
  caf::actor socket;
  /// How the socket pairs sends and receives.
  pattern kind = pattern::stream;
  /// Gets `(done_atom, int, std::string)`.
  caf::actor listener;
  /// Written (eventfd semantics) when the session stops.
  int wake_fd = -1;
  /// Lines from stdin are sent.
  bool send = false;
  /// Received messages are printed.
  bool recv = false;
  /// Received messages are sent back.
  bool echo = false;
  /// Print the socket's statistics to stderr on exit.
  bool verbose = false;
  /// Stop after this many messages (received, or sent with --send only).
  std::optional<uint64_t> count;
  /// Frame separator of printed lines.
  std::optional<char> delimiter;
  /// Fail when nothing arrives (or, with --send only, nothing is
  /// acknowledged) for this long.
  std::optional<std::chrono::milliseconds> timeout;
};

/// Spawns a session; it starts pulling messages at once.
caf::actor spawn_session(caf::actor_system& sys, session_config cfg);

} // namespace mqcat
