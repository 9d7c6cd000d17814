#pragma once

// Deterministic tests of the hub engine under each socket type (both
// families, RouterHub and PubSubHub): the dealer fixture's fake connections
// (adopted through the internal hook, test coordinator) plus helpers for any
// socket type, peers with identities, whole-message checks and error
// replies. The helpers drive the socket under test through `sock`, the
// untyped handle, so one helper serves every type; a test that sends a verb
// of its type's own interface holds the typed handle `start` returns, named
// for the type (`router`, `rep`, ...). Include it first (FAIL).

#include "dealer_fixture.hpp"

#include "caf/monocoque/all.hpp"

#include <functional>
#include <string>
#include <vector>

namespace caf::monocoque::hub_test {

using namespace caf::monocoque::dealer_test;

/// Builds a multipart message from strings.
inline multipart mp(std::initializer_list<std::string> parts) {
  multipart result;
  for (auto& x : parts)
    result.push_back(frame::from_string(x));
  return result;
}

/// Returns the frames of `msg` as strings.
inline std::vector<std::string> strs(const multipart& msg) {
  std::vector<std::string> result;
  for (auto& x : msg)
    result.push_back(x.to_string());
  return result;
}

using strings = std::vector<std::string>;

struct hub_fixture : fixture {
  /// Spawns a socket with `spawn(sys, opts)` as the socket under test
  /// (`sock`) and returns its typed handle.
  template <class Handle>
  Handle start(Handle (*spawn)(actor_system&, socket_options),
               socket_options opts = {}) {
    auto* mod = caf::monocoque::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    opts.on_ring = false; // under the test coordinator
    auto hdl = spawn(sys, std::move(opts));
    sock = actor_cast<actor>(hdl);
    run();
    return hdl;
  }

  /// Adopts a fresh fake under a new key (or `key`) and brings it up with
  /// the given Identity.
  fake up_peer(const std::string& identity = {}, uint64_t key = 0) {
    auto f = spawn_fake();
    adopt(f, key);
    peer_up_as(f, identity);
    return f;
  }

  /// Sends `peer_up` for `f` announcing `identity`.
  void peer_up_as(const fake& f, const std::string& identity) {
    peer_info info;
    info.identity = identity;
    send_as(actor_cast<actor>(f.hdl), sock, peer_up_atom::value, f.key,
            f.epoch, f.hdl, info, peer_identity_ptr{}, int32_t{-1});
    run();
  }

  /// Lets `f` deliver `msg`, decoded after `handed` messages had been
  /// handed to it (default: after all of them).
  void deliver(const fake& f, multipart msg, uint64_t handed = UINT64_MAX) {
    send_as(actor_cast<actor>(f.hdl), sock, peer_msg_atom::value, f.key,
            f.epoch, handed, std::vector<multipart>{std::move(msg)});
    run();
  }

  /// Sends `msg`; returns the error of the reply, or none for `ok`.
  /// (A withheld reply fails the test: use `send_pending` for those.)
  error send_msg(multipart msg) {
    return request_error(send_atom::value, std::move(msg));
  }

  /// Asks for the next message; returns it, or the error.
  expected<multipart> recv_msg() {
    expected<multipart> result{make_error(errc::timed_out, "no reply")};
    auto h = self->request(sock, infinite, recv_atom::value);
    run();
    h.receive([&](multipart& msg) { result = std::move(msg); },
              [&](error& err) { result = std::move(err); });
    return result;
  }

  /// Sends a request built from `xs` and returns the error of its reply
  /// (none for a non-error reply).
  template <class... Ts>
  error request_error(Ts... xs) {
    error result = make_error(errc::timed_out, "no reply");
    auto h = self->request(sock, infinite, std::move(xs)...);
    run();
    h.receive([&](ok_atom) { result = none; },
              [&](error& err) { result = std::move(err); });
    return result;
  }

  /// Returns the socket's introspection.
  socket_stats stats() {
    return request<socket_stats>(sock, stats_atom::value);
  }

  /// Returns the messages `f` was handed, as strings.
  static std::vector<strings> got(const fake& f) {
    std::vector<strings> result;
    for (auto& msg : f.log->msgs)
      result.push_back(strs(msg));
    return result;
  }

  /// Reports that `f` wrote `n` messages.
  void wrote(const fake& f, uint64_t n) {
    send_as(actor_cast<actor>(f.hdl), sock, peer_sent_atom::value,
            f.key, f.epoch, n);
    run();
  }
};

/// Returns whether `err` is the monocoque error `x`.
inline bool is(const error& err, errc x) {
  return err.category() == errc_category
         && err.code() == static_cast<uint8_t>(x);
}

inline socket_options hwm(size_t n) {
  socket_options opts;
  opts.sndhwm = n;
  return opts;
}

} // namespace caf::monocoque::hub_test
