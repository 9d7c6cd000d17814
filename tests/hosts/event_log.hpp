#pragma once

// Records the events of one of our sockets (`(monitor_atom, subscriber,
// mask)`), each stamped with `now_ns` when it arrived, for the host suites:
// who noticed a dead peer when, and why.

#include "hosts_fixture.hpp"

#include <memory>
#include <mutex>

namespace hosts {

/// One recorded event.
struct logged_event {
  /// When the subscriber got it (`now_ns`).
  int64_t at = 0;
  /// The event.
  mq::socket_event ev;
};

/// Subscribes an actor of its own to a socket's events and keeps them.
class event_log {
public:
  /// Subscribes to `mask` of `sock`'s events (fails the test if the socket
  /// does not acknowledge).
  template <class Handle>
  event_log(client& c, const Handle& sock, mq::socket_event_mask mask)
    : state_(std::make_shared<state>()) {
    auto st = state_;
    recorder_ = c.host.spawn([st]() -> caf::behavior {
      return {
        [st](mq::event_atom, mq::socket_event& ev) {
          std::lock_guard<std::mutex> guard{st->mtx};
          st->events.push_back({now_ns(), std::move(ev)});
        },
      };
    });
    c.self
      ->request(sock, interop::timeout, mq::monitor_atom::value, recorder_,
                mask)
      .receive([](caf::ok_atom) {},
               [&](caf::error& err) {
                 CAF_FAIL("monitor failed: " << c.host.render(err));
               });
  }

  ~event_log() {
    caf::anon_send_exit(recorder_, caf::exit_reason::user_shutdown);
  }

  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  /// The first event of `type` at or after `since` (and, when `key` is not
  /// zero, of that connection incarnation).
  std::optional<logged_event> first(mq::socket_event_type type, int64_t since,
                                    uint64_t key = 0, uint64_t epoch = 0) {
    std::lock_guard<std::mutex> guard{state_->mtx};
    for (auto& x : state_->events)
      if (x.ev.type == type && x.at >= since
          && (key == 0 || (x.ev.key == key && x.ev.epoch == epoch)))
        return x;
    return std::nullopt;
  }

  /// Every event recorded so far.
  std::vector<logged_event> all() {
    std::lock_guard<std::mutex> guard{state_->mtx};
    return state_->events;
  }

private:
  struct state {
    std::mutex mtx;
    std::vector<logged_event> events;
  };

  std::shared_ptr<state> state_;
  caf::actor recorder_;
};

} // namespace hosts
