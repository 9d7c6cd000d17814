// (d) A ROUTER with 100 DEALERs on two hosts, one host cut off. Our ROUTER
// echoes every request; hosts 1 and 2 each run 50 libzmq DEALERs in one
// process, each keeping one request out (a new one 50 ms after each reply).
// Once bound (the DEALERs connect) and once connecting (each DEALER binds a
// port of its own). Host 1 is cut off: while our ROUTER still holds its 50
// dead peers (until their heartbeats time out) and afterwards, every DEALER
// of host 2 keeps getting replies in every window (no stall). After the
// heal all 100 exchange again. The same topology with a libzmq ROUTER
// (hosts-peer in the root namespace) is the baseline: the DETECT lines give
// the time until all 50 cut peers were dropped, and both print the longest
// reply gap host 2 saw.
#define CAF_SUITE hosts.router_fanout
#include "event_log.hpp"
#include "hosts_fixture.hpp"

using namespace hosts;

namespace {

constexpr int per_host = 50;

/// Parses `report <progressed> <replies> <max gap ms>`.
struct dealer_report {
  int progressed = -1;
  long replies = 0;
  long max_gap_ms = 0;
};

dealer_report ask_report(peer_process& p) {
  dealer_report r;
  if (auto line = p.ask("report", "report ", 5s)) {
    std::istringstream in{*line};
    in >> r.progressed >> r.replies >> r.max_gap_ms;
  }
  return r;
}

/// An actor that echoes every message of `router` back to its sender.
caf::behavior echo_impl(caf::event_based_actor* self, mq::router_actor r) {
  self->send(r, mq::deliver_atom::value, caf::actor_cast<caf::actor>(self),
             uint64_t{1000});
  return {
    [=](mq::message_atom, mq::multipart& msg) {
      self->request(r, caf::infinite, mq::send_atom::value, std::move(msg))
        .then([](caf::ok_atom) {}, [](caf::error&) {});
      self->send(r, mq::credit_atom::value, uint64_t{1});
    },
  };
}

/// The DEALER processes of both hosts and what the test needs of them.
struct dealer_hosts {
  host& a;
  host& b;
  std::unique_ptr<peer_process> pa;
  std::unique_ptr<peer_process> pb;
  std::vector<std::string> endpoints; // bound DEALERs (ours connects)

  /// Starts 50 DEALERs per host: connecting to `port` of the host's root
  /// address, or (empty port) binding a port each.
  dealer_hosts(host& ha, host& hb, const std::string& port,
               const std::string& prefix)
    : a(ha), b(hb) {
    auto start = [&](host& h, const std::string& name) {
      auto where = port.empty() ? "bind=tcp://" + h.addr() + ":*"
                                : "connect=tcp://" + h.root_addr() + ":"
                                    + port;
      auto p = std::make_unique<peer_process>(
        h.ns(), args({{"dealers", "n=" + std::to_string(per_host),
                       "prefix=" + prefix + name, where, "pace=50",
                       "resend=500"},
                      peer_defaults(),
                      heartbeat_liveness().peer_args}));
      ready(*p);
      for (auto& ep : p->all("endpoint "))
        endpoints.push_back(ep);
      return p;
    };
    pa = start(a, "a");
    pb = start(b, "b");
  }
};

/// Drives one run: warm-up, cut of host a, heal. `dropped_a(t0)` tells
/// when the ROUTER dropped the last of host a's 50 peers after `t0` (from
/// the socket's own disconnect events), if it did.
template <class AllUp, class DroppedA>
void drive(const std::string& who, const std::string& side, dealer_hosts& d,
           AllUp all_up, DroppedA dropped_a) {
  CAF_REQUIRE(await(all_up, 20s));
  std::this_thread::sleep_for(300ms);
  (void) ask_report(*d.pa);
  (void) ask_report(*d.pb);
  std::this_thread::sleep_for(500ms);
  auto warm_a = ask_report(*d.pa);
  auto warm_b = ask_report(*d.pb);
  CAF_CHECK_EQUAL(warm_a.progressed, per_host);
  CAF_CHECK_EQUAL(warm_b.progressed, per_host);
  // -- cut host a ----------------------------------------------------------------
  CAF_REQUIRE(d.a.cut());
  auto t0 = now_ns();
  std::optional<int64_t> dropped_at;
  long max_gap_b = 0;
  int windows = 0;
  int stalled = 0;
  // 500 ms windows until the ROUTER dropped host a's peers, then one more.
  auto deadline = std::chrono::steady_clock::now() + 15s;
  auto window_end = std::chrono::steady_clock::now() + 500ms;
  bool extra = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!dropped_at)
      dropped_at = dropped_a(t0);
    if (std::chrono::steady_clock::now() >= window_end) {
      auto r = ask_report(*d.pb);
      ++windows;
      if (r.progressed != per_host)
        ++stalled;
      max_gap_b = std::max(max_gap_b, r.max_gap_ms);
      CAF_MESSAGE(who << ": window " << windows << ": " << r.progressed
                      << " of host b's DEALERs got replies (" << r.replies
                      << "), longest gap " << r.max_gap_ms << " ms");
      window_end = std::chrono::steady_clock::now() + 500ms;
      if (dropped_at) {
        if (extra)
          break;
        extra = true;
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  report("router-100-cut-50", "heartbeat", side, who,
         dropped_at ? std::optional<double>{ms_between(t0, *dropped_at)}
                    : std::nullopt);
  std::cerr << "GAP scenario=router-100-cut-50 side=" << side << " who=" << who
            << " host-b-longest-reply-gap-ms=" << max_gap_b
            << " windows=" << windows << " stalled-windows=" << stalled
            << std::endl;
  CAF_CHECK(dropped_at);
  CAF_CHECK(windows >= 2);
  CAF_CHECK_EQUAL(stalled, 0);
  // -- heal --------------------------------------------------------------------
  CAF_REQUIRE(d.a.heal());
  CAF_CHECK(await(all_up, 20s));
  std::this_thread::sleep_for(700ms); // the DEALERs resend after 500 ms
  (void) ask_report(*d.pa);
  (void) ask_report(*d.pb);
  std::this_thread::sleep_for(500ms);
  CAF_CHECK_EQUAL(ask_report(*d.pa).progressed, per_host);
  CAF_CHECK_EQUAL(ask_report(*d.pb).progressed, per_host);
}

void run_ours(interop::fixture& f, host& a, host& b, bool ours_binds) {
  auto side = std::string{ours_binds ? "ours-binds" : "ours-connects"};
  auto router = f.router_socket(our_options(f, heartbeat_liveness()));
  auto echo = f.sys.spawn(echo_impl, router);
  event_log events{f, router, mq::bit(mq::socket_event_type::disconnected)};
  std::string port;
  if (ours_binds)
    port = port_of(f.bind(router, "tcp://0.0.0.0:*"));
  dealer_hosts d{a, b, port, "o"};
  if (!ours_binds)
    for (auto& ep : d.endpoints)
      f.connect(router, ep);
  auto up = [&] { return f.status(router) == 2 * per_host; };
  // The 50th `disconnected` since the cut (and `status` down to 50).
  auto dropped = [&](int64_t t0) -> std::optional<int64_t> {
    std::vector<logged_event> gone;
    for (auto& x : events.all())
      if (x.at >= t0 && x.ev.type == mq::socket_event_type::disconnected)
        gone.push_back(x);
    if (gone.size() < size_t{per_host} || f.status(router) > per_host)
      return std::nullopt;
    for (auto& x : gone) {
      CAF_CHECK_EQUAL(x.ev.reason, "heartbeat timeout");
      CAF_CHECK(x.ev.peer && x.ev.peer->routing_id.rfind("oa-", 0) == 0);
    }
    return gone[per_host - 1].at;
  };
  drive("ours", side, d, up, dropped);
  // No ghost: exactly the 100 live peers, all up.
  auto st = f.stats(router);
  CAF_CHECK_EQUAL(st.peers.size(), size_t{2 * per_host});
  CAF_CHECK_EQUAL(up_peers(st), size_t{2 * per_host});
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  f.close(router);
}

void run_libzmq(host& a, host& b, bool ref_binds) {
  auto side = std::string{ref_binds ? "ours-binds" : "ours-connects"};
  std::unique_ptr<peer_process> ref;
  std::unique_ptr<dealer_hosts> d;
  auto ref_args = [&](std::vector<std::string> where) {
    return args({{"socket", "type=router", "echo=1"},
                 where,
                 peer_defaults(),
                 heartbeat_liveness().peer_args});
  };
  if (ref_binds) {
    ref = std::make_unique<peer_process>("", ref_args({"bind=tcp://0.0.0.0:*"}));
    d = std::make_unique<dealer_hosts>(a, b, port_of(ready(*ref)), "z");
  } else {
    d = std::make_unique<dealer_hosts>(a, b, "", "z");
    std::vector<std::string> where;
    for (auto& ep : d->endpoints)
      where.push_back("connect=" + ep);
    ref = std::make_unique<peer_process>("", ref_args(where));
    ready(*ref);
  }
  // Handshakes minus disconnects: the live peers of the libzmq ROUTER.
  auto live_peers = [&] {
    ref->pump(0ms);
    return static_cast<long>(ref->all("event HANDSHAKE_SUCCEEDED ").size())
           - static_cast<long>(ref->all("event DISCONNECTED ").size());
  };
  auto up = [&] { return live_peers() == 2 * per_host; };
  // The 50th DISCONNECTED since the cut, stamped by the ROUTER's process.
  auto dropped = [&](int64_t t0) -> std::optional<int64_t> {
    ref->pump(0ms);
    std::vector<int64_t> gone;
    for (auto& ev : ref->all("event DISCONNECTED ")) {
      auto t = std::stoll(ev.substr(0, ev.find(' ')));
      if (t >= t0)
        gone.push_back(t);
    }
    if (gone.size() < size_t{per_host})
      return std::nullopt;
    return gone[per_host - 1];
  };
  drive("libzmq", side, *d, up, dropped);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(router_fanout_tests, interop::fixture)

CAF_TEST(ours binds) {
  hosts::host a{1};
  hosts::host b{2};
  CAF_REQUIRE(a.valid() && b.valid());
  run_ours(*this, a, b, true);
  run_libzmq(a, b, true);
}

CAF_TEST(ours connects) {
  hosts::host a{1};
  hosts::host b{2};
  CAF_REQUIRE(a.valid() && b.valid());
  run_ours(*this, a, b, false);
  run_libzmq(a, b, false);
}

CAF_TEST_FIXTURE_SCOPE_END()
