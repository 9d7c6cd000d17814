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
  std::string our_expected_uid() const {
    if (!cur.ours_server)
      return {};
    if (!custom_uid.empty())
      return custom_uid;
    return setup.mechanism == mech::curve ? setup.client.public_z85
                                          : setup.username;
  }

  /// The user id libzmq should report for our side.
  std::string zmq_expected_uid() const {
    if (cur.ours_server || zap_without_uid)
      return {}; // libzmq is the client (no ZAP, no User-Id), or see rep_req
    if (setup.mechanism == mech::plain)
      return "zap-" + setup.username;
    // CURVE: our key, as the ZAP handler saw it.
    auto seen = zap.requests();
    return seen.empty() ? std::string{"<no ZAP request>"}
                        : "zap-" + seen.back().credential;
  }

  /// Checks one message our side received.
  void check_ours(const std::optional<received>& got,
                  const std::vector<std::string>& want, int i) {
    if (!got) {
      note_failure("our socket received nothing for message " + seq(i));
      return;
    }
    if (got->parts != want)
      note_failure("our socket received " + caf::deep_to_string(got->parts)
                   + " for message " + seq(i));
    if (!got->from) {
      note_failure("no peer_identity for message " + seq(i));
      return;
    }
    if (got->from->mechanism != to_string(setup.mechanism))
      note_failure("mechanism " + got->from->mechanism + " for message "
                   + seq(i));
    if (got->from->user_id != our_expected_uid())
      note_failure("user id '" + got->from->user_id + "' (want '"
                   + our_expected_uid() + "') for message " + seq(i));
  }

  /// Checks one message the libzmq side received.
  void check_zmq(const std::vector<std::string>& got, const std::string& uid,
                 const std::vector<std::string>& want, int i) {
    if (got != want)
      note_failure("libzmq received "
                   + (got.size() > 3 ? std::to_string(got.size()) + " parts"
                                     : caf::deep_to_string(got))
                   + " for message " + seq(i));
    if (uid != zmq_expected_uid())
      note_failure("libzmq User-Id '" + uid + "' (want '" + zmq_expected_uid()
                   + "') for message " + seq(i));
  }

  static std::string seq(int i) { return std::to_string(i); }

  void note_failure(const std::string& what) {
    // One message per case and kind keeps a broken case readable.
    if (failures++ < 3)
      CAF_MESSAGE("[" << cur.name() << "] " << what);
  }

  // -- setting a case up --------------------------------------------------------

  /// Our socket options for the current case.
  mq::socket_options our_opts() {
    auto opts = fast();
    opts.linger = caf::timespan{0};
    custom_uid.clear();
    mq::authenticator_actor a;
    if (cur.ours_server) {
      // With our socket binding, our authenticator names the peer; with it
      // connecting, CURVE runs without one (any key, the key is the user
      // id) and PLAIN with one that keeps the default user id (PLAIN
      // refuses everybody without an authenticator).
      if (cur.ours_binds) {
        custom_uid = std::string{"custom-"} + to_string(setup.mechanism);
        auth->policy = [uid = custom_uid](const mq::zap_request&) {
          return mq::zap_reply::accept(uid);
        };
        a = authenticator;
      } else if (setup.mechanism == mech::plain) {
        auth->policy = nullptr;
        a = authenticator;
      }
    }
    secure(opts, setup, cur.ours_server, a);
    return opts;
  }

  /// A libzmq socket of `type` for the current case.
  zmq::socket_t their_socket(zmq::socket_type type) {
    auto z = zsock(ctx, type);
    z.set(zmq::sockopt::sndhwm, 0);
    z.set(zmq::sockopt::rcvhwm, 0);
    zsecure(z, setup, !cur.ours_server);
    return z;
  }

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
  void check_authenticator(size_t before) {
    auto seen = auth->requests();
    if (!cur.ours_server || seen.size() == before)
      return;
    auto& req = seen.back();
    if (req.mechanism != to_string(setup.mechanism))
      note_failure("authenticator saw mechanism " + req.mechanism);
    if (setup.mechanism == mech::curve
        && req.client_key_z85 != setup.client.public_z85)
      note_failure("authenticator saw key " + req.client_key_z85);
    if (setup.mechanism == mech::plain
        && (req.username != setup.username
            || std::string{reinterpret_cast<const char*>(
                               req.password.reveal().data()),
                           req.password.size()}
                   != setup.password))
      note_failure("authenticator saw other PLAIN credentials");
    if (req.address != "127.0.0.1")
      note_failure("authenticator saw address " + req.address);
  }

  // -- running ----------------------------------------------------------------

  /// Runs `c`; returns whether every check held.
  bool run(const matrix_case& c) {
    cur = c;
    failures = 0;
    zap_without_uid = false;
    auto asked = auth->count();
    switch (c.fam) {
      case family::dealer_router:
        dealer_router();
        break;
      case family::router_dealer:
        router_dealer();
        break;
      case family::req_rep:
        req_rep();
        break;
      case family::rep_req:
        rep_req();
        break;
      case family::push_pull:
        push_pull();
        break;
      case family::pull_push:
        pull_push();
        break;
      case family::pub_sub:
        pub_sub();
        break;
      case family::sub_pub:
        sub_pub();
        break;
      case family::xpub_xsub:
        xpub_xsub();
        break;
      case family::xsub_xpub:
        xsub_xpub();
        break;
      case family::pair_pair:
        pair_pair();
        break;
    }
    check_authenticator(asked);
    if (cur.ours_server && (cur.ours_binds || setup.mechanism == mech::plain)
        && auth->count() == asked)
      note_failure("our authenticator was never asked");
    if (failures > 0)
      CAF_MESSAGE("[" << c.name() << "] FAILED with " << failures
                      << " failed checks");
    return failures == 0;
  }

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

  void dealer_router() {
    auto opts = our_opts();
    opts.identity = "mq-dealer";
    auto ours = mq::spawn_dealer(sys, opts);
    auto z = their_socket(zmq::socket_type::router);
    if (link(ours, z)) {
      ours_to_zmq(ours, z, "d", {"mq-dealer"});
      zmq_to_ours(z, ours, "r", {"mq-dealer"});
    }
    close(ours);
  }

  void router_dealer() {
    auto ours = mq::spawn_router(sys, our_opts());
    auto z = their_socket(zmq::socket_type::dealer);
    z.set(zmq::sockopt::routing_id, "z-dealer");
    if (link(ours, z)) {
      zmq_to_ours(z, ours, "d", {}, {"z-dealer"});
      ours_to_zmq(ours, z, "r", {}, {"z-dealer"});
    }
    close(ours);
  }

  void req_rep() {
    auto ours = mq::spawn_req(sys, our_opts());
    auto z = their_socket(zmq::socket_type::rep);
    if (link(ours, z))
      for (int i = 0; i < matrix_messages && failures == 0; ++i) {
        if (auto err = try_send(ours, mp(matrix_payload(i, "q")))) {
          note_failure("REQ send: " + host.render(err));
          break;
        }
        std::string uid;
        auto got = zrecv_uid(z, uid);
        check_zmq(got, uid, matrix_payload(i, "q"), i);
        if (!zsend(z, matrix_payload(i, "a")))
          note_failure("REP send failed");
        check_ours(recv_from(ours), matrix_payload(i, "a"), i);
      }
    close(ours);
  }

  void rep_req() {
    // libzmq 4.3.4 quirk: a REQ whose ZAP handler set a user id never
    // delivers its replies (pyzmq REQ, CURVE or PLAIN server with such a ZAP
    // handler, and pyzmq REP: "req got NOTHING"; without the user id, or
    // without ZAP, it works). So here libzmq's ZAP names nobody.
    zap_without_uid = !cur.ours_server;
    auto ours = mq::spawn_rep(sys, our_opts());
    auto z = their_socket(zmq::socket_type::req);
    if (link(ours, z))
      for (int i = 0; i < matrix_messages && failures == 0; ++i) {
        if (!zsend(z, matrix_payload(i, "q")))
          note_failure("REQ send failed");
        check_ours(recv_from(ours), matrix_payload(i, "q"), i);
        if (auto err = try_send(ours, mp(matrix_payload(i, "a")))) {
          note_failure("REP send: " + host.render(err));
          break;
        }
        std::string uid;
        auto got = zrecv_uid(z, uid);
        check_zmq(got, uid, matrix_payload(i, "a"), i);
      }
    close(ours);
  }

  void push_pull() {
    auto ours = mq::spawn_push(sys, our_opts());
    auto z = their_socket(zmq::socket_type::pull);
    if (link(ours, z))
      ours_to_zmq(ours, z, "p");
    close(ours);
  }

  void pull_push() {
    auto ours = mq::spawn_pull(sys, our_opts());
    auto z = their_socket(zmq::socket_type::push);
    if (link(ours, z))
      zmq_to_ours(z, ours, "p");
    close(ours);
  }

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
  void check_published(zmq::socket_t& z) {
    int i = 0;
    while (i < matrix_messages) {
      std::string uid;
      auto got = zrecv_uid(z, uid);
      if (got == timed_out) {
        note_failure("libzmq SUB timed out at " + seq(i));
        return;
      }
      if (got.at(0) == "T~sync")
        continue;
      check_zmq(got, uid, matrix_payload(i, "T"), i);
      ++i;
    }
  }

  void pub_sub() {
    auto ours = mq::spawn_pub(sys, our_opts());
    auto z = their_socket(zmq::socket_type::sub);
    z.set(zmq::sockopt::subscribe, "T");
    if (link(ours, z)) {
      if (!sync_pub(ours, z)) {
        note_failure("the subscription never arrived");
      } else {
        if (!await([&] { return subscriptions(ours) == 1; }))
          note_failure("our PUB does not count one subscription");
        for (int i = 0; i < matrix_messages; ++i) {
          if (i % 10 == 0)
            send(ours, mp(matrix_payload(i, "U"))); // filtered out
          send(ours, mp(matrix_payload(i, "T")));
        }
        check_published(z);
      }
    }
    close(ours);
  }

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

  void sub_pub() {
    auto ours = mq::spawn_sub(sys, our_opts());
    subscribe(ours, "T");
    auto z = their_socket(zmq::socket_type::pub);
    if (link(ours, z))
      zmq_publishes(z, ours);
    close(ours);
  }

  void xpub_xsub() {
    auto ours = mq::spawn_xpub(sys, our_opts());
    auto z = their_socket(zmq::socket_type::xsub);
    if (link(ours, z)) {
      // The subscription travels inside the box; our XPUB hands it out.
      zsend(z, {sub_msg(true, "T")});
      check_ours(recv_from(ours), {sub_msg(true, "T")}, -1);
      for (int i = 0; i < matrix_messages; ++i) {
        if (i % 10 == 0)
          send(ours, mp(matrix_payload(i, "U")));
        send(ours, mp(matrix_payload(i, "T")));
      }
      check_published(z);
    }
    close(ours);
  }

  void xsub_xpub() {
    auto ours = mq::spawn_xsub(sys, our_opts());
    auto z = their_socket(zmq::socket_type::xpub);
    if (link(ours, z)) {
      send(ours, mp({sub_msg(true, "T")}));
      std::string uid;
      auto got = zrecv_uid(z, uid);
      check_zmq(got, uid, {sub_msg(true, "T")}, -1);
      zmq_publishes(z, ours);
    }
    close(ours);
  }

  void pair_pair() {
    auto ours = mq::spawn_pair(sys, our_opts());
    auto z = their_socket(zmq::socket_type::pair);
    if (link(ours, z)) {
      ours_to_zmq(ours, z, "a");
      zmq_to_ours(z, ours, "b");
    }
    close(ours);
  }

  // -- the whole matrix -------------------------------------------------------

  /// Runs every family in every role and bind direction with `m`; returns
  /// the number of failed cases.
  int run_matrix(mech m) {
    setup.mechanism = m;
    int failed = 0;
    int total = 0;
    for (auto fam : all_families)
      for (bool ours_server : {true, false})
        for (bool ours_binds : {true, false}) {
          ++total;
          auto t0 = std::chrono::steady_clock::now();
          bool ok = run({fam, ours_server, ours_binds});
          auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
          auto name = matrix_case{fam, ours_server, ours_binds}.name();
          CAF_MESSAGE(to_string(m) << " [" << name << "] "
                                   << (ok ? "ok" : "FAILED") << " (" << ms
                                   << " ms)");
          failed += ok ? 0 : 1;
        }
    CAF_MESSAGE(to_string(m) << ": " << total - failed << " of " << total
                             << " cases passed");
    return failed;
  }

  /// The proxy with mechanism `m` on its frontend: our ROUTER (the
  /// mechanism server) with libzmq REQ clients, our DEALER (NULL) with a
  /// libzmq REP worker behind it; requests and replies both ways, and a
  /// NULL client never comes up. Returns the number of mismatches.
  int run_proxy(mech m) {
    setup.mechanism = m;
    auto fopts = fast();
    // PLAIN refuses everybody without an authenticator: ours accepts the
    // right credentials (CURVE runs without one: any key).
    auth->policy = nullptr;
    secure(fopts, setup, true,
           m == mech::plain ? authenticator : mq::authenticator_actor{});
    auto frontend = mq::spawn_router(sys, fopts);
    auto backend = mq::spawn_dealer(sys, fast());
    auto fep = bind(frontend);
    auto bep = bind(backend);
    auto prx = mq::spawn_proxy(sys, frontend, backend, {}, mq::proxy_options{});
    if (!prx)
      return 1;
    auto worker = zsock(ctx, zmq::socket_type::rep);
    worker.connect(bep);
    std::vector<zmq::socket_t> clients;
    for (int i = 0; i < 2; ++i) {
      clients.push_back(zsock(ctx, zmq::socket_type::req));
      zsecure(clients.back(), setup, false);
      clients.back().connect(fep);
    }
    if (!await_status(frontend, 2) || !await_status(backend, 1)) {
      CAF_FAIL("the proxy's sockets did not come up");
    }
    int bad = 0;
    for (int i = 0; i < matrix_messages; ++i) {
      auto& cl = clients[static_cast<size_t>(i % 2)];
      auto req = matrix_payload(i, "q" + std::to_string(i % 2));
      CAF_CHECK(zsend(cl, req));
      auto got = zrecv(worker);
      if (got != req && bad++ < 3)
        CAF_MESSAGE("worker got " << got.size() << " parts at " << i);
      got.insert(got.begin(), "re");
      CAF_CHECK(zsend(worker, got));
      auto reply = zrecv(cl);
      auto want = req;
      want.insert(want.begin(), "re");
      if (reply != want && bad++ < 3)
        CAF_MESSAGE("client got " << reply.size() << " parts at " << i);
    }
    // A NULL client at the secured frontend never comes up.
    auto intruder = zsock(ctx, zmq::socket_type::req);
    intruder.connect(fep);
    std::this_thread::sleep_for(200ms);
    CAF_CHECK_EQUAL(status(frontend), 2u);
    self->send_exit(*prx, caf::exit_reason::user_shutdown);
    close(frontend);
    close(backend);
    return bad;
  }
};

} // namespace interop
