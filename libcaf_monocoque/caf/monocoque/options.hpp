#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

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

  // -- socket defaults --------------------------------------------------------

  /// Messages queued per peer before `send` stops acknowledging (ZMQ_SNDHWM).
  size_t sndhwm = 1000;

  /// Messages buffered per peer before reading pauses (ZMQ_RCVHWM).
  size_t rcvhwm = 1000;

  /// Largest accepted message (sum of its frames), ZMQ_MAXMSGSIZE-like.
  uint64_t max_message_size = uint64_t{256} << 20;

  /// Greeting plus handshake deadline (ZMQ_HANDSHAKE_IVL).
  timespan handshake_timeout = std::chrono::seconds{30};

  /// First reconnect delay (ZMQ_RECONNECT_IVL).
  timespan reconnect_ivl = std::chrono::milliseconds{100};

  /// Upper bound of the exponential reconnect backoff; zero disables the
  /// backoff (ZMQ_RECONNECT_IVL_MAX).
  timespan reconnect_ivl_max = timespan{0};

  /// How long `close` waits for queued messages; negative waits until they
  /// are sent (ZMQ_LINGER, default -1 like libzmq).
  timespan linger = timespan{-1};

  /// PING interval; zero disables heartbeats (ZMQ_HEARTBEAT_IVL).
  timespan heartbeat_ivl = timespan{0};

  /// TTL announced in PINGs (ZMQ_HEARTBEAT_TTL).
  timespan heartbeat_ttl = timespan{0};

  /// PING timeout; negative means "same as the interval"
  /// (ZMQ_HEARTBEAT_TIMEOUT).
  timespan heartbeat_timeout = timespan{-1};

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
