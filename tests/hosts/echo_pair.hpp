#pragma once

// The echo pair of the partition and frozen-peer suites: our DEALER talks
// to a libzmq ROUTER (echo) on a host, once bound (the peer connects) and
// once connecting (the peer binds); a libzmq DEALER in the test process
// does the same with a second echo peer on the same host (the baseline).
// `run_fault` cuts them off by a fault, measures who notices when (the
// DETECT lines), keeps the fault 1.5 s longer (reconnect attempts go into
// it), ends the fault, measures who is back when, and checks that traffic flows again and
// that our introspection lists exactly the live peer: a new incarnation,
// no ghost.

#include "event_log.hpp"
#include "hosts_fixture.hpp"

namespace hosts {

/// A fault: how to start it and how to end it.
struct fault {
  /// Name in the DETECT lines ("partition", "frozen").
  std::string name;
  /// Starts the fault; returns false when it could not.
  std::function<bool()> begin;
  /// Ends the fault; returns false when it could not.
  std::function<bool()> end;
};


/// Our DEALER plus the baseline's DEALER, both talking to echo peers on
/// `h`, and the traffic they exchange.
struct echo_pair {
  interop::fixture& f;
  host& h;
  const liveness& live;
  bool ours_binds;
  mq::dealer_actor ours;
  ref_socket ref;
  std::unique_ptr<peer_process> peer;
  std::unique_ptr<peer_process> ref_peer;
  std::unique_ptr<event_log> events;
  uint64_t seq = 0;
  uint64_t our_echoes = 0;
  uint64_t ref_echoes = 0;

  echo_pair(interop::fixture& fx, host& hx, const liveness& lv,
                bool binds)
    : f(fx),
      h(hx),
      live(lv),
      ours_binds(binds),
      ours(fx.dealer(our_options(fx, lv))),
      ref(fx.ctx, zmq::socket_type::dealer, lv, "echo") {
    events = std::make_unique<event_log>(
      fx, ours,
      mq::bit(mq::socket_event_type::disconnected)
        | mq::bit(mq::socket_event_type::handshake_succeeded));
    auto peer_args = [&](const std::string& where) {
      return args({{"socket", "type=router", where, "echo=1"},
                   peer_defaults(),
                   live.peer_args});
    };
    if (ours_binds) {
      auto ep = f.bind(ours, "tcp://" + h.root_addr() + ":*");
      ref.sock().bind("tcp://" + h.root_addr() + ":*");
      auto ref_ep = ref.sock().get(zmq::sockopt::last_endpoint);
      peer = std::make_unique<peer_process>(h.ns(), peer_args("connect=" + ep));
      ref_peer = std::make_unique<peer_process>(h.ns(),
                                                peer_args("connect=" + ref_ep));
      ready(*peer);
      ready(*ref_peer);
    } else {
      auto where = "bind=tcp://" + h.addr() + ":*";
      peer = std::make_unique<peer_process>(h.ns(), peer_args(where));
      ref_peer = std::make_unique<peer_process>(h.ns(), peer_args(where));
      f.connect(ours, ready(*peer));
      ref.sock().connect(ready(*ref_peer));
    }
  }

  std::string side() const {
    return ours_binds ? "ours-binds" : "ours-connects";
  }

  /// One message each way, and whatever echoes came back.
  void exchange() {
    auto body = std::to_string(++seq);
    (void) f.try_send(ours, interop::mp({"t", body}), 50ms);
    (void) ref.sock().send(zmq::buffer("t " + body), zmq::send_flags::dontwait);
    for (;;) {
      auto msg = f.try_recv(ours, caf::timespan{1ms});
      if (!msg)
        break;
      ++our_echoes;
    }
    ref_echoes += ref.drain();
  }

  /// Exchanges messages for `d`.
  void exchange_for(std::chrono::milliseconds d) {
    auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
      exchange();
      std::this_thread::sleep_for(20ms);
    }
  }

  /// The (key, epoch) of our one peer that is up.
  std::pair<uint64_t, uint64_t> live_peer() {
    auto st = f.stats(ours);
    for (auto& p : st.peers)
      if (p.up)
        return {p.key, p.epoch};
    return {0, 0};
  }
};

/// Runs `x` against the echo pair on `h` (see the top of this file).
inline void run_fault(echo_pair& r, const liveness& live,
                      const fault& x) {
  auto& f = r.f;
  auto ours_binds = r.ours_binds;
  CAF_MESSAGE(live.name << ", " << r.side());
  CAF_REQUIRE(f.await_status(r.ours, 1, 5s));
  CAF_REQUIRE(await([&] { return r.ref.handshakes() >= 1; }, 5s));
  r.exchange_for(300ms);
  CAF_REQUIRE(r.our_echoes > 0);
  CAF_CHECK(r.ref_echoes > 0);
  auto before = r.live_peer();
  CAF_REQUIRE(before.first != 0);
  if (live.idle_at_cut) {
    // Keepalive probes only an idle connection: let everything be acked.
    std::this_thread::sleep_for(300ms);
    r.exchange();
  }
  // -- the fault -----------------------------------------------------------------
  CAF_REQUIRE(x.begin());
  auto t0 = now_ns();
  // Ours: the `disconnected` event of the incarnation that was up (and, as
  // a cross-check, `status` dropping to 0).
  std::optional<logged_event> gone;
  std::optional<int64_t> ours_at;
  std::optional<int64_t> status_at;
  std::optional<int64_t> ref_at;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((!ours_at || !status_at || !ref_at)
         && std::chrono::steady_clock::now() < deadline) {
    if (!live.idle_at_cut)
      r.exchange();
    if (!ours_at)
      if ((gone = r.events->first(mq::socket_event_type::disconnected, t0,
                                  before.first, before.second)))
        ours_at = gone->at;
    if (!status_at && f.status(r.ours) == 0)
      status_at = now_ns();
    if (!ref_at)
      ref_at = r.ref.disconnected_after(t0);
    std::this_thread::sleep_for(5ms);
  }
  report(x.name, live.name, r.side(), "ours",
         ours_at ? std::optional<double>{ms_between(t0, *ours_at)}
                 : std::nullopt);
  report(x.name, live.name, r.side(), "libzmq",
         ref_at ? std::optional<double>{ms_between(t0, *ref_at)}
                : std::nullopt);
  CAF_REQUIRE(ours_at);
  CAF_REQUIRE(status_at);
  // Why: heartbeats say so; the kernel (keepalive, TCP_USER_TIMEOUT) fails
  // the connection with ETIMEDOUT.
  auto expected = live.name == "heartbeat" ? "heartbeat timeout"
                                           : "connection timed out";
  CAF_MESSAGE("disconnected: " << mq::to_string(gone->ev));
  CAF_CHECK_EQUAL(gone->ev.reason, expected);
  // The dead incarnation is gone from the introspection (its echoes that
  // arrived before the cut were taken above or are taken now).
  while (f.try_recv(r.ours, caf::timespan{1ms}))
    ++r.our_echoes;
  auto st = f.stats(r.ours);
  for (auto& p : st.peers)
    CAF_CHECK(!(p.key == before.first && p.epoch == before.second));
  CAF_CHECK_EQUAL(up_peers(st), 0u);
  // The fault lasts a while longer: reconnect attempts go into it (a SYN
  // that is never answered, a greeting a frozen peer never reads).
  auto hold_end = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < hold_end) {
    r.exchange();
    std::this_thread::sleep_for(20ms);
  }
  // -- its end -----------------------------------------------------------------
  // Stamped before the fault ends: a reconnect that was pending in the
  // kernel can complete before `end` returns (a thawed peer answers at once).
  auto t1 = now_ns();
  CAF_REQUIRE(x.end());
  // Back: the `handshake_succeeded` event (and `status` 1 again).
  std::optional<int64_t> back_at;
  bool status_back = false;
  std::optional<int64_t> ref_back_at;
  deadline = std::chrono::steady_clock::now() + 20s;
  while ((!back_at || !status_back || !ref_back_at)
         && std::chrono::steady_clock::now() < deadline) {
    r.exchange();
    if (!back_at)
      if (auto ev = r.events->first(mq::socket_event_type::handshake_succeeded,
                                    t1))
        back_at = ev->at;
    status_back = status_back || f.status(r.ours) == 1;
    if (!ref_back_at)
      ref_back_at = r.ref.handshake_after(t1);
    std::this_thread::sleep_for(5ms);
  }
  report(x.name + "-end", live.name, r.side(), "ours",
         back_at ? std::optional<double>{ms_between(t1, *back_at)}
                 : std::nullopt);
  report(x.name + "-end", live.name, r.side(), "libzmq",
         ref_back_at ? std::optional<double>{ms_between(t1, *ref_back_at)}
                     : std::nullopt);
  if (!back_at || !status_back) {
    CAF_MESSAGE("not back: status " << f.status(r.ours) << ", events since the cut:");
    for (auto& e : r.events->all())
      if (e.at >= t0)
        CAF_MESSAGE("  +" << ms_between(t0, e.at) << " ms " << mq::to_string(e.ev));
  }
  CAF_REQUIRE(back_at);
  CAF_REQUIRE(status_back);
  // Traffic flows again: a marker sent now comes back.
  f.send(r.ours, interop::mp({"marker", "after-heal"}));
  bool marker = false;
  auto marker_deadline = std::chrono::steady_clock::now() + 5s;
  while (!marker && std::chrono::steady_clock::now() < marker_deadline) {
    auto msg = f.try_recv(r.ours, caf::timespan{100ms});
    if (msg && interop::strs(*msg).front() == "marker")
      marker = true;
  }
  CAF_CHECK(marker);
  // Exactly the live peer: one incarnation, up, not the one before the cut.
  st = f.stats(r.ours);
  CAF_CHECK_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(up_peers(st), 1u);
  auto after = r.live_peer();
  CAF_CHECK(after != before);
  if (!ours_binds)
    CAF_CHECK_EQUAL(after.first, before.first); // the connect slot stays
  CAF_MESSAGE("peer before the cut: key " << before.first << " epoch "
                                          << before.second << ", after: key "
                                          << after.first << " epoch "
                                          << after.second);
}

} // namespace hosts
