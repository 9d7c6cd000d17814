#pragma once

// Shared fixture of the interop suites: a real actor_system with the
// caf-monocoque module, a scoped_actor that talks to our sockets with bounded
// requests, a libzmq context for peers, and helpers (multipart <-> strings,
// libzmq send/receive). Raw TCP peers: raw_tcp.hpp and raw_zmtp.hpp.
//
// A suite file defines CAF_SUITE and then includes this header. Every wait
// here is bounded: requests time out after `timeout` and libzmq sockets get
// a receive timeout, so a bug shows up as a failed check, not as a hang.

#include "raw_tcp.hpp"
#include "raw_zmtp.hpp"
#include "test_rings.hpp"
#include "watchdog.hpp"

#include <caf/all.hpp>
#include <caf/monocoque/all.hpp>
#include <caf/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

namespace mq = caf::monocoque;

namespace interop {

using namespace std::chrono_literals;

// -- multipart helpers --------------------------------------------------------

/// Builds a multipart message from string parts.
inline mq::multipart mp(std::initializer_list<std::string> parts) {
  mq::multipart result;
  for (auto& x : parts)
    result.push_back(mq::frame::from_string(x));
  return result;
}

/// Builds a multipart message from a vector of strings.
inline mq::multipart mp(const std::vector<std::string>& parts) {
  mq::multipart result;
  for (auto& x : parts)
    result.push_back(mq::frame::from_string(x));
  return result;
}

/// Returns the parts of `msg` as strings.
inline std::vector<std::string> strs(const mq::multipart& msg) {
  std::vector<std::string> result;
  for (auto& x : msg)
    result.push_back(x.to_string());
  return result;
}

/// Returns `n` bytes of a recognisable pattern (seeded by `seed`).
inline std::string pattern(size_t n, unsigned seed = 0) {
  std::string result(n, '\0');
  for (size_t i = 0; i < n; ++i)
    result[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 8)) & 0xFF);
  return result;
}

/// Returns the port of an endpoint like "tcp://127.0.0.1:5555".
inline uint16_t port_of(const std::string& ep) {
  auto pos = ep.rfind(':');
  return static_cast<uint16_t>(std::stoi(ep.substr(pos + 1)));
}

// -- libzmq helpers -----------------------------------------------------------

/// Creates a libzmq socket that never blocks its context's termination and
/// gives up receiving after `timeout`.
inline zmq::socket_t zsock(zmq::context_t& ctx, zmq::socket_type type) {
  auto ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count());
  zmq::socket_t result{ctx, type};
  result.set(zmq::sockopt::linger, 0);
  result.set(zmq::sockopt::rcvtimeo, ms);
  result.set(zmq::sockopt::sndtimeo, ms);
  return result;
}

/// Returns a loopback endpoint whose port was free a moment ago, for a
/// peer that binds later. Reserved with a raw socket, which closes at once:
/// a libzmq probe would close its listener later in its I/O thread and
/// could accept (and lose) a connection made in the meantime.
inline std::string free_endpoint() {
  uint16_t port = 0;
  {
    auto probe = raw_tcp::listen(port);
    if (!probe.valid())
      return {};
  }
  return "tcp://127.0.0.1:" + std::to_string(port);
}

/// Binds `sock` to a free loopback port and returns the endpoint.
inline std::string zbind(zmq::socket_t& sock) {
  sock.bind("tcp://127.0.0.1:*");
  return sock.get(zmq::sockopt::last_endpoint);
}

/// Receives one multipart message; `timed_out` after the receive timeout.
/// Retries on EINTR (see `raw_tcp`): cppzmq reports it as an exception.
inline std::vector<std::string> zrecv(zmq::socket_t& sock) {
  std::vector<std::string> result;
  for (;;) {
    zmq::message_t part;
    try {
      if (!sock.recv(part))
        return timed_out; // EAGAIN: the receive timeout expired
    } catch (const zmq::error_t& ex) {
      if (ex.num() == EINTR)
        continue;
      throw;
    }
    result.push_back(part.to_string());
    if (!part.more())
      return result;
  }
}

/// Sends a multipart message; false after the send timeout.
inline bool zsend(zmq::socket_t& sock, const std::vector<std::string>& parts) {
  for (size_t i = 0; i < parts.size(); ++i) {
    auto flags =
        i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    for (;;) {
      try {
        if (!sock.send(zmq::buffer(parts[i]), flags))
          return false; // EAGAIN: the send timeout expired
        break;
      } catch (const zmq::error_t& ex) {
        if (ex.num() != EINTR)
          throw;
      }
    }
  }
  return true;
}

/// Returns whether `err` is the monocoque error `code`.
inline bool is_errc(const caf::error& err, mq::errc code) {
  return err.category() == mq::errc_category &&
         err.code() == static_cast<uint8_t>(code);
}

/// Receives one multipart message, waiting at most `limit` (then
/// `timed_out`); the socket's receive timeout is restored afterwards.
inline std::vector<std::string> zrecv_for(zmq::socket_t& sock,
                                          std::chrono::milliseconds limit) {
  auto old = sock.get(zmq::sockopt::rcvtimeo);
  sock.set(zmq::sockopt::rcvtimeo, static_cast<int>(limit.count()));
  auto result = zrecv(sock);
  sock.set(zmq::sockopt::rcvtimeo, old);
  return result;
}

/// Creates a libzmq socket of `type` (see `zsock`), lets `setup` configure
/// it and binds it to `ep`, retrying while a closed predecessor's port is
/// still being released by libzmq's I/O thread (at most `timeout`).
template <class Setup>
zmq::socket_t zrebind(zmq::context_t& ctx, zmq::socket_type type,
                      const std::string& ep, Setup setup) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto sock = zsock(ctx, type);
    setup(sock);
    try {
      sock.bind(ep);
      return sock;
    } catch (const zmq::error_t& ex) {
      if (ex.num() != EADDRINUSE ||
          std::chrono::steady_clock::now() >= deadline)
        CAF_FAIL("cannot bind " << ep << ": " << ex.what());
    }
    std::this_thread::sleep_for(10ms);
  }
}

/// `zrebind` without extra configuration.
inline zmq::socket_t zrebind(zmq::context_t& ctx, zmq::socket_type type,
                             const std::string& ep) {
  return zrebind(ctx, type, ep, [](zmq::socket_t&) {});
}

/// Returns the index of the first of `socks` with a message to read within
/// `limit`, or -1.
inline int zreadable(const std::vector<zmq::socket_t*>& socks,
                     std::chrono::milliseconds limit) {
  std::vector<zmq::pollitem_t> items;
  for (auto* s : socks)
    items.push_back({s->handle(), 0, ZMQ_POLLIN, 0});
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0)
      return -1;
    try {
      if (zmq::poll(items, left) > 0)
        break;
      return -1;
    } catch (const zmq::error_t& ex) {
      if (ex.num() != EINTR)
        throw;
    }
  }
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].revents & ZMQ_POLLIN)
      return static_cast<int>(i);
  return -1;
}

// -- the fixture --------------------------------------------------------------

/// An actor_system_config with the monocoque module loaded, running
/// $MONOCOQUE_TEST_IO_THREADS rings if set (see test_rings.hpp).
struct module_config : mq::config {
  module_config() {
    load<mq::module>();
    use_test_io_threads(*this);
  }
};

/// Talks to our sockets from a scoped_actor of `host`, with bounded waits.
/// The verbs are templates over the socket handle (`mq::dealer_actor`,
/// `mq::router_actor`, `mq::req_actor`, ...): each one only compiles for
/// handles that have the verb.
struct client {
  caf::actor_system& host;
  caf::scoped_actor self;

  explicit client(caf::actor_system& sys) : host(sys), self(sys) {
    // nop
  }

  /// The module's default socket options.
  mq::socket_options defaults() {
    auto* mod = mq::module::from(host);
    CAF_REQUIRE(mod != nullptr);
    return mq::socket_options::from(mod->opts());
  }

  // -- spawning ---------------------------------------------------------------

  /// Spawns a dealer with the default options.
  mq::dealer_actor dealer() { return mq::spawn_dealer(host, defaults()); }

  /// Spawns a dealer with `opts`.
  mq::dealer_actor dealer(mq::socket_options opts) {
    return mq::spawn_dealer(host, std::move(opts));
  }

  /// Spawns a ROUTER with `opts` (default: the module's defaults).
  mq::router_actor router_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_router(host, opts ? std::move(*opts) : defaults());
  }

  /// Spawns a REQ with `opts` (default: the module's defaults).
  mq::req_actor req_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_req(host, opts ? std::move(*opts) : defaults());
  }

  /// Spawns a REP with `opts` (default: the module's defaults).
  mq::rep_actor rep_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_rep(host, opts ? std::move(*opts) : defaults());
  }

  /// Spawns a PUSH with `opts` (default: the module's defaults).
  mq::push_actor push_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_push(host, opts ? std::move(*opts) : defaults());
  }

  /// Spawns a PULL with `opts` (default: the module's defaults).
  mq::pull_actor pull_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_pull(host, opts ? std::move(*opts) : defaults());
  }

  /// Spawns a PAIR with `opts` (default: the module's defaults).
  mq::pair_actor pair_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_pair(host, opts ? std::move(*opts) : defaults());
  }

  // -- socket verbs -----------------------------------------------------------

  /// Binds `d` to a free loopback port; returns the endpoint ("" on error).
  template <class Handle>
  std::string bind(const Handle& d,
                   const std::string& ep = "tcp://127.0.0.1:*") {
    std::string result;
    self->request(d, timeout, mq::bind_atom::value, ep)
        .receive([&](std::string& bound) { result = std::move(bound); },
                 [&](caf::error& err) {
                   CAF_FAIL("bind " << ep << " failed: " << host.render(err));
                 });
    return result;
  }

  /// Connects `d` to `ep`.
  template <class Handle> void connect(const Handle& d, const std::string& ep) {
    self->request(d, timeout, mq::connect_atom::value, ep)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) {
                   CAF_FAIL("connect " << ep
                                       << " failed: " << host.render(err));
                 });
  }

  /// Sends `msg` through `d`; returns the error if it was not acknowledged
  /// within `limit`.
  template <class Handle>
  caf::error try_send(const Handle& d, mq::multipart msg,
                      caf::timespan limit = timeout) {
    caf::error result;
    self->request(d, limit, mq::send_atom::value, std::move(msg))
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Sends `msg` through `d`; fails the test if it is not acknowledged.
  template <class Handle> void send(const Handle& d, mq::multipart msg) {
    if (auto err = try_send(d, std::move(msg)))
      CAF_FAIL("send not acknowledged: " << host.render(err));
  }

  /// Receives the next message of `d` within `limit`; the socket enforces
  /// the deadline itself (`(recv_atom, timespan)`), so a recv that timed out
  /// leaves nothing behind. Returns the message or the error (e.g.
  /// `errc::timed_out`, `errc::wrong_state`).
  template <class Handle>
  caf::expected<mq::multipart> try_recv(const Handle& d,
                                        caf::timespan limit = timeout) {
    caf::expected<mq::multipart> result{mq::make_error(mq::errc::timed_out)};
    // The request itself waits longer: the socket's answer comes first.
    self->request(d, limit + timeout, mq::recv_atom::value, limit)
        .receive([&](mq::multipart& msg) { result = std::move(msg); },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Receives the next message of `d` within `limit`; nullopt on error.
  template <class Handle>
  std::optional<mq::multipart> recv(const Handle& d, caf::timespan limit) {
    auto res = try_recv(d, limit);
    if (!res) {
      CAF_MESSAGE("recv failed: " << host.render(res.error()));
      return std::nullopt;
    }
    return std::move(*res);
  }

  /// Receives the next message of `d` within `timeout`; nullopt on error.
  template <class Handle> std::optional<mq::multipart> recv(const Handle& d) {
    return recv(d, timeout);
  }

  /// Receives the next message of `d` as strings; `timed_out` on error.
  template <class Handle>
  std::vector<std::string> recv_strs(const Handle& d,
                                     caf::timespan limit = timeout) {
    auto msg = recv(d, limit);
    if (!msg)
      return timed_out;
    return strs(*msg);
  }

  /// Returns the number of peers of `d` whose handshake completed.
  template <class Handle> uint64_t status(const Handle& d) {
    uint64_t result = UINT64_MAX;
    self->request(d, timeout, mq::status_atom::value)
        .receive([&](uint64_t n) { result = n; },
                 [&](caf::error& err) {
                   CAF_MESSAGE("status failed: " << host.render(err));
                 });
    return result;
  }

  /// Returns the introspection of `d` (`type` is empty on error).
  template <class Handle> mq::socket_stats stats(const Handle& d) {
    mq::socket_stats result;
    self->request(d, timeout, mq::stats_atom::value)
        .receive([&](mq::socket_stats& x) { result = std::move(x); },
                 [&](caf::error& err) {
                   CAF_MESSAGE("stats failed: " << host.render(err));
                 });
    return result;
  }

  /// Polls `status(d)` until it equals `n` or `limit` passes.
  template <class Handle>
  bool await_status(const Handle& d, uint64_t n,
                    caf::timespan limit = timeout) {
    return await([&] { return status(d) == n; }, limit);
  }

  /// Polls `pred()` every few ms until it holds or `limit` passes.
  template <class Predicate>
  static bool await(Predicate pred, caf::timespan limit = timeout) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (pred())
        return true;
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(5ms);
    }
  }

  /// Closes `d`; returns whether it acknowledged within `limit`.
  template <class Handle>
  bool close(const Handle& d, caf::timespan limit = timeout) {
    bool result = false;
    self->request(d, limit, mq::close_atom::value)
        .receive([&](caf::ok_atom) { result = true; },
                 [&](caf::error& err) {
                   CAF_MESSAGE("close failed: " << host.render(err));
                 });
    return result;
  }
};

/// Owns a real actor system with the monocoque module loaded.
struct system_holder {
  module_config cfg;
  caf::actor_system sys{cfg};
};

/// A real actor system plus a client (scoped_actor) and a libzmq context.
/// libzmq sockets are test-local and closed (linger 0) before `ctx` goes.
struct fixture : system_holder, client {
  zmq::context_t ctx;

  fixture() : client(system_holder::sys) {
    // nop
  }
};

} // namespace interop
