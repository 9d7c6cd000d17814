#pragma once

// Deterministic tests of inproc:// connections between real sockets under
// CAF's test coordinator (suites inproc and inproc_types).
//
// No fake: every socket is a real one spawned with `on_ring = false`, and
// the pipe between two of them is an ordinary actor, so every message runs
// on the test coordinator. The module is loaded (sockets refuse to run
// without it) but no ring is used.
//
// Virtual time stands still unless a test lets it pass: `settle()` runs
// every job and fires no timer (CAF's `run()` would fire every pending
// timer, and a connect endpoint that keeps retrying would never let it
// end); `elapse(d)` advances the clock by `d` and settles. Every request
// comes from a scoped actor of its own and is answered, withheld (visible
// as such: no reply after settling) or, for `recv`, timed out by the
// socket after a virtual second: nothing ever blocks the test.
//
// Include it first: CAF 0.17.6 needs FAIL defined before <caf/test/dsl.hpp>.

#ifndef FAIL
#define FAIL(msg) CAF_FAIL(msg) // CAF 0.17.6: the fixture's request<T>
#endif

#include "caf/monocoque/all.hpp"
#include "caf/monocoque/internal/inproc_registry.hpp"
#include "caf/monocoque/module.hpp"

#include <caf/test/dsl.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque::inproc_test {

// -- message helpers ----------------------------------------------------------

using strings = std::vector<std::string>;

/// Builds a multipart message from strings.
inline multipart mp(std::initializer_list<std::string> parts) {
  multipart result;
  for (auto& x : parts)
    result.push_back(frame::from_string(x));
  return result;
}

/// Returns the frames of `msg` as strings.
inline strings strs(const multipart& msg) {
  strings result;
  for (auto& x : msg)
    result.push_back(x.to_string());
  return result;
}

/// Returns whether `err` is the monocoque error `x`.
inline bool is(const error& err, errc x) {
  return err.category() == errc_category
         && err.code() == static_cast<uint8_t>(x);
}

/// Socket options with the given high-water marks.
inline socket_options hwms(size_t sndhwm, size_t rcvhwm) {
  socket_options opts;
  opts.sndhwm = sndhwm;
  opts.rcvhwm = rcvhwm;
  return opts;
}

/// Socket options with an identity (ZMQ_ROUTING_ID).
inline socket_options named(std::string identity) {
  socket_options opts;
  opts.identity = std::move(identity);
  return opts;
}

/// The peers of `st` whose endpoint is `ep`.
inline std::vector<peer_stats> peers_at(const socket_stats& st,
                                        const std::string& ep) {
  std::vector<peer_stats> result;
  for (auto& p : st.peers)
    if (p.endpoint == ep)
      result.push_back(p);
  return result;
}

/// What an event subscriber of `watch` got.
using event_log = std::shared_ptr<std::vector<socket_event>>;

/// Records every event it is sent.
inline behavior event_collector(event_based_actor*, event_log log) {
  return {
    [log](event_atom, socket_event& ev) { log->push_back(std::move(ev)); },
  };
}

/// The kinds of `log`, in order, leaving out `connect_delayed`.
inline strings kinds(const event_log& log) {
  strings result;
  for (auto& ev : *log)
    if (ev.type != socket_event_type::connect_delayed)
      result.push_back(to_string(ev.type));
  return result;
}

// -- fixture ------------------------------------------------------------------

/// Loads the module; its ring runs for real but nothing here uses it.
struct test_config : caf::monocoque::config {
  test_config() {
    load<caf::monocoque::module>();
  }
};

/// A `send` whose reply may still be withheld: its own requester.
struct pending_send {
  /// The requester (one per pending send).
  std::shared_ptr<scoped_actor> me;
  /// Takes the reply (call only when `answered()`): none for `ok`.
  std::function<error()> take;

  /// Whether the socket answered.
  bool answered() const {
    return !(*me)->mailbox().empty();
  }
};

struct fixture : test_coordinator_fixture<test_config> {
  /// Upper bound of jobs per `settle()`: a livelock fails instead of hanging.
  static constexpr size_t max_jobs = 2'000'000;

  /// Every socket spawned by `make`, killed by the destructor.
  std::vector<actor> sockets;

  ~fixture() override {
    for (auto& x : sockets)
      anon_send_exit(x, exit_reason::kill);
    settle();
  }

  // -- scheduling -------------------------------------------------------------

  /// Runs every job, fires no timer (virtual time stands still).
  size_t settle() {
    size_t n = 0;
    while (n < max_jobs && sched.try_run_once())
      ++n;
    CAF_REQUIRE(n < max_jobs);
    return n;
  }

  /// Lets `d` of virtual time pass (timers due by then fire) and settles.
  void elapse(timespan d) {
    sched.advance_time(d);
    settle();
  }

  // -- sockets ----------------------------------------------------------------

  /// Spawns a socket on the scheduler (not on a ring) and remembers it.
  template <class Handle>
  Handle make(Handle (*spawn)(actor_system&, socket_options),
              socket_options opts = {}) {
    opts.on_ring = false; // under the test coordinator
    auto hdl = spawn(sys, std::move(opts));
    settle();
    sockets.push_back(actor_cast<actor>(hdl));
    return hdl;
  }

  /// Kills `s` with `reason` and settles.
  template <class Handle>
  void kill(const Handle& s, exit_reason reason = exit_reason::kill) {
    anon_send_exit(actor_cast<actor>(s), reason);
    settle();
  }

  /// Sends a request built from `xs` to `s` and returns its reply, or the
  /// error (`errc::timed_out` "withheld" when the socket has not answered).
  template <class T, class Handle, class... Ts>
  expected<T> ask(const Handle& s, Ts... xs) {
    scoped_actor me{sys, true};
    auto h = me->request(actor_cast<actor>(s), infinite, std::move(xs)...);
    settle();
    if (me->mailbox().empty())
      return make_error(errc::timed_out, "withheld");
    expected<T> result{error{}};
    h.receive([&](T& x) { result = std::move(x); },
              [&](error& err) { result = std::move(err); });
    return result;
  }

  /// Like `ask`, for verbs answering `ok`: none, or the error.
  template <class Handle, class... Ts>
  error ask_ok(const Handle& s, Ts... xs) {
    auto res = ask<ok_atom>(s, std::move(xs)...);
    return res ? error{} : res.error();
  }

  /// Binds `s` to `ep`; returns the bound endpoint or the error.
  template <class Handle>
  expected<std::string> bind(const Handle& s, const std::string& ep) {
    return ask<std::string>(s, bind_atom::value, ep);
  }

  /// Connects `s` to `ep`; none or the error.
  template <class Handle>
  error connect(const Handle& s, const std::string& ep) {
    return ask_ok(s, connect_atom::value, ep);
  }

  /// Sends `msg` through `s`; none for `ok`, the error, or `errc::timed_out`
  /// when the reply is withheld (use `send_pending` where that may happen).
  template <class Handle>
  error send(const Handle& s, multipart msg) {
    return ask_ok(s, send_atom::value, std::move(msg));
  }

  /// Sends `msg` through `s` and returns the request, answered or not.
  template <class Handle>
  pending_send send_pending(const Handle& s, multipart msg) {
    pending_send result;
    result.me = std::make_shared<scoped_actor>(sys, true);
    auto h = (*result.me)
               ->request(actor_cast<actor>(s), infinite, send_atom::value,
                         std::move(msg));
    result.take = [h]() mutable {
      error err;
      h.receive([](ok_atom) {}, [&](error& x) { err = std::move(x); });
      return err;
    };
    settle();
    return result;
  }

  /// Takes the next message of `s`: the message, or the socket's error
  /// (`errc::timed_out` when none arrived within a virtual second).
  template <class Handle>
  expected<multipart> recv(const Handle& s) {
    scoped_actor me{sys, true};
    auto h = me->request(actor_cast<actor>(s), infinite, recv_atom::value,
                         timespan{std::chrono::seconds{1}});
    settle();
    if (me->mailbox().empty())
      elapse(std::chrono::seconds{1});
    if (me->mailbox().empty())
      return make_error(errc::timed_out, "no reply to a timed recv");
    expected<multipart> result{error{}};
    h.receive([&](multipart& x) { result = std::move(x); },
              [&](error& err) { result = std::move(err); });
    return result;
  }

  /// Takes the next message of `s` as strings (empty on error, which fails
  /// the check).
  template <class Handle>
  strings recv_strs(const Handle& s) {
    auto res = recv(s);
    CAF_CHECK(res);
    if (!res) {
      CAF_MESSAGE("recv failed: " << sys.render(res.error()));
      return {};
    }
    return strs(*res);
  }

  /// Whether `s` has no message to take now.
  template <class Handle>
  bool nothing_for(const Handle& s) {
    auto res = recv(s);
    return !res && is(res.error(), errc::timed_out);
  }

  /// Returns the introspection of `s`.
  template <class Handle>
  socket_stats stats(const Handle& s) {
    auto res = ask<socket_stats>(s, stats_atom::value);
    CAF_REQUIRE(res);
    return *res;
  }

  /// Number of inproc names bound in the actor system (the module's
  /// registry).
  size_t names_bound() {
    auto* mod = caf::monocoque::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    return mod->inproc().bound();
  }

  /// Number of peers of `s` whose handshake completed.
  template <class Handle>
  uint64_t status(const Handle& s) {
    auto res = ask<uint64_t>(s, status_atom::value);
    CAF_REQUIRE(res);
    return *res;
  }

  /// The one peer of `s` (fails the test unless there is exactly one).
  template <class Handle>
  peer_stats only_peer(const Handle& s) {
    auto st = stats(s);
    CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
    return st.peers.front();
  }

  /// A fresh inproc endpoint for each call of a test.
  std::string fresh(const std::string& base) {
    return "inproc://" + base + "-" + std::to_string(++names_);
  }

  /// Binds `binder` and connects `connector` to a fresh name; requires both
  /// to succeed and both peers up. Returns the endpoint.
  template <class B, class C>
  std::string link(const B& binder, const C& connector,
                   const std::string& base = "link") {
    auto ep = fresh(base);
    auto bound = bind(binder, ep);
    CAF_REQUIRE(bound);
    CAF_REQUIRE_EQUAL(*bound, ep);
    CAF_REQUIRE_EQUAL(connect(connector, ep), error{});
    CAF_REQUIRE_EQUAL(status(binder), 1u);
    CAF_REQUIRE_EQUAL(status(connector), 1u);
    return ep;
  }

  /// Subscribes a fresh collector to every event of `s`.
  template <class Handle>
  event_log watch(const Handle& s) {
    auto log = std::make_shared<std::vector<socket_event>>();
    auto hdl = sys.spawn(event_collector, log);
    CAF_REQUIRE_EQUAL(ask_ok(s, monitor_atom::value, actor{hdl},
                             all_socket_events),
                      error{});
    return log;
  }

  /// Writes numbered messages with `writer` until a send is withheld;
  /// returns how many were acknowledged, and the withheld send.
  template <class Handle>
  std::pair<size_t, pending_send> fill(const Handle& writer, size_t limit) {
    for (size_t n = 0; n < limit; ++n) {
      auto p = send_pending(writer, mp({std::to_string(n)}));
      if (!p.answered())
        return {n, std::move(p)};
      CAF_REQUIRE_EQUAL(p.take(), error{});
    }
    CAF_FAIL("no send was withheld after " << limit << " messages");
    return {};
  }

private:
  size_t names_ = 0;
};

} // namespace caf::monocoque::inproc_test
