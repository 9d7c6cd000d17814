#include "caf/monocoque/socket_actor.hpp"

#include "caf/monocoque/detail/deliver.hpp"
#include "caf/monocoque/detail/log.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/errc.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include <sys/uio.h>

#include <array>
#include <cstring>
#include <deque>

namespace caf::monocoque {

namespace {

using detail::io_op;
using detail::uring_multiplexer;

constexpr size_t max_iov = 64;

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

struct recv_op final : io_op {
  recv_op(weak_actor_ptr self, size_t size)
    : self(std::move(self)), buf(frame::allocate(size)) {
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    frame chunk;
    if (res > 0) {
      auto n = static_cast<size_t>(res);
      // Messages decoded from a chunk share its block; a short read would
      // pin a whole receive buffer per message behind a slow consumer, so
      // it moves into a block of its own size.
      chunk = n < buf.size() / 4 ? frame::copy_of(buf.bytes().first(n))
                                 : buf.slice(0, n);
    }
    detail::deliver(self, mpx, recv_done_atom::value, std::move(chunk),
                    int32_t{res});
    return true;
  }
  weak_actor_ptr self;
  frame buf;
};

struct send_op final : io_op {
  explicit send_op(weak_actor_ptr self) : self(std::move(self)) {
    std::memset(&msg, 0, sizeof(msg));
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    detail::deliver(self, mpx, send_done_atom::value, int32_t{res});
    return true;
  }
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
                    std::optional<connect_target> target)
    : super(cfg, mpx), fd_(fd), target_(target) {
    // nop
  }

  const char* name() const override {
    return "monocoque.socket";
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
      mpx().submit(op, [&](io_uring_sqe* sqe) {
        io_uring_prep_connect(
          sqe, fd_, reinterpret_cast<const sockaddr*>(&op->target.addr),
          op->target.len);
      });
    } else {
      connected_ = true;
    }
    return {
      [this](write_atom, std::vector<frame>& bytes, bool report) {
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
      [this](close_atom) {
        closing_ = true;
        reading_ = false;
        if (pending_.empty() && !sending_)
          quit();
      },
      [this](connect_done_atom, int32_t res) {
        if (res < 0)
          return quit(make_error(errc::connect_failed,
                                 std::strerror(-res)));
        connected_ = true;
        pump_read();
        pump_write();
      },
      [this](recv_done_atom, frame& chunk, int32_t res) {
        receiving_ = false;
        if (res == -ENOBUFS || res == -EAGAIN || res == -EINTR) {
          pump_read();
          return;
        }
        if (res < 0)
          return quit(make_error(errc::io_failure,
                                 std::string{"recv: "} + std::strerror(-res)));
        if (res == 0)
          return quit(make_error(errc::connection_closed,
                                 "the peer closed the connection"));
        if (upper_)
          send(upper_, data_atom::value, std::move(chunk));
        pump_read();
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
        consume(static_cast<size_t>(res));
        written_ += static_cast<uint64_t>(res);
        if (report_wanted_ && written_ >= report_at_) {
          report_wanted_ = false;
          if (upper_)
            send(upper_, wrote_atom::value, written_);
        }
        if (closing_ && pending_.empty())
          return quit();
        pump_write();
      },
    };
  }

  void on_exit() override {
    mpx().close_fd(fd_);
    fd_ = -1;
    upper_ = nullptr;
  }

private:
  void pump_read() {
    if (!reading_ || receiving_ || !connected_ || fd_ < 0)
      return;
    receiving_ = true;
    auto* op = new recv_op(self_, mpx().opts().recv_buffer_size);
    mpx().submit(op, [&](io_uring_sqe* sqe) {
      io_uring_prep_recv(sqe, fd_, op->buf.mutable_data(), op->buf.size(), 0);
    });
  }

  void pump_write() {
    if (sending_ || pending_.empty() || !connected_ || fd_ < 0)
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
  weak_actor_ptr self_;
  socket_upper upper_;
  bool connected_ = false;
  bool reading_ = false;
  bool receiving_ = false;
  bool sending_ = false;
  bool closing_ = false;
  std::deque<frame> pending_;
  uint64_t written_ = 0;  // bytes written, ever
  uint64_t accepted_ = 0; // bytes queued, ever
  uint64_t report_at_ = 0;
  bool report_wanted_ = false;
};

} // namespace

socket_actor spawn_socket_actor(actor_system& sys, uring_multiplexer* mpx,
                                int fd, std::optional<connect_target> target) {
  return detail::spawn_on_ring<socket_actor_impl>(sys, mpx, fd, target);
}

} // namespace caf::monocoque
