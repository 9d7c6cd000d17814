// The non-template members of the PLAIN/CURVE interop matrix fixture
// (security_matrix.hpp): the checks, the per-family drivers, the matrix and
// the proxy case. Compiled once into monocoque-interop for both suites.

#include "security_matrix.hpp"

#include <thread>

using namespace std::chrono_literals;

namespace interop {

std::string matrix_fixture::our_expected_uid() const {
  if (!cur.ours_server)
    return {};
  if (!custom_uid.empty())
    return custom_uid;
  return setup.mechanism == mech::curve ? setup.client.public_z85
                                        : setup.username;
}

std::string matrix_fixture::zmq_expected_uid() const {
  if (cur.ours_server || zap_without_uid)
    return {}; // libzmq is the client (no ZAP, no User-Id), or see rep_req
  if (setup.mechanism == mech::plain)
    return "zap-" + setup.username;
  // CURVE: our key, as the ZAP handler saw it.
  auto seen = zap.requests();
  return seen.empty() ? std::string{"<no ZAP request>"}
                      : "zap-" + seen.back().credential;
}

void matrix_fixture::check_ours(const std::optional<received>& got,
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

void matrix_fixture::check_zmq(const std::vector<std::string>& got, const std::string& uid,
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

void matrix_fixture::note_failure(const std::string& what) {
  // One message per case and kind keeps a broken case readable.
  if (failures++ < 3)
    CAF_MESSAGE("[" << cur.name() << "] " << what);
}

mq::socket_options matrix_fixture::our_opts() {
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

zmq::socket_t matrix_fixture::their_socket(zmq::socket_type type) {
  auto z = zsock(ctx, type);
  z.set(zmq::sockopt::sndhwm, 0);
  z.set(zmq::sockopt::rcvhwm, 0);
  zsecure(z, setup, !cur.ours_server);
  return z;
}

void matrix_fixture::check_authenticator(size_t before) {
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

bool matrix_fixture::run(const matrix_case& c) {
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

void matrix_fixture::dealer_router() {
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

void matrix_fixture::router_dealer() {
  auto ours = mq::spawn_router(sys, our_opts());
  auto z = their_socket(zmq::socket_type::dealer);
  z.set(zmq::sockopt::routing_id, "z-dealer");
  if (link(ours, z)) {
    zmq_to_ours(z, ours, "d", {}, {"z-dealer"});
    ours_to_zmq(ours, z, "r", {}, {"z-dealer"});
  }
  close(ours);
}

void matrix_fixture::req_rep() {
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

void matrix_fixture::rep_req() {
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

void matrix_fixture::push_pull() {
  auto ours = mq::spawn_push(sys, our_opts());
  auto z = their_socket(zmq::socket_type::pull);
  if (link(ours, z))
    ours_to_zmq(ours, z, "p");
  close(ours);
}

void matrix_fixture::pull_push() {
  auto ours = mq::spawn_pull(sys, our_opts());
  auto z = their_socket(zmq::socket_type::push);
  if (link(ours, z))
    zmq_to_ours(z, ours, "p");
  close(ours);
}

void matrix_fixture::check_published(zmq::socket_t& z) {
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

void matrix_fixture::pub_sub() {
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

void matrix_fixture::sub_pub() {
  auto ours = mq::spawn_sub(sys, our_opts());
  subscribe(ours, "T");
  auto z = their_socket(zmq::socket_type::pub);
  if (link(ours, z))
    zmq_publishes(z, ours);
  close(ours);
}

void matrix_fixture::xpub_xsub() {
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

void matrix_fixture::xsub_xpub() {
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

void matrix_fixture::pair_pair() {
  auto ours = mq::spawn_pair(sys, our_opts());
  auto z = their_socket(zmq::socket_type::pair);
  if (link(ours, z)) {
    ours_to_zmq(ours, z, "a");
    zmq_to_ours(z, ours, "b");
  }
  close(ours);
}

int matrix_fixture::run_matrix(mech m) {
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

int matrix_fixture::run_proxy(mech m) {
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
} // namespace interop
