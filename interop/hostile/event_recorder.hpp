#pragma once

// Records the events of one of our sockets (`(monitor_atom, subscriber,
// mask)`) for the hostile suites: accept failures at the descriptor limit,
// failed handshakes and disconnects of a client facing a hostile server.

#include "interop_fixture.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace hostile {

/// Subscribes an actor of its own to a socket's events and keeps them.
class event_recorder {
public:
  /// Subscribes to `mask` of `sock`'s events (fails the test if the socket
  /// does not acknowledge).
  template <class Handle>
  event_recorder(interop::client& c, const Handle& sock,
                 mq::socket_event_mask mask = mq::all_socket_events)
      : state_(std::make_shared<state>()) {
    auto st = state_;
    recorder_ = c.host.spawn([st]() -> caf::behavior {
      return {
          [st](mq::event_atom, mq::socket_event& ev) {
            std::lock_guard<std::mutex> guard{st->mtx};
            st->events.push_back(std::move(ev));
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

  ~event_recorder() {
    caf::anon_send_exit(recorder_, caf::exit_reason::user_shutdown);
  }

  event_recorder(const event_recorder&) = delete;

  event_recorder& operator=(const event_recorder&) = delete;

  /// Number of events of `type` so far whose reason contains `needle`.
  size_t count(mq::socket_event_type type, const std::string& needle = {}) {
    std::lock_guard<std::mutex> guard{state_->mtx};
    size_t n = 0;
    for (auto& x : state_->events)
      n += x.type == type && x.reason.find(needle) != std::string::npos;
    return n;
  }

  /// Number of events of `type` recorded after the first one of `after`
  /// (all of them if none of `after` came).
  size_t count_after(mq::socket_event_type type,
                     mq::socket_event_type after) {
    std::lock_guard<std::mutex> guard{state_->mtx};
    size_t n = 0;
    bool seen = false;
    for (auto& x : state_->events) {
      seen = seen || x.type == after;
      n += seen && x.type == type;
    }
    return n;
  }

  /// Waits until `count(type, needle) >= n` or `limit` passes.
  bool await(mq::socket_event_type type, size_t n,
             caf::timespan limit = interop::timeout,
             const std::string& needle = {}) {
    return interop::client::await([&] { return count(type, needle) >= n; },
                                  limit);
  }

  /// Every event so far, one `to_string` per line (for failure messages).
  std::string lines() {
    std::lock_guard<std::mutex> guard{state_->mtx};
    std::string result;
    for (auto& x : state_->events)
      result += mq::to_string(x) + '\n';
    return result;
  }

  /// Every event so far.
  std::vector<mq::socket_event> all() {
    std::lock_guard<std::mutex> guard{state_->mtx};
    return state_->events;
  }

private:
  struct state {
    std::mutex mtx;
    std::vector<mq::socket_event> events;
  };

  std::shared_ptr<state> state_;
  caf::actor recorder_;
};

} // namespace hostile
