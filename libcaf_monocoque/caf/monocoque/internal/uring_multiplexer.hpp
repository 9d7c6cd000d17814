#pragma once

#include "caf/monocoque/detail/pinned_scope.hpp"
#include "caf/monocoque/internal/buffer_ring.hpp"
#include "caf/monocoque/internal/io_op.hpp"
#include "caf/monocoque/options.hpp"

#include <caf/error.hpp>
#include <caf/execution_unit.hpp>
#include <caf/resumable.hpp>
#include <caf/thread_hook.hpp>

#include <liburing.h>

#include <atomic>
#include <chrono>
#include <map>
#include <unordered_map>
#include <caf/weak_intrusive_ptr.hpp>
#include <caf/actor_control_block.hpp>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace caf::monocoque::detail {

/// Marks the threads of the actor system (CAF's workers, the rings, detached
/// actors) as threads that may wake a ring with `IORING_OP_MSG_RING` from a
/// small ring of their own, and closes that ring when they terminate. The
/// module installs it (`add_thread_hook`); other threads use the eventfd.
class wake_source_hook : public thread_hook {
public:
  void init(actor_system&) override;
  void thread_started() override;
  void thread_terminates() override;
};

/// One io_uring ring and the thread that drives it. It is also a CAF
/// `execution_unit`: actors pinned to it (see `ring_actor`) are resumed by
/// this thread between two rounds of completions, so a completion reaches its
/// actor without a thread hop, the way CAF 0.17 runs `io::abstract_broker`
/// on its multiplexer thread.
///
/// Threads: `exec_later` is thread-safe (a mutex-protected queue plus a
/// wake-up on the empty-to-non-empty edge: an `IORING_OP_MSG_RING` from the
/// sending thread's own small ring, or an eventfd write); everything else is
/// called on the ring thread only, except `start` and `stop`.
class uring_multiplexer final : public execution_unit {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Creates an idle multiplexer; `start` creates the ring and the thread.
  uring_multiplexer(actor_system& sys, const options& opts, size_t index);

  ~uring_multiplexer() override;

  // -- lifecycle --------------------------------------------------------------

  /// Creates the ring, probes the operations we use and starts the thread.
  /// Fails with `errc::backend_unavailable` naming what is missing.
  error start();

  /// Cancels what is still in flight, stops and joins the thread, closes
  /// the ring. Idempotent.
  void stop();

  // -- execution_unit ---------------------------------------------------------

  /// Schedules `ptr` on the ring thread if it is the actor a `pinned_scope`
  /// on this thread names, else hands it to CAF's scheduler (thread-safe).
  void exec_later(resumable* ptr) override;

  /// Set by ring actors around their own `enqueue` and `launch` (see
  /// `detail/pinned_scope.hpp`).
  using pinned_scope = detail::pinned_scope;

  // -- ring thread API --------------------------------------------------------

  /// Returns whether the caller runs on the ring thread.
  bool on_ring_thread() const noexcept {
    return std::this_thread::get_id() == thread_id_;
  }

  /// Returns a free SQE, submitting queued ones first if the queue is full.
  io_uring_sqe* next_sqe();

  /// Gets an SQE, lets `prep` fill it and tags it with `op`, whose ownership
  /// passes to the multiplexer until its final completion.
  template <class Prep>
  void submit(io_op* op, Prep&& prep) {
    auto* sqe = next_sqe();
    prep(sqe);
    io_uring_sqe_set_data(sqe, op);
    ops_.insert(op);
  }

  /// Like `submit`, with a deadline: an operation still pending `timeout`
  /// after its submission is cancelled by the kernel (a linked
  /// IORING_OP_LINK_TIMEOUT) and completes with -ECANCELED. The timeout's
  /// own completion is consumed here.
  template <class Prep>
  void submit(io_op* op, Prep&& prep, std::chrono::nanoseconds timeout) {
    // The two SQEs of a link must go to the kernel in one submission.
    reserve_sqes(2);
    submit(op, [&](io_uring_sqe* sqe) {
      prep(sqe);
      sqe->flags |= IOSQE_IO_LINK;
    });
    submit_link_timeout(timeout);
  }

  /// Shuts down and closes a socket fd (thread-safe). On the ring thread it
  /// first submits queued SQEs, so none of them can name a reused fd number;
  /// elsewhere it hands the fd to the ring thread. The shutdown completes any
  /// recv still in flight on the fd.
  void close_fd(int fd);

  /// Ring thread only: sends `(timer_atom, gen)` to `target` at `when`
  /// (steady clock), from this thread. Holds only a weak handle, so a
  /// pending timer never keeps a dead actor's memory alive (CAF 0.17's
  /// `delayed_send` holds a strong one until it fires). Returns an id for
  /// `cancel_timer`; ids are never reused.
  uint64_t add_timer(std::chrono::steady_clock::time_point when,
                     weak_actor_ptr target, uint64_t gen);

  /// Ring thread only: drops timer `id` if it has not fired yet.
  void cancel_timer(uint64_t id);

  /// Returns the id of the ring thread.
  std::thread::id thread_id() const noexcept {
    return thread_id_;
  }

  /// Returns the index of this ring among the module's rings.
  size_t index() const noexcept {
    return index_;
  }

  /// Returns the module options.
  const options& opts() const noexcept {
    return opts_;
  }

  /// Ring thread only: returns the provided-buffer ring receives select
  /// their buffer from, or null if this ring has none (disabled with
  /// `monocoque.recv-buffers = 0`, or refused by the kernel): connections
  /// then receive into buffers of their own.
  buffer_ring* recv_buffers() noexcept {
    return recv_bufs_.ok() ? &recv_bufs_ : nullptr;
  }

private:
  template <class F>
  void post_external(F&& push);
  error init_ring();
  void run();
  void arm_wakeup();
  void drain_external();
  void run_jobs();
  void reap();
  void cancel_all();
  void reserve_sqes(unsigned n);
  void submit_link_timeout(std::chrono::nanoseconds timeout);
  void fire_timers();
  void wait_for_work();

  actor_system& sys_;
  options opts_;
  size_t index_;
  io_uring ring_{};
  bool ring_ok_ = false;
  buffer_ring recv_bufs_;
  int wake_fd_ = -1;
  // The ring's fd while other threads may wake it with MSG_RING; -1: they
  // write `wake_fd_`. Guarded by `mtx_` (reset before the ring closes, so a
  // wake-up never names a reused fd number).
  int msg_ring_fd_ = -1;
  uint64_t wake_buf_ = 0;
  std::thread thread_;
  std::thread::id thread_id_;
  std::atomic<bool> stopping_{false};
  std::mutex mtx_;
  std::vector<resumable*> external_;
  std::vector<int> fds_to_close_;
  bool wake_pending_ = false;
  std::vector<resumable*> jobs_;
  std::vector<resumable*> next_jobs_;
  std::unordered_set<io_op*> ops_;
  struct timer_entry {
    weak_actor_ptr target;
    uint64_t gen;
  };
  using timer_key = std::pair<std::chrono::steady_clock::time_point, uint64_t>;
  std::map<timer_key, timer_entry> timers_;
  std::unordered_map<uint64_t, std::chrono::steady_clock::time_point>
    timer_due_;
  uint64_t next_timer_ = 1;
};

} // namespace caf::monocoque::detail
