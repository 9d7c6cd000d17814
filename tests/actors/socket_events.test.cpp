#define CAF_SUITE socket_events
#include <caf/test/unit_test.hpp>

#include "events_fixture.hpp"

#include "raw_zmtp.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include <thread>

using namespace std::chrono_literals;
using namespace monocoque_test;

namespace {

// A port nobody listens on (bound, then closed at once).
std::string closed_port() {
  uint16_t port = 0;
  { auto l = interop::raw_tcp::listen(port); }
  return std::to_string(port);
}

struct fixture : events_fixture {
  // A bound DEALER and a connected one, both with subscribers, up.
  struct pair_up {
    mq::dealer_actor a;
    mq::dealer_actor b;
    std::string ep;
    event_log_ptr la;
    event_log_ptr lb;
  };

  pair_up make_pair(mq::socket_options opts = fast()) {
    pair_up p;
    p.a = mq::spawn_dealer(*sys, opts);
    p.b = mq::spawn_dealer(*sys, opts);
    p.la = subscribe(p.a);
    p.lb = subscribe(p.b);
    auto ep = bind(p.a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    p.ep = *ep;
    CAF_REQUIRE(!connect(p.b, p.ep));
    CAF_REQUIRE(p.la->wait(ev_type::handshake_succeeded));
    CAF_REQUIRE(p.lb->wait(ev_type::handshake_succeeded));
    return p;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(socket_events_tests, fixture)

CAF_TEST(a_connection_reports_its_lifecycle_in_libzmq_order) {
  auto p = make_pair();
  // The bound side: listening, accepted, handshake_succeeded.
  auto listening = p.la->wait(ev_type::listening);
  CAF_REQUIRE(listening);
  CAF_CHECK_EQUAL(listening->endpoint, p.ep);
  CAF_CHECK_EQUAL(listening->local_address, "127.0.0.1:" + port_of(p.ep));
  CAF_CHECK_EQUAL(listening->key, 0u);
  auto acc = p.la->index_of(ev_type::accepted);
  auto up_a = p.la->index_of(ev_type::handshake_succeeded);
  CAF_REQUIRE(acc && up_a);
  CAF_CHECK_LESS(*acc, *up_a);
  auto accepted = p.la->at(*acc);
  CAF_CHECK_EQUAL(accepted.endpoint, p.ep);
  CAF_CHECK_EQUAL(accepted.local_address, "127.0.0.1:" + port_of(p.ep));
  CAF_CHECK(starts_with(accepted.remote_address, "127.0.0.1:"));
  auto ha = p.la->at(*up_a);
  CAF_REQUIRE(ha.peer != nullptr);
  CAF_CHECK_EQUAL(ha.peer->mechanism, "NULL");
  CAF_CHECK_EQUAL(ha.key, accepted.key);
  CAF_CHECK_EQUAL(ha.epoch, accepted.epoch);
  CAF_CHECK_EQUAL(ha.peer->key, ha.key);
  CAF_CHECK_EQUAL(ha.peer->epoch, ha.epoch);
  // Key and epoch match introspection.
  auto st = stats(p.a);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].key, ha.key);
  CAF_CHECK_EQUAL(st.peers[0].epoch, ha.epoch);
  // The connecting side: connect_delayed, connected, handshake_succeeded.
  auto delayed = p.lb->index_of(ev_type::connect_delayed);
  auto connected = p.lb->index_of(ev_type::connected);
  auto up_b = p.lb->index_of(ev_type::handshake_succeeded);
  CAF_REQUIRE(delayed && connected && up_b);
  CAF_CHECK_LESS(*delayed, *connected);
  CAF_CHECK_LESS(*connected, *up_b);
  auto c = p.lb->at(*connected);
  CAF_CHECK_EQUAL(c.endpoint, p.ep);
  CAF_CHECK_EQUAL(c.remote_address, "127.0.0.1:" + port_of(p.ep));
  CAF_CHECK(starts_with(c.local_address, "127.0.0.1:"));
  // Both ends name the same TCP connection.
  CAF_CHECK_EQUAL(c.local_address, accepted.remote_address);
  auto hb = p.lb->at(*up_b);
  CAF_CHECK_EQUAL(hb.remote_address, c.remote_address);
  CAF_REQUIRE(hb.peer != nullptr);
  auto stb = stats(p.b);
  CAF_REQUIRE_EQUAL(stb.peers.size(), 1u);
  CAF_CHECK_EQUAL(stb.peers[0].key, hb.key);
  CAF_CHECK_EQUAL(stb.peers[0].epoch, hb.epoch);
  CAF_CHECK_EQUAL(p.lb->count(ev_type::connect_retried), 0u);
  CAF_MESSAGE("bound side:" << p.la->render());
  CAF_MESSAGE("connecting side:" << p.lb->render());
}

CAF_TEST(bind_failed_says_address_in_use) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto b = mq::spawn_dealer(*sys, fast());
  auto lb = subscribe(b);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto again = bind(b, *ep);
  CAF_REQUIRE(!again);
  CAF_CHECK(is(again.error(), mq::errc::bind_failed));
  auto ev = lb->wait(ev_type::bind_failed);
  CAF_REQUIRE(ev);
  CAF_CHECK_EQUAL(ev->endpoint, *ep);
  CAF_CHECK(ev->reason.find("Address already in use") != std::string::npos);
  CAF_CHECK(is(ev->error, mq::errc::bind_failed));
  CAF_CHECK_EQUAL(lb->count(ev_type::listening), 0u);
}

CAF_TEST(connect_retried_reports_the_backoff) {
  auto opts = fast();
  opts.reconnect_ivl = 10ms;
  opts.reconnect_ivl_max = 40ms;
  auto b = mq::spawn_dealer(*sys, opts);
  auto lb = subscribe(b);
  auto ep = "tcp://127.0.0.1:" + closed_port();
  CAF_REQUIRE(!connect(b, ep));
  CAF_REQUIRE(lb->wait_n(ev_type::connect_retried, 4));
  std::vector<caf::timespan> delays;
  for (auto& e : lb->all())
    if (e.type == ev_type::connect_retried) {
      delays.push_back(e.retry_in);
      CAF_CHECK_EQUAL(e.endpoint, ep);
      CAF_CHECK(starts_with(e.reason, "connect failed: "));
    }
  CAF_REQUIRE_GREATER_OR_EQUAL(delays.size(), 4u);
  CAF_CHECK_EQUAL(delays[0], caf::timespan{10ms});
  CAF_CHECK_EQUAL(delays[1], caf::timespan{20ms});
  CAF_CHECK_EQUAL(delays[2], caf::timespan{40ms});
  CAF_CHECK_EQUAL(delays[3], caf::timespan{40ms});
  // Each attempt began with connect_delayed; no connection ever existed.
  CAF_CHECK_GREATER_OR_EQUAL(lb->count(ev_type::connect_delayed), 4u);
  CAF_CHECK_EQUAL(lb->count(ev_type::connected), 0u);
  CAF_CHECK_EQUAL(lb->count(ev_type::disconnected), 0u);
  CAF_CHECK_EQUAL(lb->count(ev_type::handshake_failed_no_detail), 0u);
}

CAF_TEST(an_unresolvable_name_says_so) {
  auto b = mq::spawn_dealer(*sys, fast());
  auto lb = subscribe(b);
  CAF_REQUIRE(!connect(b, "tcp://nonexistent.invalid:5555"));
  auto ev = lb->wait_for(
    [](const mq::socket_event& e) {
      return e.type == ev_type::connect_retried;
    },
    0, 30s);
  CAF_REQUIRE(ev);
  auto e = lb->at(*ev);
  CAF_MESSAGE(to_string(e));
  CAF_CHECK_EQUAL(e.endpoint, "tcp://nonexistent.invalid:5555");
  CAF_CHECK(starts_with(e.reason, "name resolution failed: "));
  CAF_CHECK_GREATER(e.reason.size(), std::string{"name resolution failed: "}.size());
  CAF_CHECK_EQUAL(e.retry_in, caf::timespan{20ms});
  // The stats say the same.
  auto st = stats(b);
  CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
  CAF_CHECK(starts_with(st.connecting[0].last_error, "name resolution failed: "));
}

CAF_TEST(the_peer_closing_is_a_disconnect_with_the_peer) {
  auto p = make_pair();
  close(p.b);
  auto ev = p.la->wait(ev_type::disconnected);
  CAF_REQUIRE(ev);
  CAF_CHECK_EQUAL(ev->reason, "peer closed");
  CAF_CHECK_EQUAL(ev->endpoint, p.ep);
  CAF_REQUIRE(ev->peer != nullptr);
  CAF_CHECK_EQUAL(ev->peer->key, ev->key);
  // The closing side: its last event. (Its own connections' events while
  // it closes are best effort: with linger 0 it is gone at once.)
  auto stop = p.lb->index_of(ev_type::monitor_stopped);
  CAF_REQUIRE(stop);
  CAF_CHECK_EQUAL(*stop + 1, p.lb->all().size());
}

CAF_TEST(masks_filter_and_several_subscribers_get_events) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto b = mq::spawn_dealer(*sys, fast());
  auto all = subscribe(a);
  auto only_up = subscribe(a, mq::bit(ev_type::handshake_succeeded));
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(all->wait(ev_type::handshake_succeeded));
  CAF_REQUIRE(only_up->wait(ev_type::handshake_succeeded));
  for (auto& e : only_up->all())
    CAF_CHECK_EQUAL(e.type, ev_type::handshake_succeeded);
  CAF_CHECK(all->count(ev_type::listening) == 1);
  CAF_CHECK(all->count(ev_type::accepted) == 1);
}

CAF_TEST(monitoring_again_replaces_the_mask) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto b = mq::spawn_dealer(*sys, fast());
  auto [hdl, log] = collector();
  CAF_REQUIRE(!monitor(a, hdl, mq::bit(ev_type::listening)));
  CAF_REQUIRE(!monitor(a, hdl, mq::bit(ev_type::accepted)));
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(log->wait(ev_type::accepted));
  CAF_CHECK_EQUAL(log->count(ev_type::listening), 0u);
}

CAF_TEST(a_dead_subscriber_is_dropped) {
  auto a = mq::spawn_dealer(*sys, fast());
  caf::weak_actor_ptr weak;
  {
    auto [hdl, log] = collector();
    CAF_REQUIRE(!monitor(a, hdl, mq::all_socket_events));
    weak = caf::actor_cast<caf::weak_actor_ptr>(hdl);
    caf::anon_send_exit(hdl, caf::exit_reason::kill);
  }
  // The socket held the only other strong handle: once it dropped the
  // dead subscriber, nobody can revive it.
  bool dropped = false;
  for (int i = 0; i < 500 && !dropped; ++i) {
    dropped = !caf::actor_cast<caf::actor>(weak);
    if (!dropped)
      std::this_thread::sleep_for(10ms);
  }
  CAF_CHECK(dropped);
  // The socket works on, and a new subscriber gets events.
  auto log = subscribe(a);
  CAF_REQUIRE(bind(a, "tcp://127.0.0.1:*"));
  CAF_CHECK(log->wait(ev_type::listening));
}

CAF_TEST(unmonitor_ends_with_monitor_stopped) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto [hdl, log] = collector();
  auto other = subscribe(a);
  CAF_REQUIRE(!monitor(a, hdl, mq::all_socket_events));
  CAF_REQUIRE(bind(a, "tcp://127.0.0.1:*"));
  CAF_REQUIRE(log->wait(ev_type::listening));
  CAF_REQUIRE(!unmonitor(a, hdl));
  CAF_REQUIRE(log->wait(ev_type::monitor_stopped));
  // A later event reaches the other subscriber only.
  CAF_REQUIRE(bind(a, "tcp://127.0.0.1:*"));
  CAF_REQUIRE(other->wait_for([](const mq::socket_event& e) {
    return e.type == ev_type::listening;
  }, 1));
  auto seen = log->all();
  CAF_CHECK_EQUAL(seen.back().type, ev_type::monitor_stopped);
  CAF_CHECK_EQUAL(log->count(ev_type::listening), 1u);
  // Unmonitoring a non-subscriber is fine.
  CAF_CHECK(!unmonitor(a, hdl));
}

CAF_TEST(a_closing_socket_reports_closed_then_monitor_stopped) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto log = subscribe(a);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  close(a);
  auto closed = log->wait(ev_type::closed);
  CAF_REQUIRE(closed);
  CAF_CHECK_EQUAL(closed->endpoint, *ep);
  CAF_CHECK_EQUAL(closed->reason, "socket closed");
  auto stop = log->index_of(ev_type::monitor_stopped);
  CAF_REQUIRE(stop);
  CAF_CHECK_EQUAL(*stop + 1, log->all().size());
}

CAF_TEST(unbind_closes_the_listener_and_its_connections) {
  auto p = make_pair();
  CAF_REQUIRE(!call(p.a, mq::unbind_atom::value, p.ep));
  auto closed = p.la->wait(ev_type::closed);
  CAF_REQUIRE(closed);
  CAF_CHECK_EQUAL(closed->endpoint, p.ep);
  CAF_CHECK_EQUAL(closed->reason, "unbind");
  // As libzmq: the accepted connection goes with its listener.
  auto down = p.la->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "unbind");
  auto peer_down = p.lb->wait(ev_type::disconnected);
  CAF_REQUIRE(peer_down);
  CAF_CHECK_EQUAL(peer_down->reason, "peer closed");
  // New connects are refused: the other side keeps retrying.
  auto i = p.lb->index_of(ev_type::disconnected);
  auto refused = p.lb->wait_for(
    [](const mq::socket_event& e) {
      return e.type == ev_type::connect_retried
             && starts_with(e.reason, "connect failed: ");
    },
    *i);
  CAF_CHECK(refused);
  CAF_CHECK_EQUAL(p.la->count(ev_type::accepted), 1u);
  // Unknown now.
  auto again = call(p.a, mq::unbind_atom::value, p.ep);
  CAF_CHECK(is(again, mq::errc::unknown_endpoint));
}

CAF_TEST(unbind_takes_the_string_given_to_bind_when_unambiguous) {
  auto a = mq::spawn_dealer(*sys, fast());
  auto log = subscribe(a);
  CAF_REQUIRE(bind(a, "tcp://127.0.0.1:*"));
  CAF_REQUIRE(bind(a, "tcp://127.0.0.1:*"));
  auto both = call(a, mq::unbind_atom::value, "tcp://127.0.0.1:*");
  CAF_CHECK(is(both, mq::errc::unknown_endpoint));
  auto b = mq::spawn_dealer(*sys, fast());
  auto ep = "tcp://127.0.0.1:" + closed_port();
  CAF_REQUIRE(bind(b, ep));
  CAF_CHECK(!call(b, mq::unbind_atom::value, ep));
  CAF_CHECK(is(call(a, mq::unbind_atom::value, "tcp://127.0.0.1:1"),
               mq::errc::unknown_endpoint));
}

CAF_TEST(unbound_listeners_leave_no_record_behind) {
  // Bind and unbind in a loop: the socket keeps nothing of each listener
  // (it once kept a record per unbind for good).
  auto a = mq::spawn_dealer(*sys, fast());
  for (int i = 0; i < 50; ++i) {
    auto ep = bind(a, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!call(a, mq::unbind_atom::value, *ep));
  }
  auto st = stats(a);
  CAF_CHECK(st.listening.empty());
  CAF_CHECK_EQUAL(st.closed_listeners, 0u);
  // A listener with a running connection is remembered (the connection's
  // events name its endpoint) until that connection ends.
  auto p = make_pair();
  CAF_CHECK_EQUAL(stats(p.a).listening, std::vector<std::string>{p.ep});
  CAF_REQUIRE(!call(p.a, mq::unbind_atom::value, p.ep));
  CAF_REQUIRE(p.la->wait(ev_type::disconnected));
  // The `disconnected` event is sent before the record goes: poll, bounded.
  uint64_t left = 1;
  for (int i = 0; i < 500 && left != 0; ++i) {
    left = stats(p.a).closed_listeners;
    if (left != 0)
      std::this_thread::sleep_for(10ms);
  }
  CAF_CHECK_EQUAL(left, 0u);
  CAF_CHECK(stats(p.a).listening.empty());
}

CAF_TEST(disconnect_ends_the_connection_and_its_reconnects) {
  auto p = make_pair();
  CAF_REQUIRE(!call(p.b, mq::disconnect_atom::value, p.ep));
  auto down = p.lb->wait(ev_type::disconnected);
  CAF_REQUIRE(down);
  CAF_CHECK_EQUAL(down->reason, "disconnect");
  CAF_CHECK_EQUAL(down->endpoint, p.ep);
  CAF_CHECK(down->peer != nullptr);
  auto peer_down = p.la->wait(ev_type::disconnected);
  CAF_REQUIRE(peer_down);
  CAF_CHECK_EQUAL(peer_down->reason, "peer closed");
  // No reconnect: give a retry (20 ms) ample time, then look.
  std::this_thread::sleep_for(200ms);
  CAF_CHECK_EQUAL(p.lb->count(ev_type::connect_retried), 0u);
  CAF_CHECK_EQUAL(p.lb->count(ev_type::connect_delayed), 1u);
  CAF_CHECK_EQUAL(p.la->count(ev_type::accepted), 1u);
  auto st = stats(p.b);
  CAF_CHECK(st.connecting.empty());
  CAF_CHECK(st.peers.empty());
  CAF_CHECK(is(call(p.b, mq::disconnect_atom::value, p.ep),
               mq::errc::unknown_endpoint));
}

CAF_TEST(max_connections_refusals_are_accept_failed) {
  auto opts = fast();
  opts.max_connections = 1;
  auto a = mq::spawn_dealer(*sys, opts);
  auto la = subscribe(a);
  auto ep = bind(a, "tcp://127.0.0.1:*");
  CAF_REQUIRE(ep);
  auto b = mq::spawn_dealer(*sys, fast());
  auto c = mq::spawn_dealer(*sys, fast());
  CAF_REQUIRE(!connect(b, *ep));
  CAF_REQUIRE(la->wait(ev_type::handshake_succeeded));
  CAF_REQUIRE(!connect(c, *ep));
  auto ev = la->wait(ev_type::accept_failed);
  CAF_REQUIRE(ev);
  CAF_CHECK_EQUAL(ev->endpoint, *ep);
  CAF_CHECK(starts_with(ev->reason, "max_connections reached"));
}

CAF_TEST(unknown_endpoints_are_errors) {
  auto a = mq::spawn_dealer(*sys, fast());
  CAF_CHECK(is(call(a, mq::unbind_atom::value, "tcp://127.0.0.1:5555"),
               mq::errc::unknown_endpoint));
  CAF_CHECK(is(call(a, mq::disconnect_atom::value, "tcp://127.0.0.1:5555"),
               mq::errc::unknown_endpoint));
  CAF_CHECK(is(call(a, mq::disconnect_atom::value, "not an endpoint"),
               mq::errc::unknown_endpoint));
}

CAF_TEST_FIXTURE_SCOPE_END()
