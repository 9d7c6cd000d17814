#include "caf/monocoque/internal/listener_actor.hpp"

#include "caf/monocoque/internal/deliver.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/errc.hpp"

#include <cstring>

namespace caf::monocoque {

namespace {

using detail::io_op;
using detail::uring_multiplexer;

struct accept_op final : io_op {
  explicit accept_op(weak_actor_ptr self) : self(std::move(self)) {
  }
  bool complete(uring_multiplexer& mpx, int res, uint32_t) override {
    // The fd travels owned: if nobody handles the message, it is closed.
    auto fd = std::make_shared<detail::fd_guard>(res >= 0 ? res : -1);
    detail::deliver(self, mpx, accept_done_atom::value, int32_t{res},
                    std::move(fd));
    return true;
  }
  weak_actor_ptr self;
};

class listener_actor_impl : public detail::ring_actor<listener_actor::base> {
public:
  using super = detail::ring_actor<listener_actor::base>;

  listener_actor_impl(actor_config& cfg, uring_multiplexer* mpx, int fd,
                      weak_actor_ptr owner, uint64_t key,
                      detail::event_interest interest)
    : super(cfg, mpx),
      fd_(fd),
      owner_(std::move(owner)),
      key_(key),
      interest_(std::move(interest)) {
    // nop
  }

  const char* name() const override {
    return "monocoque.listener";
  }

  behavior_type make_behavior() override {
    self_ = actor_cast<weak_actor_ptr>(ctrl());
    set_down_handler([this](down_msg&) { quit(); });
    if (auto owner = actor_cast<actor>(owner_))
      monitor(owner);
    else
      quit();
    arm();
    return {
      [this](close_atom) { quit(); },
      [this](accept_done_atom, int32_t res, detail::owned_fd& fd) {
        accepting_ = false;
        if (res >= 0) {
          failing_ = false;
          detail::tune_accepted(res);
          if (auto ptr = actor_cast<strong_actor_ptr>(owner_))
            ptr->enqueue(ctrl(), make_message_id(),
                         caf::make_message(accepted_atom::value, key_,
                                      std::move(fd)),
                         context());
        } else if (res != -EAGAIN && res != -EINTR && res != -ECONNABORTED) {
          // Once per streak of failures: at the fd limit the retries below
          // come every 100 ms.
          if (!failing_) {
            detail::log::uring()->warn("accept failed: {} (retrying every "
                                       "100 ms)", std::strerror(-res));
            report_accept_failed(res);
          }
          failing_ = true;
          if (res == -EMFILE || res == -ENFILE || res == -ENOBUFS
              || res == -ENOMEM) {
            // Out of descriptors or memory: back off instead of spinning.
            delayed_send(this, std::chrono::milliseconds{100},
                         accept_done_atom::value, int32_t{-EAGAIN},
                         std::make_shared<detail::fd_guard>(-1));
            return;
          }
        }
        arm();
      },
    };
  }

  void on_exit() override {
    mpx().close_fd(fd_);
    fd_ = -1;
  }

private:
  // Tells the socket's event subscribers (if any); `key` names this
  // listener, the owner replaces it with the bound endpoint.
  void report_accept_failed(int res) {
    if (!detail::any_interest(interest_))
      return;
    auto ptr = actor_cast<strong_actor_ptr>(owner_);
    if (!ptr)
      return;
    socket_event ev;
    ev.type = socket_event_type::accept_failed;
    ev.key = key_;
    ev.reason = std::string{"accept: "} + std::strerror(-res);
    ptr->enqueue(ctrl(), make_message_id(),
                 caf::make_message(conn_event_atom::value, std::move(ev)),
                 context());
  }

  void arm() {
    if (accepting_ || fd_ < 0)
      return;
    accepting_ = true;
    auto* op = new accept_op(self_);
    mpx().submit(op, [&](io_uring_sqe* sqe) {
      io_uring_prep_accept(sqe, fd_, nullptr, nullptr, SOCK_CLOEXEC);
    });
  }

  int fd_;
  weak_actor_ptr owner_;
  uint64_t key_;
  detail::event_interest interest_;
  weak_actor_ptr self_;
  bool accepting_ = false;
  bool failing_ = false; // the last accept failed (logged once per streak)
};

} // namespace

listener_actor spawn_listener_actor(actor_system& sys, uring_multiplexer* mpx,
                                    int fd, weak_actor_ptr owner,
                                    uint64_t key,
                                    detail::event_interest interest) {
  return detail::spawn_on_ring<listener_actor_impl>(
    sys, mpx, fd, std::move(owner), key, std::move(interest));
}

} // namespace caf::monocoque
