// (c) A host that "reboots": host 1 runs a libzmq DEALER (routing id
// "rebooted", echo) talking to our ROUTER, once connecting to it (ours
// binds) and once bound (ours connects); a libzmq ROUTER in the test process
// does the same with a second DEALER on the host (the baseline). The host
// goes silently (cut, its processes killed, its namespace and link deleted)
// and comes back at once with the same address, its peers started again
// (same routing id, same port). The peer must come back as a new
// incarnation: the old one cleaned from our introspection, a message to
// "rebooted" reaches the new process (its echo comes back), nothing routes
// to the old one. (The baseline is only measured: a libzmq ROUTER ignores
// a peer that comes back with the id of a connection it still holds, and
// that peer, connected, never retries; see docs/hosts.md.)
#define CAF_SUITE hosts.reboot
#include "event_log.hpp"
#include "hosts_fixture.hpp"

using namespace hosts;

namespace {

void run(interop::fixture& f, bool ours_binds) {
  auto live = heartbeat_liveness();
  auto side = std::string{ours_binds ? "ours-binds" : "ours-connects"};
  CAF_MESSAGE(side);
  host h{1};
  CAF_REQUIRE(h.valid());
  auto ours = f.router_socket(our_options(f, live));
  event_log events{f, ours, mq::bit(mq::socket_event_type::disconnected)};
  ref_socket ref{f.ctx, zmq::socket_type::router, live, "reboot"};
  auto peer_args = [&](const std::string& where) {
    return args({{"socket", "type=dealer", "id=rebooted", where, "echo=1"},
                 peer_defaults(),
                 live.peer_args});
  };
  std::unique_ptr<peer_process> peer;
  std::unique_ptr<peer_process> ref_peer;
  std::string peer_where;
  std::string ref_peer_where;
  if (ours_binds) {
    auto ep = f.bind(ours, "tcp://" + h.root_addr() + ":*");
    ref.sock().bind("tcp://" + h.root_addr() + ":*");
    peer_where = "connect=" + ep;
    ref_peer_where = "connect=" + ref.sock().get(zmq::sockopt::last_endpoint);
    peer = std::make_unique<peer_process>(h.ns(), peer_args(peer_where));
    ref_peer = std::make_unique<peer_process>(h.ns(),
                                              peer_args(ref_peer_where));
    ready(*peer);
    ready(*ref_peer);
  } else {
    auto any = "bind=tcp://" + h.addr() + ":*";
    peer = std::make_unique<peer_process>(h.ns(), peer_args(any));
    ref_peer = std::make_unique<peer_process>(h.ns(), peer_args(any));
    auto ep = ready(*peer);
    auto ref_ep = ready(*ref_peer);
    // After the reboot the peers bind the same ports again.
    peer_where = "bind=" + ep;
    ref_peer_where = "bind=" + ref_ep;
    f.connect(ours, ep);
    ref.sock().connect(ref_ep);
  }
  CAF_REQUIRE(f.await_status(ours, 1, 5s));
  CAF_REQUIRE(await([&] { return ref.handshakes() >= 1; }, 5s));
  // Both route to "rebooted" and get the echo.
  f.send(ours, interop::mp({"rebooted", "hello"}));
  CAF_REQUIRE_EQUAL(f.recv_strs(ours),
                    (std::vector<std::string>{"rebooted", "hello"}));
  auto before = f.stats(ours);
  CAF_REQUIRE_EQUAL(before.peers.size(), 1u);
  auto old_key = before.peers[0].key;
  auto old_epoch = before.peers[0].epoch;
  // -- the reboot --------------------------------------------------------------
  CAF_REQUIRE(h.cut());
  peer->kill();
  ref_peer->kill();
  h.power_off();
  auto t0 = now_ns();
  CAF_REQUIRE(h.power_on());
  peer = std::make_unique<peer_process>(h.ns(), peer_args(peer_where));
  ref_peer = std::make_unique<peer_process>(h.ns(), peer_args(ref_peer_where));
  ready(*peer);
  ready(*ref_peer);
  // Probe both sides until the new incarnation answers.
  std::optional<int64_t> ours_at;
  std::optional<int64_t> ref_at;
  std::optional<int64_t> old_gone_at;
  int probe = 0;
  // Ours must answer within 20 s; the baseline gets 3 s at least and as
  // long as ours takes (a libzmq ROUTER ignores a peer that comes back with
  // the id of a connection it still holds, and that peer never retries).
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + 20s;
  auto done = [&] {
    auto now = std::chrono::steady_clock::now();
    auto ours_done = ours_at && old_gone_at;
    auto ref_done = ref_at && ref.disconnected_after(t0);
    return now >= deadline || (ours_done && (ref_done || now >= start + 3s));
  };
  while (!done()) {
    auto body = "probe-" + std::to_string(++probe);
    (void) f.try_send(ours, interop::mp({"rebooted", body}), 50ms);
    (void) ref.sock().send(zmq::str_buffer("rebooted"),
                           zmq::send_flags::sndmore);
    (void) ref.sock().send(zmq::buffer(body), zmq::send_flags::dontwait);
    while (auto msg = f.try_recv(ours, caf::timespan{1ms}))
      if (!ours_at && interop::strs(*msg).size() == 2)
        ours_at = now_ns();
    while (auto msg = ref.try_recv())
      if (!ref_at && msg->size() == 2)
        ref_at = now_ns();
    if (!old_gone_at)
      if (auto ev = events.first(mq::socket_event_type::disconnected, 0,
                                 old_key, old_epoch))
        old_gone_at = ev->at;
    std::this_thread::sleep_for(10ms);
  }
  auto since = [&](std::optional<int64_t> t) -> std::optional<double> {
    if (t)
      return ms_between(t0, *t);
    return std::nullopt;
  };
  CAF_MESSAGE("libzmq ROUTER: " << ref.handshakes() << " handshakes");
  report("reboot-old-gone", live.name, side, "ours", since(old_gone_at));
  report("reboot-old-gone", live.name, side, "libzmq",
         since(ref.disconnected_after(t0)));
  report("reboot-answers", live.name, side, "ours", since(ours_at));
  report("reboot-answers", live.name, side, "libzmq", since(ref_at));
  CAF_REQUIRE(old_gone_at);
  CAF_REQUIRE(ours_at);
  // Silently gone: our PINGs reach the rebooted host, which resets the
  // connection it does not know, or nothing answers until the heartbeat
  // timeout; never a close by the peer (its FIN went into the cut).
  auto reason = events.first(mq::socket_event_type::disconnected, 0, old_key,
                             old_epoch)
                  ->ev.reason;
  CAF_MESSAGE("old incarnation: " << reason);
  CAF_CHECK(reason == "connection reset" || reason == "heartbeat timeout");
  // Exactly the new incarnation: one peer, up, named "rebooted", not the
  // old (key, epoch); a connect slot keeps its key and counts up its epoch.
  auto st = f.stats(ours);
  CAF_CHECK_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(up_peers(st), 1u);
  if (!st.peers.empty()) {
    auto& p = st.peers[0];
    CAF_CHECK_EQUAL(p.routing_id, "rebooted");
    CAF_CHECK(!(p.key == old_key && p.epoch == old_epoch));
    if (!ours_binds) {
      CAF_CHECK_EQUAL(p.key, old_key);
      CAF_CHECK(p.epoch > old_epoch);
    }
    CAF_MESSAGE("old incarnation key " << old_key << " epoch " << old_epoch
                                       << ", new key " << p.key << " epoch "
                                       << p.epoch << "; refused meanwhile: "
                                       << st.refused);
  }
  // Everything sent to "rebooted" now reaches the new process: a marker
  // comes back, and the new process is the one that echoed it.
  auto echoed_before = peer->ask("count", "count ", 2s);
  f.send(ours, interop::mp({"rebooted", "marker"}));
  bool marker = false;
  auto marker_deadline = std::chrono::steady_clock::now() + 5s;
  while (!marker && std::chrono::steady_clock::now() < marker_deadline) {
    auto msg = f.try_recv(ours, caf::timespan{100ms});
    marker = msg && interop::strs(*msg).back() == "marker";
  }
  CAF_CHECK(marker);
  auto echoed_after = peer->ask("count", "count ", 2s);
  CAF_REQUIRE(echoed_before && echoed_after);
  CAF_CHECK(std::stoull(*echoed_after) > std::stoull(*echoed_before));
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(reboot_tests, interop::fixture)

CAF_TEST(ours binds) {
  run(*this, true);
}

CAF_TEST(ours connects) {
  run(*this, false);
}

CAF_TEST_FIXTURE_SCOPE_END()
