#pragma once

#include <caf/resumable.hpp>

namespace caf::monocoque::detail {

/// Marks, for the calling thread, the ring actor whose `enqueue` or `launch`
/// runs: CAF calls the host's `exec_later(this)` from inside them, and only
/// then is the resumable a pinned actor, to be run on the ring thread
/// (`uring_multiplexer::exec_later`). A `dynamic_cast` to a marker class did
/// the same at ~1.5 k instructions per wake-up, a quarter of a round trip's
/// instructions; this is two thread-local stores.
///
/// Its own header, liburing-free: `ring_actor` is reached from public
/// headers (`spawn_on_ring.hpp`) and sets it on every message.
class pinned_scope {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Marks `ptr` as pinned for this thread until destruction.
  explicit pinned_scope(resumable* ptr) noexcept : prev_(current_) {
    current_ = ptr;
  }

  ~pinned_scope() {
    current_ = prev_;
  }

  pinned_scope(const pinned_scope&) = delete;
  pinned_scope& operator=(const pinned_scope&) = delete;

  // -- properties -------------------------------------------------------------

  /// Returns the resumable marked on this thread, if any.
  static resumable* current() noexcept {
    return current_;
  }

private:
  resumable* prev_;
  // Defined in uring_multiplexer.cpp, next to its only reader.
  static thread_local resumable* current_;
};

} // namespace caf::monocoque::detail
