#pragma once

// Helpers shared by the patterns of monocoque-demo: short blocking calls on
// our socket actors (through a scoped_actor) and on libzmq sockets (cppzmq),
// each bounded by a timeout. A failed check throws `demo::failure`; main()
// prints it and exits 1.

#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace demo {

namespace mq = caf::monocoque;
using namespace std::chrono_literals;
using strings = std::vector<std::string>;

/// How long any single step may take before the demo gives up.
constexpr auto timeout = 3s;

/// A failed check; the text says what was expected.
struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What every pattern works with.
struct env {
  caf::actor_system& sys;
  caf::scoped_actor& self;
  zmq::context_t& zmq;
  /// Every socket actor a pattern opened; main() closes them afterwards.
  std::vector<mq::socket_base_actor> opened;

  /// Socket options: the configured defaults (`--monocoque.*`), with a
  /// bounded linger so that closing after a failure never hangs.
  mq::socket_options options() const {
    auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
    opts.linger = std::chrono::milliseconds{500};
    return opts;
  }

  /// Remembers `sock` for closing and returns it.
  template <class Handle> Handle keep(Handle sock) {
    opened.emplace_back(sock);
    return sock;
  }
};

// -- our socket actors --------------------------------------------------------

/// Sends a request to one of our sockets and waits for its reply of type
/// `Reply`; a `caf::error` reply (or no reply) becomes a `failure`.
template <class Reply, class Handle, class... Ts>
Reply ask(env& e, const char* what, const Handle& sock, Ts&&... xs) {
  Reply result{};
  caf::error err;
  e.self->request(sock, 2 * timeout, std::forward<Ts>(xs)...)
      .receive([&](Reply& x) { result = std::move(x); },
               [&](caf::error& x) { err = std::move(x); });
  if (err)
    throw failure{std::string{what} + ": " + e.sys.render(err)};
  return result;
}

/// Binds `sock` to a free local port; returns the endpoint.
template <class Handle> std::string bind_local(env& e, const Handle& sock) {
  return ask<std::string>(e, "bind", sock, mq::bind_atom::value,
                          std::string{"tcp://127.0.0.1:*"});
}

template <class Handle>
void connect(env& e, const Handle& sock, const std::string& ep) {
  ask<caf::ok_atom>(e, "connect", sock, mq::connect_atom::value, ep);
}

/// Sends one message; returns once the socket queued it.
template <class Handle>
void send(env& e, const Handle& sock, const strings& parts) {
  mq::multipart msg;
  for (auto& p : parts)
    msg.push_back(mq::frame::from_string(p));
  ask<caf::ok_atom>(e, "send", sock, mq::send_atom::value, std::move(msg));
}

/// Receives one message within `limit`, or nothing if none came in time.
template <class Handle>
std::optional<strings> try_recv(env& e, const Handle& sock,
                                caf::timespan limit) {
  std::optional<strings> result;
  caf::error err;
  e.self->request(sock, 2 * timeout, mq::recv_atom::value, limit)
      .receive(
          [&](mq::multipart& msg) {
            result.emplace();
            for (auto& f : msg)
              result->push_back(f.to_string());
          },
          [&](caf::error& x) { err = std::move(x); });
  if (err && err != mq::errc::timed_out)
    throw failure{"recv: " + e.sys.render(err)};
  return result;
}

/// Receives one message, waiting at most `timeout`; `who` names `sock`.
template <class Handle>
strings recv(env& e, const Handle& sock, const std::string& who) {
  auto msg = try_recv(e, sock, timeout);
  if (!msg)
    throw failure{who + ": no message within 3 s"};
  return std::move(*msg);
}

/// Whether `sock` receives nothing more within 200 ms.
template <class Handle> bool nothing_more(env& e, const Handle& sock) {
  return !try_recv(e, sock, 200ms);
}

template <class Handle> mq::socket_stats stats(env& e, const Handle& sock) {
  return ask<mq::socket_stats>(e, "stats", sock, mq::stats_atom::value);
}

/// Polls `done()` every 10 ms until it holds; throws after `timeout`.
template <class Predicate>
void wait_until(const std::string& what, Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw failure{what + ": not within 3 s"};
    std::this_thread::sleep_for(10ms);
  }
}

// -- libzmq sockets -----------------------------------------------------------

/// A libzmq socket that gives up on receiving and sending after `timeout`
/// and does not linger at close.
inline zmq::socket_t zsocket(env& e, zmq::socket_type type,
                             const std::string& routing_id = "") {
  zmq::socket_t s{e.zmq, type};
  s.set(zmq::sockopt::rcvtimeo, 3000);
  s.set(zmq::sockopt::sndtimeo, 3000);
  s.set(zmq::sockopt::linger, 0);
  if (!routing_id.empty())
    s.set(zmq::sockopt::routing_id, routing_id);
  return s;
}

inline void zsend(zmq::socket_t& s, const strings& parts) {
  std::vector<zmq::const_buffer> bufs;
  for (auto& p : parts)
    bufs.emplace_back(p.data(), p.size());
  if (!zmq::send_multipart(s, bufs))
    throw failure{"libzmq send: not within 3 s"};
}

inline strings zrecv(zmq::socket_t& s, const std::string& who) {
  std::vector<zmq::message_t> msgs;
  if (!zmq::recv_multipart(s, std::back_inserter(msgs)))
    throw failure{who + ": no message within 3 s"};
  strings parts;
  for (auto& m : msgs)
    parts.push_back(m.to_string());
  return parts;
}

/// Whether libzmq socket `s` receives nothing more within 200 ms.
inline bool znothing_more(zmq::socket_t& s) {
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  return zmq::poll(&item, 1, 200ms) == 0;
}

// -- printing -----------------------------------------------------------------

/// `['a', 'b']`; frames with unprintable bytes (generated routing ids) in hex.
inline std::string show(const strings& parts) {
  std::string out = "[";
  for (auto& p : parts) {
    if (out.size() > 1)
      out += ", ";
    bool text = true;
    for (unsigned char c : p)
      text = text && c >= 0x20 && c < 0x7f;
    if (text) {
      out += "'" + p + "'";
      continue;
    }
    out += "0x";
    for (unsigned char c : p) {
      char hex[3];
      std::snprintf(hex, sizeof(hex), "%02x", c);
      out += hex;
    }
  }
  return out + "]";
}

/// `a b c` (for lists of topics and tasks).
inline std::string join(const strings& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : " ") + x;
  return out.empty() ? "(nothing)" : out;
}

/// Throws a `failure` reading `what` unless `ok`.
inline void expect(bool ok, const std::string& what) {
  if (!ok)
    throw failure{what};
}

/// Throws unless `who` received exactly `want`.
inline void expect_message(const std::string& who, const strings& got,
                           const strings& want) {
  expect(got == want,
         who + " received " + show(got) + ", expected " + show(want));
}

/// Prints one indented trace line.
inline void trace(const std::string& line) {
  std::printf("  %s\n", line.c_str());
}

// -- the patterns (one file each); each returns its summary ------------------

std::string dealer_router(env& e);
std::string req_rep(env& e);
std::string pub_sub(env& e);
std::string push_pull(env& e);
std::string inproc(env& e);

} // namespace demo
