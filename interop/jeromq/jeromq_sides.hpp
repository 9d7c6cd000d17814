#pragma once

// Building blocks of the JeroMQ scenarios (jeromq_fixture.hpp): JeromqPeer
// message specs, readable message checks that do not abort the suite, and
// the two local sides: our sockets and libzmq sockets.

#include "interop_fixture.hpp"

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace interop {

using strings = std::vector<std::string>;

// -- message specs ------------------------------------------------------------

/// Byte k of JeromqPeer's `~N` frames.
inline std::string jpattern(size_t n) {
  std::string result(n, '\0');
  for (size_t k = 0; k < n; ++k)
    result[k] = static_cast<char>('a' + k % 26);
  return result;
}

/// The frames of a JeromqPeer SPEC ("a||~300": "a", "", 300 pattern bytes).
inline strings parts(const std::string& spec) {
  strings result;
  size_t pos = 0;
  for (;;) {
    auto bar = spec.find('|', pos);
    auto part = spec.substr(pos, bar == std::string::npos ? bar : bar - pos);
    if (!part.empty() && part[0] == '~')
      result.push_back(jpattern(std::stoul(part.substr(1))));
    else
      result.push_back(part);
    if (bar == std::string::npos)
      return result;
    pos = bar + 1;
  }
}

/// `parts(spec)` behind a routing id.
inline strings routed(const std::string& id, const std::string& spec) {
  strings result{id};
  for (auto& p : parts(spec))
    result.push_back(p);
  return result;
}

/// The multipart messages every scenario carries: several frames with an
/// empty one, a frame > 255 bytes (LONG flag) and a 64 KiB+ one, and a
/// message of one empty frame.
inline const strings& payload_specs() {
  static const strings result{"a||b", "~300|", "x|~66000|", ""};
  return result;
}

/// `msg` for a log line: long frames by their size.
inline std::string show(const strings& msg) {
  std::string result = "[";
  for (size_t i = 0; i < msg.size(); ++i) {
    if (i > 0)
      result += ", ";
    if (msg[i].size() > 40)
      result += "<" + std::to_string(msg[i].size()) + " bytes>";
    else
      result += '"' + msg[i] + '"';
  }
  return result + "]";
}

/// Checks that `got` equals `want`, showing both if not.
#define JEROMQ_CHECK_MSG(got_expr, want_expr)                                  \
  do {                                                                         \
    auto jeromq_got = (got_expr);                                              \
    auto jeromq_want = (want_expr);                                            \
    if (jeromq_got != jeromq_want)                                             \
      CAF_MESSAGE("got " << show(jeromq_got) << ", want "                      \
                         << show(jeromq_want));                                \
    CAF_CHECK(jeromq_got == jeromq_want);                                      \
  } while (false)

/// Checks `cond` and returns from the (void) scenario if it failed: a
/// failed check, not CAF_REQUIRE's abort, so the other tests of the suite
/// still run and the JVM is reaped.
#define JEROMQ_EXPECT(...)                                                     \
  do {                                                                         \
    bool jeromq_ok = static_cast<bool>(__VA_ARGS__);                           \
    static_cast<void>(::caf::test::detail::check(                              \
        ::caf::test::engine::current_test(), __FILE__, __LINE__, #__VA_ARGS__, \
        false, jeromq_ok));                                                    \
    ::caf::test::engine::last_check_file(__FILE__);                            \
    ::caf::test::engine::last_check_line(__LINE__);                            \
    if (!jeromq_ok)                                                            \
      return;                                                                  \
  } while (false)

// -- local sides --------------------------------------------------------------

/// One of our sockets as a local side.
template <class Handle> struct our_side {
  /// Our sockets count what they send to each peer (`msgs_out`).
  static constexpr bool counts_sent = true;

  /// The fixture's client (scoped actor, verbs).
  client& c;
  /// Our socket.
  Handle h;

  /// Binds to a free loopback port; returns the endpoint.
  std::string bind() { return c.bind(h); }

  /// Connects to `ep`.
  void connect(const std::string& ep) { c.connect(h, ep); }

  /// Whether a peer finished its handshake within 5 s.
  bool up() { return c.await_status(h, 1, std::chrono::seconds{5}); }

  /// Sends `msg`; false (with a message) if not acknowledged.
  bool send(const strings& msg) {
    if (auto err = c.try_send(h, mp(msg))) {
      CAF_MESSAGE("send failed: " << c.host.render(err));
      return false;
    }
    return true;
  }

  /// Receives one message; `timed_out` after `timeout`.
  strings recv() { return c.recv_strs(h); }

  /// Subscribes to `prefix` (SUB only).
  void subscribe(const std::string& prefix) {
    if constexpr (std::is_same_v<Handle, mq::sub_actor>) {
      bool ok = false;
      c.self->request(h, timeout, mq::subscribe_to_atom::value, prefix)
          .receive([&](caf::ok_atom) { ok = true; },
                   [&](caf::error& err) {
                     CAF_MESSAGE("subscribe failed: " << c.host.render(err));
                   });
      CAF_CHECK(ok);
    } else {
      CAF_MESSAGE("subscribe on a socket that is not a SUB");
      CAF_CHECK(false);
    }
  }

  /// Checks the peer as our socket sees it: its type and routing id.
  void check_peer(const std::string& type, const std::string& routing_id) {
    auto st = c.stats(h);
    JEROMQ_EXPECT(st.peers.size() == 1u);
    auto peer = st.peers.front();
    CAF_CHECK_EQUAL(peer.peer_type, type);
    if (!routing_id.empty())
      CAF_CHECK_EQUAL(peer.routing_id, routing_id);
  }

  /// Messages our socket sent to its single peer. Waits (at most
  /// `timeout`) until the socket has exactly one peer and it is up; if it
  /// never has, says what it saw and returns nothing (the caller fails).
  std::optional<uint64_t> msgs_out() {
    mq::socket_stats st;
    auto one_up = [&] {
      st = c.stats(h);
      return st.peers.size() == 1 && st.peers.front().up;
    };
    if (!c.await(one_up)) {
      CAF_MESSAGE("msgs_out: want exactly one peer that is up, have "
                  << st.peers.size() << " peer(s)");
      return std::nullopt;
    }
    return st.peers.front().msgs_out;
  }

  /// Closes the socket and checks that it acknowledged.
  void close() { CAF_CHECK(c.close(h)); }
};

/// A libzmq socket as a local side.
struct zmq_side {
  /// libzmq does not tell what it sent to a peer.
  static constexpr bool counts_sent = false;

  /// The libzmq socket (see `zsock`).
  zmq::socket_t sock;

  /// Binds to a free loopback port; returns the endpoint.
  std::string bind() { return zbind(sock); }

  /// Connects to `ep`.
  void connect(const std::string& ep) { sock.connect(ep); }

  /// libzmq cannot tell whether a handshake finished: true.
  bool up() { return true; }

  /// Sends `msg`; false after the send timeout.
  bool send(const strings& msg) { return zsend(sock, msg); }

  /// Receives one message; `timed_out` after the receive timeout.
  strings recv() { return zrecv(sock); }

  /// Subscribes to `prefix` (SUB only).
  void subscribe(const std::string& prefix) {
    sock.set(zmq::sockopt::subscribe, prefix);
  }

  /// Nothing to check: libzmq does not tell.
  void check_peer(const std::string&, const std::string&) {
    // libzmq does not tell
  }

  /// Unknown for libzmq (`counts_sent` is false).
  std::optional<uint64_t> msgs_out() { return std::nullopt; }

  /// Closes the socket (linger 0).
  void close() { sock.close(); }
};

} // namespace interop
