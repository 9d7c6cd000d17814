#pragma once

#include <cstdint>

namespace caf::monocoque {

/// How `spawn_proxy` sets a proxy up.
struct proxy_options {
  /// Messages in flight per direction: the post window the proxy asks of
  /// each sending side, and so the most messages the proxy holds or has
  /// posted and not yet seen leave per direction. Must not be 0.
  uint64_t window = 1000;
  /// Copies in flight to the capture socket; copies beyond it are dropped
  /// and counted. Must not be 0 when there is a capture.
  uint64_t capture_window = 1000;
  /// Pin the proxy to an io_uring thread (`spawn_on_ring`) instead of CAF's
  /// scheduler. It never blocks, so this is safe, and it saves a thread hop
  /// per message batch when its sockets share the ring; but it runs every
  /// batch on a ring thread, beside that ring's connections.
  bool on_ring = false;
};

} // namespace caf::monocoque
