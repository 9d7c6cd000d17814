#pragma once

// Shared by the socket_events suites: an actor system with the module, an
// event collector (a subscriber that records what it gets), and bounded
// waits on what was recorded. Nothing here asserts timings: every wait
// only bounds how long a test may hang.

#include "caf/monocoque/all.hpp"
#include "error_helpers.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace monocoque_test {

namespace mq = caf::monocoque;
using ev_type = mq::socket_event_type;

/// What one subscriber got, in order.
class event_log {
public:
  /// Records `ev` (called by the collector actor).
  void add(mq::socket_event ev) {
    std::lock_guard<std::mutex> guard{mtx_};
    events_.push_back(std::move(ev));
    cv_.notify_all();
  }

  /// Waits (at most `limit`) for an event that `pred` accepts, at index
  /// `from` or later; returns its index.
  std::optional<size_t>
  wait_for(const std::function<bool(const mq::socket_event&)>& pred,
           size_t from = 0, std::chrono::seconds limit = std::chrono::seconds{
                              10}) {
    std::unique_lock<std::mutex> guard{mtx_};
    std::optional<size_t> found;
    cv_.wait_for(guard, limit, [&] {
      for (auto i = from; i < events_.size(); ++i)
        if (pred(events_[i])) {
          found = i;
          return true;
        }
      return false;
    });
    return found;
  }

  /// Waits for the first event of kind `t` (at or after `from`).
  std::optional<mq::socket_event> wait(ev_type t, size_t from = 0) {
    auto i = wait_for([t](const mq::socket_event& e) { return e.type == t; },
                      from);
    if (!i)
      return std::nullopt;
    return at(*i);
  }

  /// Waits until `n` events of kind `t` were recorded; returns whether
  /// they were.
  bool wait_n(ev_type t, size_t n,
              std::chrono::seconds limit = std::chrono::seconds{10}) {
    std::unique_lock<std::mutex> guard{mtx_};
    return cv_.wait_for(guard, limit, [&] {
      size_t k = 0;
      for (auto& e : events_)
        k += e.type == t ? 1 : 0;
      return k >= n;
    });
  }

  /// Returns the index of the first event of kind `t`, waiting for it.
  std::optional<size_t> index_of(ev_type t, size_t from = 0) {
    return wait_for([t](const mq::socket_event& e) { return e.type == t; },
                    from);
  }

  /// Returns event `i`.
  mq::socket_event at(size_t i) {
    std::lock_guard<std::mutex> guard{mtx_};
    return events_.at(i);
  }

  /// Returns everything recorded so far.
  std::vector<mq::socket_event> all() {
    std::lock_guard<std::mutex> guard{mtx_};
    return events_;
  }

  /// Returns how many events of kind `t` were recorded.
  size_t count(ev_type t) {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (auto& e : events_)
      n += e.type == t ? 1 : 0;
    return n;
  }

  /// Returns the recorded events as one line each (for messages).
  std::string render() {
    std::lock_guard<std::mutex> guard{mtx_};
    std::string out;
    for (auto& e : events_)
      out += "\n  " + to_string(e);
    return out;
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<mq::socket_event> events_;
};

using event_log_ptr = std::shared_ptr<event_log>;

/// Whether `x` starts with `prefix`.
inline bool starts_with(const std::string& x, const std::string& prefix) {
  return x.compare(0, prefix.size(), prefix) == 0;
}

/// The fixture of the event suites.
struct events_fixture {
  mq::config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;

  events_fixture() {
    cfg.load<mq::module>();
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
  }

  ~events_fixture() {
    self.reset();
  }

  /// Spawns a subscriber that records into a fresh log.
  std::pair<caf::actor, event_log_ptr> collector() {
    auto log = std::make_shared<event_log>();
    auto hdl = sys->spawn([log](caf::event_based_actor*) -> caf::behavior {
      return {[log](mq::event_atom, mq::socket_event& ev) {
        log->add(std::move(ev));
      }};
    });
    return {hdl, log};
  }

  /// Subscribes a fresh collector to `sock` with `mask`.
  template <class Handle>
  event_log_ptr subscribe(const Handle& sock,
                          mq::socket_event_mask mask = mq::all_socket_events) {
    auto [hdl, log] = collector();
    CAF_REQUIRE(!monitor(sock, hdl, mask));
    return log;
  }

  template <class Handle>
  caf::error monitor(const Handle& sock, const caf::actor& who,
                     mq::socket_event_mask mask) {
    caf::error result;
    (*self)
      ->request(sock, std::chrono::seconds{5}, mq::monitor_atom::value, who,
                mask)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  template <class Handle>
  caf::error unmonitor(const Handle& sock, const caf::actor& who) {
    caf::error result;
    (*self)
      ->request(sock, std::chrono::seconds{5}, mq::unmonitor_atom::value, who)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  template <class Handle>
  caf::expected<std::string> bind(const Handle& sock, const std::string& ep) {
    caf::expected<std::string> result{caf::error{}};
    (*self)
      ->request(sock, std::chrono::seconds{5}, mq::bind_atom::value, ep)
      .receive([&](std::string& s) { result = std::move(s); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  /// Sends a one-string request answered by `ok` (connect, unbind,
  /// disconnect) and returns its error.
  template <class Atom, class Handle>
  caf::error call(const Handle& sock, Atom atom, const std::string& ep) {
    caf::error result;
    (*self)
      ->request(sock, std::chrono::seconds{5}, atom, ep)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  template <class Handle>
  caf::error connect(const Handle& sock, const std::string& ep) {
    return call(sock, mq::connect_atom::value, ep);
  }

  template <class Handle>
  void close(const Handle& sock) {
    (*self)
      ->request(sock, std::chrono::seconds{10}, mq::close_atom::value)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  }

  template <class Handle>
  mq::socket_stats stats(const Handle& sock) {
    mq::socket_stats result;
    (*self)
      ->request(sock, std::chrono::seconds{5}, mq::stats_atom::value)
      .receive([&](mq::socket_stats& s) { result = std::move(s); },
               [](caf::error&) {});
    return result;
  }

  /// Options with fast reconnects and no linger (tests stay short).
  static mq::socket_options fast() {
    mq::socket_options opts;
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.linger = std::chrono::milliseconds{0};
    return opts;
  }
};

/// The port of "tcp://host:port".
inline std::string port_of(const std::string& ep) {
  return ep.substr(ep.rfind(':') + 1);
}

} // namespace monocoque_test
