#include "caf/monocoque/internal/uring_multiplexer.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/internal/deliver.hpp"
#include "caf/monocoque/internal/atoms.hpp"

#include <caf/actor_system.hpp>

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>

namespace caf::monocoque::detail {

namespace {

// Marks the eventfd read in user_data; never a valid io_op address.
io_op* const wake_tag = reinterpret_cast<io_op*>(uintptr_t{1});

// Marks a completion another thread posted with MSG_RING: a wake-up only
// (the loop drains the external queue every turn).
constexpr uint64_t msg_wake_data = 2;
io_op* const msg_wake_tag = reinterpret_cast<io_op*>(msg_wake_data);

// A thread's own small ring, the source of the MSG_RING wake-ups it sends.
// Only threads of the actor system (CAF's workers, the rings, detached
// actors: they run `wake_source_hook`) get one, at their first wake-up, and
// close it when CAF says they terminate: a ring closed by an application's
// thread would interrupt that thread's next blocking call (task work), so
// the application's own threads wake rings with the eventfd.
struct wake_source {
  io_uring ring{};
  bool allowed = false; // a thread of the actor system
  bool open = false;
  bool failed = false; // could not create it, or the kernel refused: eventfd
};

thread_local wake_source this_thread_wake;

// Returns this thread's wake-up ring, creating it at the first call; null:
// this thread wakes rings with the eventfd.
io_uring* wake_source_ring() {
  auto& src = this_thread_wake;
  if (src.open)
    return &src.ring;
  if (!src.allowed || src.failed)
    return nullptr;
  if (io_uring_queue_init(4, &src.ring, 0) != 0) {
    src.failed = true;
    return nullptr;
  }
  src.open = true;
  return &src.ring;
}

void close_wake_source() {
  auto& src = this_thread_wake;
  if (src.open)
    io_uring_queue_exit(&src.ring);
  src.open = false;
  src.allowed = false;
}

// Posts a wake-up completion into the ring `target_fd` from `src`. Returns
// false if it could not (the caller falls back to the eventfd; after a
// failure this thread always does). MSG_RING completes inline, so a
// failure's completion is on the source ring when `io_uring_submit`
// returns; a success posts none (IOSQE_CQE_SKIP_SUCCESS).
bool msg_ring_wake(io_uring* src, int target_fd) {
  auto* sqe = io_uring_get_sqe(src);
  if (sqe == nullptr)
    return false;
  io_uring_prep_msg_ring(sqe, target_fd, 0, msg_wake_data, 0);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  bool ok = io_uring_submit(src) == 1;
  io_uring_cqe* cqe = nullptr;
  unsigned head = 0;
  unsigned count = 0;
  io_uring_for_each_cqe(src, head, cqe) {
    ++count;
    ok = ok && cqe->res >= 0;
  }
  io_uring_cq_advance(src, count);
  if (!ok) {
    // Never leave an SQE behind that a later submit could send to a reused
    // fd number: drop the ring, use the eventfd from now on.
    close_wake_source();
    this_thread_wake.failed = true;
  }
  return ok;
}

struct required_op {
  int opcode;
  const char* name;
};

constexpr required_op required_ops[] = {
  {IORING_OP_RECV, "RECV"},
  {IORING_OP_SENDMSG, "SENDMSG"},
  {IORING_OP_ACCEPT, "ACCEPT"},
  {IORING_OP_CONNECT, "CONNECT"},
  {IORING_OP_READ, "READ"},
  {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"},
  {IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT"},
};

// The deadline of a linked operation. The kernel reads `ts` when the SQE is
// submitted; the op keeps it until its completion anyway (-ETIME: it fired
// and cancelled the operation; -ECANCELED: the operation finished first).
struct link_timeout_op final : io_op {
  explicit link_timeout_op(std::chrono::nanoseconds timeout) {
    auto ns = std::max<int64_t>(1, timeout.count());
    ts.tv_sec = ns / 1'000'000'000;
    ts.tv_nsec = ns % 1'000'000'000;
  }
  bool complete(uring_multiplexer&, int, uint32_t) override {
    return true;
  }
  __kernel_timespec ts{};
};

} // namespace

uring_multiplexer::uring_multiplexer(actor_system& sys, const options& opts,
                                     size_t index)
  : execution_unit(&sys), sys_(sys), opts_(opts), index_(index) {
  jobs_.reserve(64);
  next_jobs_.reserve(64);
}

uring_multiplexer::~uring_multiplexer() {
  stop();
}

// -- lifecycle ----------------------------------------------------------------

// Runs on the ring thread: a ring is tied to the task that created it, and
// tearing it down interrupts that task's next blocking call (EINTR), so
// neither must happen on the application's thread.
error uring_multiplexer::init_ring() {
  auto rc = io_uring_queue_init(static_cast<unsigned>(opts_.ring_entries),
                                &ring_, 0);
  if (rc < 0)
    return make_error(errc::backend_unavailable,
                      std::string{"io_uring_queue_init failed: "}
                        + std::strerror(-rc));
  ring_ok_ = true;
  auto* probe = io_uring_get_probe_ring(&ring_);
  if (probe == nullptr)
    return make_error(errc::backend_unavailable,
                      "io_uring cannot probe its opcodes (kernel < 5.6?)");
  std::string missing;
  for (auto& op : required_ops)
    if (!io_uring_opcode_supported(probe, op.opcode))
      missing += std::string{missing.empty() ? "" : ", "} + op.name;
  bool msg_ring = io_uring_opcode_supported(probe, IORING_OP_MSG_RING) != 0;
  io_uring_free_probe(probe);
  if (!missing.empty())
    return make_error(errc::backend_unavailable,
                      "io_uring lacks required operations: " + missing);
  if (opts_.recv_buffers > 0) {
    auto why = recv_bufs_.open(ring_, 0, opts_.recv_buffers,
                               opts_.recv_buffer_size);
    if (!why.empty())
      log::uring()->info("ring {}: no provided-buffer ring ({}), every "
                         "connection receives into a buffer of its own",
                         index_, why);
  }
  if (opts_.wake != "msg-ring" && opts_.wake != "eventfd")
    log::uring()->warn("ring {}: unknown monocoque.wake \"{}\" (msg-ring or "
                       "eventfd): using msg-ring", index_, opts_.wake);
  if (opts_.wake != "eventfd" && !msg_ring)
    log::uring()->info("ring {}: the kernel lacks IORING_OP_MSG_RING: other "
                       "threads wake this ring with an eventfd", index_);
  if (opts_.wake != "eventfd" && msg_ring) {
    std::lock_guard<std::mutex> guard{mtx_};
    msg_ring_fd_ = ring_.ring_fd;
  }
  return none;
}

error uring_multiplexer::start() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    return make_error(errc::backend_unavailable,
                      std::string{"eventfd failed: "} + std::strerror(errno));
  std::promise<error> started;
  auto result = started.get_future();
  thread_ = std::thread{[this, &started] {
    thread_id_ = std::this_thread::get_id();
    auto err = init_ring();
    auto ok = !err;
    started.set_value(std::move(err));
    if (ok) {
      sys_.thread_started();
      run();
      sys_.thread_terminates();
    }
    if (ring_ok_) {
      {
        std::lock_guard<std::mutex> guard{mtx_};
        msg_ring_fd_ = -1;
      }
      io_uring_queue_exit(&ring_);
      ring_ok_ = false;
    }
    // Exiting the ring dropped its buffer group; only the memory is left.
    recv_bufs_.close(nullptr);
  }};
  if (auto err = result.get()) {
    thread_.join();
    return err;
  }
  log::uring()->debug("ring {} started ({} entries)", index_,
                      opts_.ring_entries);
  return none;
}

void uring_multiplexer::stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }
  // Jobs still queued belong to actors that never ran again; drop our refs.
  for (auto* job : external_)
    intrusive_ptr_release(job);
  external_.clear();
  // The ring thread closed the ring; what is left was never completed.
  for (auto* op : ops_)
    delete op;
  ops_.clear();
  if (wake_fd_ >= 0) {
    ::close(wake_fd_);
    wake_fd_ = -1;
  }
}

// -- wake-up sources ------------------------------------------------------------

void wake_source_hook::init(actor_system&) {
  // nop
}

void wake_source_hook::thread_started() {
  this_thread_wake.allowed = true;
}

void wake_source_hook::thread_terminates() {
  close_wake_source();
}

// -- execution_unit -----------------------------------------------------------

thread_local resumable* pinned_scope::current_ = nullptr;

execution_unit* ring_host(uring_multiplexer* mpx) noexcept {
  return mpx;
}

uring_multiplexer* ring_of(execution_unit* host) noexcept {
  return static_cast<uring_multiplexer*>(host);
}

void uring_multiplexer::exec_later(resumable* ptr) {
  // CAF wakes a receiver through the sender's execution unit, so a message
  // from a ring actor to any other actor lands here. Only actors the plugin
  // pinned on purpose run on the ring (the connections' actors, listeners
  // and, unless `monocoque.socket-on-ring` is false, every socket type's
  // hub engine); user actors and everything else go back to the scheduler,
  // so a handler that blocks can never stall a connection (as CAF's own
  // multiplexer does for non-brokers).
  if (ptr != pinned_scope::current()) {
    sys_.scheduler().enqueue(ptr);
    return;
  }
  if (on_ring_thread()) {
    next_jobs_.push_back(ptr);
    return;
  }
  post_external([&] { external_.push_back(ptr); });
}

template <class F>
void uring_multiplexer::post_external(F&& push) {
  // Outside the lock: a thread's first wake-up creates its ring.
  auto* src = wake_source_ring();
  int fd = -1;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    push();
    // Only the empty -> non-empty edge costs a syscall.
    if (wake_pending_)
      return;
    wake_pending_ = true;
    // Under the lock: the ring thread resets `msg_ring_fd_` under it before
    // it closes the ring, so the fd named here is still the ring's.
    if (src != nullptr && msg_ring_fd_ >= 0 && msg_ring_wake(src, msg_ring_fd_))
      return;
    fd = wake_fd_;
  }
  if (fd >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof(one));
  }
}

// -- ring thread --------------------------------------------------------------

io_uring_sqe* uring_multiplexer::next_sqe() {
  auto* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void uring_multiplexer::reserve_sqes(unsigned n) {
  if (io_uring_sq_space_left(&ring_) < n)
    io_uring_submit(&ring_);
}

void uring_multiplexer::submit_link_timeout(std::chrono::nanoseconds timeout) {
  auto* op = new link_timeout_op(timeout);
  submit(op, [&](io_uring_sqe* sqe) {
    io_uring_prep_link_timeout(sqe, &op->ts, 0);
  });
}

void uring_multiplexer::close_fd(int fd) {
  if (fd < 0)
    return;
  if (on_ring_thread() || !thread_.joinable()) {
    if (ring_ok_ && on_ring_thread())
      io_uring_submit(&ring_);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    return;
  }
  post_external([&] { fds_to_close_.push_back(fd); });
}

void uring_multiplexer::arm_wakeup() {
  auto* sqe = next_sqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_buf_, sizeof(wake_buf_), 0);
  io_uring_sqe_set_data(sqe, wake_tag);
}

void uring_multiplexer::drain_external() {
  std::vector<int> fds;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    wake_pending_ = false;
    next_jobs_.insert(next_jobs_.end(), external_.begin(), external_.end());
    external_.clear();
    fds.swap(fds_to_close_);
  }
  if (!fds.empty()) {
    io_uring_submit(&ring_);
    for (auto fd : fds) {
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
    }
  }
}

void uring_multiplexer::run_jobs() {
  // Jobs scheduled while running go to `next_jobs_` and run in the next
  // round, after the ring was submitted and reaped once.
  jobs_.swap(next_jobs_);
  for (auto* job : jobs_) {
    switch (job->resume(this, 64)) {
      case resumable::resume_later:
        next_jobs_.push_back(job);
        break;
      case resumable::done:
      case resumable::awaiting_message:
      case resumable::shutdown_execution_unit:
        intrusive_ptr_release(job);
        break;
    }
  }
  jobs_.clear();
}

void uring_multiplexer::reap() {
  // Each completion is released before it is dispatched: handlers submit
  // new operations (the data path calls actors directly), and their
  // completions need the slots.
  io_uring_cqe* cqe = nullptr;
  unsigned head = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    auto* op = static_cast<io_op*>(io_uring_cqe_get_data(cqe));
    auto res = cqe->res;
    auto flags = cqe->flags;
    io_uring_cq_advance(&ring_, 1);
    if (op == nullptr)
      continue; // a cancel request's own completion
    if (op == wake_tag) {
      if (!stopping_)
        arm_wakeup();
      continue;
    }
    if (op == msg_wake_tag)
      continue; // the loop drains the external queue next
    if (op->complete(*this, res, flags)) {
      ops_.erase(op);
      delete op;
    }
  }
}

void uring_multiplexer::cancel_all() {
  for (auto* op : ops_) {
    auto* sqe = next_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(op), 0);
    io_uring_sqe_set_data(sqe, nullptr);
  }
}

uint64_t uring_multiplexer::add_timer(std::chrono::steady_clock::time_point when,
                                      weak_actor_ptr target, uint64_t gen) {
  auto id = next_timer_++;
  timers_.emplace(timer_key{when, id}, timer_entry{std::move(target), gen});
  timer_due_.emplace(id, when);
  return id;
}

void uring_multiplexer::cancel_timer(uint64_t id) {
  auto i = timer_due_.find(id);
  if (i == timer_due_.end())
    return; // fired already
  timers_.erase(timer_key{i->second, id});
  timer_due_.erase(i);
}

void uring_multiplexer::fire_timers() {
  auto now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_due_.erase(node.key().second);
    deliver(node.mapped().target, *this, timer_atom::value,
            node.mapped().gen);
  }
}

void uring_multiplexer::wait_for_work() {
  if (!next_jobs_.empty()) {
    io_uring_submit(&ring_);
    return;
  }
  if (timers_.empty()) {
    io_uring_submit_and_wait(&ring_, 1);
    return;
  }
  auto delay = timers_.begin()->first.first - std::chrono::steady_clock::now();
  auto ns = std::max<int64_t>(
    0, std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count());
  __kernel_timespec ts{ns / 1'000'000'000, ns % 1'000'000'000};
  io_uring_cqe* cqe = nullptr;
  io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
}

void uring_multiplexer::run() {
  arm_wakeup();
  for (;;) {
    drain_external();
    run_jobs();
    if (stopping_)
      break;
    wait_for_work();
    reap();
    fire_timers();
  }
  // Shutdown: actors are gone (the actor system waited for them); cancel
  // what they left in flight and wait a bounded time for the completions, so
  // that no buffer is freed while the kernel may still write into it.
  cancel_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
  while (!ops_.empty() && std::chrono::steady_clock::now() < deadline) {
    __kernel_timespec ts{0, 10'000'000};
    io_uring_cqe* cqe = nullptr;
    io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    reap();
  }
  drain_external();
  run_jobs();
  for (auto fd : fds_to_close_) {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
  fds_to_close_.clear();
  for (auto* job : next_jobs_)
    intrusive_ptr_release(job);
  next_jobs_.clear();
  timers_.clear();
  timer_due_.clear();
}

} // namespace caf::monocoque::detail
