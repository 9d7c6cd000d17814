#include "caf/monocoque/internal/socket_actor.hpp"
#include "caf/monocoque/internal/mailbox_idle.hpp"

#include "caf/monocoque/internal/deliver.hpp"
#include "caf/monocoque/internal/event_reasons.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/lazy_queue.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include <poll.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace caf::monocoque {

namespace {

using detail::io_op;
using detail::uring_multiplexer;

constexpr size_t max_iov = 64;

class socket_actor_impl;

// The SocketActor behind `self` if it is alive and still handles its
// completions itself; the strong handle keeps it while the caller uses it.
socket_actor_impl* direct_target(const weak_actor_ptr& self,
                                 strong_actor_ptr& keep);

// -- io operations ------------------------------------------------------------

struct connect_op final : io_op {
  connect_op(weak_actor_ptr self, connect_target target)
    : self(std::move(self)), target(target) {
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    detail::deliver(self, mpx, connect_done_atom::value, int32_t{res});
    return true;
  }
  weak_actor_ptr self;
  connect_target target;
};

// A `recv` into a buffer of its own (`buf` non-empty), or one that selects
// a buffer of the ring's provided-buffer ring when bytes arrive (`buf`
// empty): an idle connection then holds no receive buffer.
struct recv_op final : io_op {
  explicit recv_op(weak_actor_ptr self, size_t size = 0)
    : self(std::move(self)) {
    if (size > 0)
      buf = frame::allocate(size);
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t flags) override {
    frame chunk;
    auto n = res > 0 ? static_cast<size_t>(res) : size_t{0};
    if ((flags & IORING_CQE_F_BUFFER) != 0) {
      auto bid = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
      if (auto* ring = mpx.recv_buffers())
        chunk = ring->take(bid, n);
    } else if (n > 0 && !buf.empty()) {
      // Messages decoded from a chunk share its block; a short read would
      // pin a whole receive buffer per message behind a slow consumer, so
      // it moves into a block of its own size.
      chunk = n < buf.size() / 4 ? frame::copy_of(buf.bytes().first(n))
                                 : buf.slice(0, n);
    }
    if (!deliver_direct(chunk, res))
      detail::deliver(self, mpx, recv_done_atom::value, std::move(chunk),
                      int32_t{res});
    return true;
  }
  // Bytes on a live connection go to the actor without a mailbox trip.
  bool deliver_direct(frame& chunk, int res);
  weak_actor_ptr self;
  frame buf;
};

// Waits until the fd is readable; reports it as `recv_done` with -EAGAIN
// (read again), or the error.
struct poll_op final : io_op {
  explicit poll_op(weak_actor_ptr self) : self(std::move(self)) {
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    detail::deliver(self, mpx, recv_done_atom::value, frame{},
                    int32_t{res < 0 ? res : -EAGAIN});
    return true;
  }
  weak_actor_ptr self;
};

struct send_op final : io_op {
  explicit send_op(weak_actor_ptr self) : self(std::move(self)) {
    std::memset(&msg, 0, sizeof(msg));
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    if (!deliver_direct(res))
      detail::deliver(self, mpx, send_done_atom::value, int32_t{res});
    return true;
  }
  // A write on a live connection is accounted without a mailbox trip.
  bool deliver_direct(int res);
  weak_actor_ptr self;
  std::vector<frame> refs; // keeps the bytes alive until the kernel is done
  std::array<iovec, max_iov> iov{};
  msghdr msg;
};

// -- the actor ----------------------------------------------------------------

class socket_actor_impl
  : public detail::ring_actor<socket_actor::base> {
public:
  using super = detail::ring_actor<socket_actor::base>;

  socket_actor_impl(actor_config& cfg, uring_multiplexer* mpx, int fd,
                    std::optional<connect_target> target,
                    timespan connect_timeout, connect_notice notice)
    : super(cfg, mpx),
      fd_(fd),
      target_(target),
      connect_timeout_(connect_timeout),
      notice_(std::move(notice)) {
    // nop
  }

  const char* name() const override {
    return "monocoque.socket_actor";
  }

  behavior_type make_behavior() override {
    self_ = actor_cast<weak_actor_ptr>(ctrl());
    set_down_handler([this](down_msg& dm) {
      // After a close request, finish the flush (e.g. an ERROR command for
      // the peer) before going.
      if (dm.source == upper_.address() && !closing_)
        quit(dm.reason);
    });
    if (target_) {
      auto* op = new connect_op(self_, *target_);
      auto prep = [&](io_uring_sqe* sqe) {
        io_uring_prep_connect(
          sqe, fd_, reinterpret_cast<const sockaddr*>(&op->target.addr),
          op->target.len);
      };
      // ZMQ_CONNECT_TIMEOUT: the kernel cancels a connect still pending
      // then; the op completes with -ECANCELED and owns nothing else.
      if (connect_timeout_.count() > 0)
        mpx().submit(op, prep, connect_timeout_);
      else
        mpx().submit(op, prep);
    } else {
      connected_ = true;
    }
    return {
      [this](write_atom, std::vector<frame>& bytes, bool report) {
        on_write(bytes, report);
      },
      [this](read_atom, bool enable) {
        if (!upper_) {
          upper_ = actor_cast<socket_upper>(current_sender());
          if (upper_)
            monitor(upper_);
        }
        reading_ = enable;
        pump_read();
      },
      [this](unwritten_atom) -> uint64_t { return accepted_ - written_; },
      [this](close_atom) {
        closing_ = true;
        reading_ = false;
        // Not connected yet: nothing queued can reach the peer (at most our
        // greeting), so waiting for the connect would only hold the close
        // (until the handshake timeout, or the kernel's SYN retries). The
        // connect op still in flight owns nothing of ours; it completes (or
        // the ring's shutdown cancels it) and its notice finds us gone.
        if (!connected_ || (pending_empty() && !sending_))
          quit();
      },
      [this](connect_done_atom, int32_t res) {
        if (res == -ECANCELED && connect_timeout_.count() > 0) {
          auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            connect_timeout_);
          return quit(make_error(errc::connect_failed,
                                 "connect timed out after "
                                   + std::to_string(ms.count())
                                   + " ms (connect_timeout)"));
        }
        if (res < 0)
          return quit(make_error(errc::connect_failed,
                                 std::strerror(-res)));
        connected_ = true;
        notify_connected();
        pump_read();
        pump_write();
      },
      [this](recv_done_atom, frame& chunk, int32_t res) {
        receiving_ = false;
        if (res == -ENOBUFS) {
          // The shared buffer ring ran empty (more reads completed at once
          // than it holds): wait for bytes without holding a buffer, then
          // read once into a buffer of our own. Never retries in a loop.
          mode_ = recv_mode::poll;
          pump_read();
          return;
        }
        if (res == -EAGAIN || res == -EINTR) {
          if (mode_ == recv_mode::poll)
            mode_ = recv_mode::own_buffer;
          pump_read();
          return;
        }
        mode_ = recv_mode::shared;
        if (res < 0)
          return quit(make_error(errc::io_failure,
                                 std::string{"recv: "} + std::strerror(-res)));
        if (res == 0)
          return quit(make_error(errc::connection_closed,
                                 "the peer closed the connection"));
        if (chunk.empty()) // no buffer behind the bytes (cannot happen)
          return quit(make_error(errc::io_failure, "recv: lost buffer"));
        on_bytes(chunk);
      },
      [this](send_done_atom, int32_t res) {
        sending_ = false;
        if (res == -EAGAIN || res == -EINTR) {
          pump_write();
          return;
        }
        if (res < 0)
          return quit(make_error(errc::io_failure,
                                 std::string{"send: "} + std::strerror(-res)));
        on_written(static_cast<size_t>(res));
        if (closing_ && pending_empty())
          return quit();
        pump_write();
      },
    };
  }

  // -- the data path without mailbox trips -------------------------------------
  //
  // Completions and the ZmtpIntegratedActor's writes run on this actor's
  // ring thread, never while it runs (one thread resumes actors and reaps
  // completions in turn). On that path they call these directly instead of
  // sending a message: what never ends the actor (bytes read, bytes
  // written, bytes queued). Everything else (errors, a close, the first
  // `read_atom`) stays a message, handled in the actor's own turn.

  /// Whether the data path may call this actor now.
  bool takes_direct() const noexcept {
    return !exited_ && !closing_ && connected_ && static_cast<bool>(upper_);
  }

  /// `(write_atom, bytes, report)`.
  void on_write(std::vector<frame>& bytes, bool report) {
    for (auto& x : bytes) {
      if (!x.empty()) {
        accepted_ += x.size();
        pending_.push_back(std::move(x));
      }
    }
    if (report) {
      report_at_ = accepted_;
      report_wanted_ = true;
    }
    pump_write();
  }

  /// A recv completed with the bytes of `chunk` (non-empty).
  void on_bytes(frame& chunk) {
    receiving_ = false;
    mode_ = recv_mode::shared;
    if (upper_ && (direct_upper_ == nullptr || !mpx().on_ring_thread()
                   || !direct_upper_->take_bytes(chunk)))
      send(upper_, data_atom::value, std::move(chunk));
    pump_read();
  }

  /// See `attach_upper`.
  void set_direct_upper(direct_upper* upper) noexcept {
    direct_upper_ = upper;
  }

  /// A send completed with `n` bytes written (no error, not closing).
  void on_sent(size_t n) {
    sending_ = false;
    on_written(n);
    pump_write();
  }

  void on_exit() override {
    exited_ = true;
    direct_upper_ = nullptr;
    mpx().close_fd(fd_);
    fd_ = -1;
    upper_ = nullptr;
  }

private:
  // Tells the socket's event subscribers (if any) where the connection
  // runs: the local address exists only now.
  void notify_connected() {
    if (!detail::any_interest(notice_.interest))
      return;
    auto owner = actor_cast<strong_actor_ptr>(notice_.owner);
    if (!owner)
      return;
    socket_event ev;
    ev.type = socket_event_type::connected;
    ev.local_address = detail::socket_address(fd_, true);
    ev.remote_address = detail::socket_address(fd_, false);
    ev.key = notice_.key;
    ev.epoch = notice_.epoch;
    owner->enqueue(ctrl(), make_message_id(),
                   caf::make_message(conn_event_atom::value, std::move(ev)),
                   context());
  }

  void pump_read() {
    if (!reading_ || receiving_ || !connected_ || fd_ < 0)
      return;
    receiving_ = true;
    auto& mpx = this->mpx();
    auto* ring = mpx.recv_buffers();
    if (mode_ == recv_mode::poll) {
      auto* op = new poll_op(self_);
      mpx.submit(op, [&](io_uring_sqe* sqe) {
        io_uring_prep_poll_add(sqe, fd_, POLLIN);
      });
    } else if (ring != nullptr && mode_ == recv_mode::shared) {
      auto* op = new recv_op(self_);
      mpx.submit(op, [&](io_uring_sqe* sqe) {
        io_uring_prep_recv(sqe, fd_, nullptr, ring->buffer_size(), 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = ring->group();
      });
    } else {
      auto* op = new recv_op(self_, mpx.opts().recv_buffer_size);
      mpx.submit(op, [&](io_uring_sqe* sqe) {
        io_uring_prep_recv(sqe, fd_, op->buf.mutable_data(), op->buf.size(),
                           0);
      });
    }
  }

  void pump_write() {
    if (sending_ || pending_empty() || !connected_ || fd_ < 0)
      return;
    sending_ = true;
    auto* op = new send_op(self_);
    size_t n = 0;
    for (auto i = pending_.begin(); i != pending_.end() && n < max_iov; ++i) {
      op->iov[n].iov_base = const_cast<uint8_t*>(i->data());
      op->iov[n].iov_len = i->size();
      op->refs.push_back(*i);
      ++n;
    }
    op->msg.msg_iov = op->iov.data();
    op->msg.msg_iovlen = n;
    mpx().submit(op, [&](io_uring_sqe* sqe) {
      io_uring_prep_sendmsg(sqe, fd_, &op->msg, MSG_NOSIGNAL);
    });
  }

  bool pending_empty() const noexcept {
    return pending_.empty();
  }

  // Accounts `n` written bytes; reports them upwards once a requested
  // total is reached.
  void on_written(size_t n) {
    consume(n);
    written_ += static_cast<uint64_t>(n);
    if (report_wanted_ && written_ >= report_at_) {
      report_wanted_ = false;
      if (upper_)
        send(upper_, wrote_atom::value, written_);
    }
  }

  // Drops `n` written bytes from the front of the queue.
  void consume(size_t n) {
    while (n > 0 && !pending_.empty()) {
      auto& front = pending_.front();
      if (n < front.size()) {
        front = front.slice(n, front.size() - n);
        return;
      }
      n -= front.size();
      pending_.pop_front();
    }
  }

  int fd_;
  std::optional<connect_target> target_;
  timespan connect_timeout_;
  connect_notice notice_;
  weak_actor_ptr self_;
  socket_upper upper_;
  direct_upper* direct_upper_ = nullptr; // the object behind `upper_`
  bool connected_ = false;
  bool reading_ = false;
  bool receiving_ = false;
  bool sending_ = false;
  bool closing_ = false;
  bool exited_ = false;
  enum class recv_mode : uint8_t {
    shared,     // select a buffer of the ring's buffer ring
    poll,       // the buffer ring ran empty: wait for bytes first
    own_buffer, // then read once into a buffer of our own
  };
  recv_mode mode_ = recv_mode::shared;
  // Frames to write, oldest first: the slices the session's output queue
  // drained, one for one (see `output_queue::drain_to`), so this queue sees
  // the bursts that queue sees and keeps an emptied buffer by the same rule
  // (`lazy_queue`: nothing allocated until the first write, up to 64 Ki
  // slots kept for the next burst).
  ::monocoque::zmtp::lazy_queue<frame> pending_;
  uint64_t written_ = 0;  // bytes written, ever
  uint64_t accepted_ = 0; // bytes queued, ever
  uint64_t report_at_ = 0;
  bool report_wanted_ = false;
};

socket_actor_impl* direct_target(const weak_actor_ptr& self,
                                 strong_actor_ptr& keep) {
  keep = actor_cast<strong_actor_ptr>(self);
  if (!keep)
    return nullptr;
  auto* impl = static_cast<socket_actor_impl*>(
    actor_cast<abstract_actor*>(keep));
  // Not past a message waiting for it (e.g. `read_atom(false)`).
  return impl->takes_direct() && detail::idle_for_direct_call(*impl)
           ? impl
           : nullptr;
}

bool recv_op::deliver_direct(frame& chunk, int res) {
  if (res <= 0 || chunk.empty())
    return false;
  strong_actor_ptr keep;
  auto* impl = direct_target(self, keep);
  if (impl == nullptr)
    return false;
  impl->on_bytes(chunk);
  return true;
}

bool send_op::deliver_direct(int res) {
  if (res < 0)
    return false;
  strong_actor_ptr keep;
  auto* impl = direct_target(self, keep);
  if (impl == nullptr)
    return false;
  impl->on_sent(static_cast<size_t>(res));
  return true;
}

} // namespace

void attach_upper(const socket_actor& sock, direct_upper* upper) {
  if (auto* ptr = actor_cast<abstract_actor*>(sock))
    static_cast<socket_actor_impl*>(ptr)->set_direct_upper(upper);
}

bool write_direct(const socket_actor& sock, std::vector<frame>& bytes,
                  bool report) {
  auto* ptr = actor_cast<abstract_actor*>(sock);
  if (ptr == nullptr)
    return false;
  auto* impl = static_cast<socket_actor_impl*>(ptr);
  // Same thread only, not while it runs, and nothing may still wait in its
  // mailbox (a message would then be overtaken).
  if (!impl->mpx().on_ring_thread() || !impl->takes_direct()
      || !detail::idle_for_direct_call(*impl))
    return false;
  impl->on_write(bytes, report);
  return true;
}

socket_actor spawn_socket_actor(actor_system& sys, uring_multiplexer* mpx,
                                int fd, std::optional<connect_target> target,
                                timespan connect_timeout,
                                connect_notice notice) {
  return detail::spawn_on_ring<socket_actor_impl>(sys, mpx, fd, target,
                                                  connect_timeout,
                                                  std::move(notice));
}

} // namespace caf::monocoque
