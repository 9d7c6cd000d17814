#pragma once

// The PLAIN/CURVE interop matrix against libzmq 4.3.4, shared by the
// interop_curve and interop_plain suites: every socket family with our
// socket on either end, our socket as the mechanism's server or client,
// and each side binding. The mechanism's server role and the bind direction
// are independent in ZeroMQ, so all four combinations run.
//
// Each case opens a fresh pair, moves 100 multipart messages (empty frames
// and 64 KiB frames among them) each way the family allows, checks their
// content and order, and checks who the receiver says sent them: our
// side's `peer_identity` (user id from our authenticator, or the default:
// the client key in Z85 / the PLAIN user name; empty on the client side)
// and libzmq's "User-Id" message property (set by its ZAP handler).

#include "pubsub_fixture.hpp"
#include "security_fixture.hpp"

#include <sstream>

namespace interop {

/// The socket families of the matrix: our socket type first.
enum class family {
  dealer_router, // our DEALER, libzmq ROUTER
  router_dealer, // our ROUTER, libzmq DEALER
  req_rep,       // our REQ, libzmq REP
  rep_req,       // our REP, libzmq REQ
  push_pull,     // our PUSH, libzmq PULL
  pull_push,     // our PULL, libzmq PUSH
  pub_sub,       // our PUB, libzmq SUB
  sub_pub,       // our SUB, libzmq PUB
  xpub_xsub,     // our XPUB, libzmq XSUB
  xsub_xpub,     // our XSUB, libzmq XPUB
  pair_pair,     // our PAIR, libzmq PAIR
};

/// Returns a name for `x`.
inline const char* to_string(family x) {
  static const char* names[] = {
      "our DEALER / libzmq ROUTER", "our ROUTER / libzmq DEALER",
      "our REQ / libzmq REP",       "our REP / libzmq REQ",
      "our PUSH / libzmq PULL",     "our PULL / libzmq PUSH",
      "our PUB / libzmq SUB",       "our SUB / libzmq PUB",
      "our XPUB / libzmq XSUB",     "our XSUB / libzmq XPUB",
      "our PAIR / libzmq PAIR"};
  return names[static_cast<int>(x)];
}

/// Every family.
inline const std::vector<family> all_families = {
    family::dealer_router, family::router_dealer, family::req_rep,
    family::rep_req,       family::push_pull,     family::pull_push,
    family::pub_sub,       family::sub_pub,       family::xpub_xsub,
    family::xsub_xpub,     family::pair_pair};

/// One case of the matrix.
struct matrix_case {
  family fam;
  /// Our socket is the mechanism's server.
  bool ours_server;
  /// Our socket binds (libzmq connects).
  bool ours_binds;

  std::string name() const {
    std::ostringstream out;
    out << to_string(fam) << ", ours " << (ours_server ? "server" : "client")
        << ", ours " << (ours_binds ? "binds" : "connects");
    return out.str();
  }
};

/// Messages per direction.
constexpr int matrix_messages = 100;

/// The `i`-th message: a first frame `prefix` + i, then sometimes an empty
/// frame, a 64 KiB frame or a short tail.
inline std::vector<std::string> matrix_payload(int i,
                                               const std::string& prefix) {
  std::vector<std::string> parts{prefix + std::to_string(i)};
  if (i % 7 == 1)
    parts.emplace_back();
  if (i % 20 == 3)
    parts.push_back(pattern(64 * 1024, static_cast<unsigned>(i)));
  if (i % 5 == 2)
    parts.emplace_back("tail");
  return parts;
}

/// The matrix fixture: a libzmq ZAP handler in the context (for libzmq
/// servers), our authenticator, and one runner per family.
struct matrix_fixture : pubsub_fixture {
  watchdog guard{"security matrix test", std::chrono::seconds{120}};
  /// Whether libzmq's ZAP handler gives no user id (see `rep_req`).
  std::atomic<bool> zap_without_uid{false};
  zap_handler zap{ctx, [this](const zap_seen& req) {
                    auto verdict = default_zap_policy(req);
                    if (zap_without_uid)
                      verdict.user_id.clear();
                    return verdict;
                  }};
  std::shared_ptr<auth_state> auth = std::make_shared<auth_state>();
  mq::authenticator_actor authenticator = spawn_test_authenticator(sys, auth);
  security_setup setup;
  matrix_case cur{};
  /// What our authenticator answers in this case (empty: the default).
  std::string custom_uid;
  /// Failed checks so far in this case (to name the case in the log).
  int failures = 0;

  // -- receiving with identity ------------------------------------------------

  /// Receives the next message of our `h` with its sender's identity.
  template <class Handle>
  std::optional<received> recv_from(const Handle& h,
                                    caf::timespan limit = timeout) {
    return recv_with_identity(*this, h, limit);
  }

  // -- expectations -----------------------------------------------------------

  /// The user id our side should report for the libzmq peer.
  std::string our_expected_uid() const;

  /// The user id libzmq should report for our side.
  std::string zmq_expected_uid() const;

  /// Checks one message our side received.
  void check_ours(const std::optional<received>& got,
                  const std::vector<std::string>& want, int i);

  /// Checks one message the libzmq side received.
  void check_zmq(const std::vector<std::string>& got, const std::string& uid,
                 const std::vector<std::string>& want, int i);

  static std::string seq(int i) { return std::to_string(i); }

  /// Counts a failed check of the current case (logs the first three).
  void note_failure(const std::string& what);

  // -- setting a case up --------------------------------------------------------

  /// Our socket options for the current case.
  mq::socket_options our_opts();

  /// A libzmq socket of `type` for the current case.
  zmq::socket_t their_socket(zmq::socket_type type);

  /// Binds one side and connects the other; waits until ours is up.
  template <class Handle> bool link(const Handle& ours, zmq::socket_t& z) {
    if (cur.ours_binds) {
      auto ep = bind(ours);
      if (ep.empty())
        return false;
      z.connect(ep);
    } else {
      auto ep = zbind(z);
      connect(ours, ep);
    }
    if (!await_status(ours, 1)) {
      note_failure("the connection did not come up");
      return false;
    }
    // Per-peer introspection names the mechanism and the user id too (the
    // only check of who the peer is for sockets that never receive).
    for (auto& p : stats(ours).peers)
      if (p.up
          && (p.mechanism != to_string(setup.mechanism)
              || p.user_id != our_expected_uid()))
        note_failure("peer_stats say " + p.mechanism + " / '" + p.user_id
                     + "'");
    return true;
  }

  /// Checks what our authenticator saw (when it was asked).
  void check_authenticator(size_t before);

  // -- running ----------------------------------------------------------------

  /// Runs `c`; returns whether every check held.
  bool run(const matrix_case& c);

  /// Our socket sends `n` messages of `prefix`; libzmq receives them, each
  /// after `envelope` (e.g. our routing id) when given.
  template <class Handle>
  void ours_to_zmq(const Handle& ours, zmq::socket_t& z,
                   const std::string& prefix,
                   const std::vector<std::string>& envelope = {},
                   const std::vector<std::string>& our_envelope = {}) {
    for (int i = 0; i < matrix_messages; ++i) {
      auto parts = our_envelope;
      auto body = matrix_payload(i, prefix);
      parts.insert(parts.end(), body.begin(), body.end());
      if (auto err = try_send(ours, mp(parts))) {
        note_failure("send " + seq(i) + ": " + host.render(err));
        return;
      }
    }
    for (int i = 0; i < matrix_messages; ++i) {
      std::string uid;
      auto got = zrecv_uid(z, uid);
      auto want = envelope;
      auto body = matrix_payload(i, prefix);
      want.insert(want.end(), body.begin(), body.end());
      check_zmq(got, uid, want, i);
      if (got == timed_out)
        return;
    }
  }

  /// libzmq sends `n` messages of `prefix` (after `envelope`); our socket
  /// receives them, each after `our_envelope` when given.
  template <class Handle>
  void zmq_to_ours(zmq::socket_t& z, const Handle& ours,
                   const std::string& prefix,
                   const std::vector<std::string>& envelope = {},
                   const std::vector<std::string>& our_envelope = {}) {
    for (int i = 0; i < matrix_messages; ++i) {
      auto parts = envelope;
      auto body = matrix_payload(i, prefix);
      parts.insert(parts.end(), body.begin(), body.end());
      if (!zsend(z, parts)) {
        note_failure("libzmq send " + seq(i) + " failed");
        return;
      }
    }
    for (int i = 0; i < matrix_messages; ++i) {
      auto got = recv_from(ours);
      auto want = our_envelope;
      auto body = matrix_payload(i, prefix);
      want.insert(want.end(), body.begin(), body.end());
      check_ours(got, want, i);
      if (!got)
        return;
    }
  }

  // -- the families -----------------------------------------------------------
  // One driver per `family`: a fresh pair for the current case, the
  // messages each way the family allows, checked (security_matrix.cpp).

  void dealer_router();

  void router_dealer();

  void req_rep();

  void rep_req();

  void push_pull();

  void pull_push();

  /// Publishes "T~sync" through our `pub` until `z` got one.
  template <class Handle> bool sync_pub(const Handle& pub, zmq::socket_t& z) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (try_send(pub, mp({"T~sync"})))
        return false;
      for (;;) {
        auto got = zrecv_for(z, 10ms);
        if (got == timed_out)
          break;
        if (got.at(0) == "T~sync")
          return true;
      }
    }
    return false;
  }

  /// Drains "T~sync" messages left in `z`, then checks the matrix messages
  /// of prefix "T" (our `pub` also published "U" messages in between, which
  /// the subscription filters out).
  void check_published(zmq::socket_t& z);

  void pub_sub();

  /// libzmq publishes `T~sync` until our `sub` got one; then the matrix
  /// messages with "U" messages in between; our `sub` must get exactly the
  /// "T" ones.
  template <class Handle>
  void zmq_publishes(zmq::socket_t& z, const Handle& sub) {
    bool synced = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!synced && std::chrono::steady_clock::now() < deadline) {
      zsend(z, {"T~sync"});
      auto got = try_recv(sub, caf::timespan{10ms});
      synced = got && !got->empty() && (*got)[0].to_string() == "T~sync";
    }
    if (!synced) {
      note_failure("our subscription never arrived");
      return;
    }
    for (int i = 0; i < matrix_messages; ++i) {
      if (i % 10 == 0)
        zsend(z, matrix_payload(i, "U"));
      zsend(z, matrix_payload(i, "T"));
    }
    int i = 0;
    while (i < matrix_messages) {
      auto got = recv_from(sub);
      if (got && !got->parts.empty() && got->parts[0] == "T~sync")
        continue;
      check_ours(got, matrix_payload(i, "T"), i);
      if (!got)
        return;
      ++i;
    }
  }

  void sub_pub();

  void xpub_xsub();

  void xsub_xpub();

  void pair_pair();

  // -- the whole matrix -------------------------------------------------------

  /// Runs every family in every role and bind direction with `m`; returns
  /// the number of failed cases.
  int run_matrix(mech m);

  /// The proxy with mechanism `m` on its frontend: our ROUTER (the
  /// mechanism server) with libzmq REQ clients, our DEALER (NULL) with a
  /// libzmq REP worker behind it; requests and replies both ways, and a
  /// NULL client never comes up. Returns the number of mismatches.
  int run_proxy(mech m);
};

} // namespace interop
