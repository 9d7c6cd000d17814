#pragma once

#include "caf/monocoque/socket_options.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace caf::monocoque {

/// Settings of the plugin and the defaults of every socket, read from the
/// `monocoque` group of the actor system configuration (command line
/// `--monocoque.sndhwm=...` with `caf::monocoque::config`, or the INI file).
struct options {
  // -- backend ----------------------------------------------------------------

  /// Submission queue entries per io_uring ring.
  size_t ring_entries = 256;

  /// Number of I/O threads, one io_uring ring each.
  size_t io_threads = 1;

  /// Size of one receive buffer (bytes read per recv).
  size_t recv_buffer_size = 64 * 1024;

  /// Receive buffers per ring, shared by its connections through an
  /// io_uring provided-buffer ring (rounded up to a power of two): a
  /// connection holds a buffer only while bytes arrive, none while idle.
  /// Zero: every connection keeps a receive buffer of its own in flight.
  size_t recv_buffers = 16;

  /// Sets CAF's `work-stealing.moderate-poll-attempts` to 0 unless the user
  /// set it: idle scheduler threads then wait on their condition variable
  /// instead of sleeping 50 us between polls, so a message from a ring
  /// reaches a user actor without that delay.
  bool tune_scheduler = true;

  /// How a thread other than the ring's wakes an idle ring
  /// (`monocoque.wake`): "msg-ring" (the default) lets the actor system's
  /// threads (CAF's workers, the rings, detached actors) post a completion
  /// straight into the idle ring with `IORING_OP_MSG_RING` from a small ring
  /// of their own (created at a thread's first wake-up, closed when it ends);
  /// "eventfd" writes an eventfd the ring keeps a read pending on, as the
  /// application's own threads always do (also where the kernel lacks
  /// MSG_RING).
  std::string wake = "msg-ring";

  // -- socket defaults --------------------------------------------------------

  /// Defaults of every socket: `monocoque.sndhwm`, `.rcvhwm`,
  /// `.max-message-size`, `.max-handshake-size`, `.handshake-timeout`,
  /// `.max-connections`, `.reconnect-ivl`, `.reconnect-ivl-max`, `.linger`,
  /// `.heartbeat-ivl`, `.heartbeat-ttl`, `.heartbeat-timeout`,
  /// `.connect-timeout`, `.tcp-keepalive`, `.tcp-keepalive-idle`,
  /// `.tcp-keepalive-intvl`, `.tcp-keepalive-cnt`, `.tcp-maxrt`,
  /// `.socket-on-ring`, `.max-subscription-bytes`. The other
  /// `socket_options` fields are set per socket in code.
  socket_options defaults;

  // -- conversion -------------------------------------------------------------

  /// Reads the `monocoque.*` entries of `cfg`, keeping defaults for missing
  /// ones.
  static options read(const actor_system_config& cfg);
};

/// An `actor_system_config` that declares the `monocoque` option group, so
/// that the options work on the command line too. Derive from it (or use it
/// directly) in `caf_main`.
class config : public actor_system_config {
public:
  config();
};

} // namespace caf::monocoque
