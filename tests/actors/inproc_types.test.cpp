// Deterministic tests of every socket-type pairing over inproc://, under
// CAF's test coordinator: the compatibility check of the whole 11 x 11
// matrix (the handshake's, refused with errc::socket_type_mismatch), then
// each pairing ZMTP allows with messages flowing in both bind/connect
// directions and the right envelopes (ROUTER routing ids, the connector's
// `identity`, `connect_routing_id`, REQ/REP delimiters, subscriptions and
// XPUB/XSUB subscription messages); security options ignored; a proxy
// (ROUTER frontend, DEALER backend) between REQ clients and REP workers,
// all over inproc.
#define CAF_SUITE inproc_types
#include "inproc_fixture.hpp"

#include <set>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::inproc_test;
using namespace std::chrono_literals;
namespace mq = caf::monocoque; // CAF has close/connect/monitor atoms too

namespace {

using spawn_fn = actor (*)(actor_system&, socket_options);

/// A socket type: its ZMTP name and how to spawn it untyped.
struct type_entry {
  const char* name;
  spawn_fn spawn;
};

/// Spawns a socket with `Spawn` and returns it untyped.
template <class Handle, Handle (*Spawn)(actor_system&, socket_options)>
actor spawn_untyped(actor_system& sys, socket_options opts) {
  return actor_cast<actor>(Spawn(sys, std::move(opts)));
}

const std::vector<type_entry>& all_types() {
  static const std::vector<type_entry> types{
    {"PAIR", spawn_untyped<pair_actor, spawn_pair>},
    {"PUB", spawn_untyped<pub_actor, spawn_pub>},
    {"SUB", spawn_untyped<sub_actor, spawn_sub>},
    {"REQ", spawn_untyped<req_actor, spawn_req>},
    {"REP", spawn_untyped<rep_actor, spawn_rep>},
    {"DEALER", spawn_untyped<dealer_actor, spawn_dealer>},
    {"ROUTER", spawn_untyped<router_actor, spawn_router>},
    {"PULL", spawn_untyped<pull_actor, spawn_pull>},
    {"PUSH", spawn_untyped<push_actor, spawn_push>},
    {"XPUB", spawn_untyped<xpub_actor, spawn_xpub>},
    {"XSUB", spawn_untyped<xsub_actor, spawn_xsub>},
  };
  return types;
}

/// The pairings RFC 23/28/29/30/31 allow (libzmq's `is_compatible`), as
/// "BINDER-CONNECTOR" in both orders.
const std::set<std::string>& compatible() {
  static const std::set<std::string> pairs = [] {
    std::set<std::string> result;
    std::vector<std::pair<std::string, std::string>> ok{
      {"REQ", "REP"},     {"REQ", "ROUTER"},   {"REP", "DEALER"},
      {"DEALER", "DEALER"}, {"DEALER", "ROUTER"}, {"ROUTER", "ROUTER"},
      {"PUSH", "PULL"},   {"PAIR", "PAIR"},    {"PUB", "SUB"},
      {"PUB", "XSUB"},    {"XPUB", "SUB"},     {"XPUB", "XSUB"},
    };
    for (auto& [a, b] : ok) {
      result.insert(a + "-" + b);
      result.insert(b + "-" + a);
    }
    return result;
  }();
  return pairs;
}

/// The subscription message of XSUB/XPUB: `\x01prefix` or `\x00prefix`.
std::string sub_msg(bool on, const std::string& prefix) {
  return std::string(1, on ? '\x01' : '\x00') + prefix;
}

struct types_fixture : fixture {
  /// Spawns a socket of type `name` (on the scheduler).
  actor make_type(const std::string& name, socket_options opts = {}) {
    for (auto& t : all_types())
      if (name == t.name)
        return make(t.spawn, std::move(opts));
    CAF_FAIL("unknown socket type " << name);
    return {};
  }

  /// Runs `check(a, b)` twice with fresh sockets: `a` binding and `b`
  /// connecting, then `b` binding and `a` connecting.
  template <class MakeA, class MakeB, class Check>
  void both_ways(MakeA make_a, MakeB make_b, Check check) {
    for (int round = 0; round < 2; ++round) {
      auto a = make_a();
      auto b = make_b();
      if (round == 0) {
        CAF_MESSAGE("first socket binds, second connects");
        link(a, b);
      } else {
        CAF_MESSAGE("second socket binds, first connects");
        link(b, a);
      }
      check(a, b);
    }
  }

  /// The routing id a ROUTER prepended to the next message, which must be
  /// `body` after the id.
  std::string take_routed(const actor& router, const strings& body) {
    auto got = recv_strs(router);
    CAF_REQUIRE(!got.empty());
    CAF_CHECK_EQUAL(strings(got.begin() + 1, got.end()), body);
    return got.front();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(inproc_types_tests, types_fixture)

CAF_TEST(the whole type matrix pairs as zmtp allows and refuses the rest) {
  size_t pairs = 0;
  size_t refused = 0;
  for (auto& x : all_types()) {
    for (auto& y : all_types()) {
      auto key = std::string{x.name} + "-" + y.name;
      auto binder = make_type(x.name);
      auto connector = make_type(y.name);
      auto ep = fresh(key);
      CAF_REQUIRE(bind(binder, ep));
      auto err = connect(connector, ep);
      if (compatible().count(key) > 0) {
        ++pairs;
        CAF_CHECK_EQUAL(err, error{});
        CAF_CHECK_EQUAL(status(binder), 1u);
        CAF_CHECK_EQUAL(status(connector), 1u);
        auto p = only_peer(connector);
        CAF_CHECK_EQUAL(p.peer_type, x.name);
        CAF_CHECK_EQUAL(only_peer(binder).peer_type, y.name);
      } else {
        ++refused;
        if (!is(err, errc::socket_type_mismatch))
          CAF_FAIL(key << ": expected socket_type_mismatch, got "
                       << sys.render(err));
        CAF_CHECK_EQUAL(status(binder), 0u);
        CAF_CHECK_EQUAL(status(connector), 0u);
        CAF_CHECK(stats(binder).peers.empty());
      }
      kill(binder);
      kill(connector);
    }
  }
  CAF_CHECK_EQUAL(pairs, 21u);
  CAF_CHECK_EQUAL(refused, 100u);
}

CAF_TEST(an incompatible bind appearing later leaves the connect retrying) {
  auto push = make_type("PUSH");
  auto ep = fresh("late-mismatch");
  CAF_REQUIRE_EQUAL(connect(push, ep), error{});
  auto pub = make_type("PUB");
  CAF_REQUIRE(bind(pub, ep));
  for (int i = 0; i < 3; ++i)
    elapse(1s);
  auto st = stats(push);
  CAF_CHECK_EQUAL(status(push), 0u);
  CAF_CHECK_EQUAL(status(pub), 0u);
  CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
  CAF_CHECK_EQUAL(st.connecting[0].endpoint, ep);
  CAF_CHECK_GREATER_OR_EQUAL(st.connecting[0].attempts, 2u); // it retries
  CAF_CHECK_NOT_EQUAL(st.connecting[0].last_error.find("socket_type_mismatch"),
                      std::string::npos);
  CAF_MESSAGE("last error: " << st.connecting[0].last_error);
  // The incompatible binder goes, a compatible one binds: the retrying
  // endpoint connects.
  CAF_REQUIRE_EQUAL(ask_ok(pub, mq::close_atom::value), error{});
  auto pull = make_type("PULL");
  CAF_REQUIRE(bind(pull, ep));
  elapse(1s);
  CAF_CHECK_EQUAL(status(push), 1u);
  CAF_CHECK_EQUAL(status(pull), 1u);
  CAF_CHECK_EQUAL(send(push, mp({"finally"})), error{});
  CAF_CHECK_EQUAL(recv_strs(pull), strings{"finally"});
}

CAF_TEST(dealer and router exchange with generated routing ids) {
  both_ways([&] { return make_type("DEALER"); },
            [&] { return make_type("ROUTER"); },
            [&](const actor& dealer, const actor& router) {
              CAF_REQUIRE_EQUAL(send(dealer, mp({"hi", "there"})), error{});
              auto id = take_routed(router, {"hi", "there"});
              // A generated id: 5 bytes, a zero byte then a uint32.
              CAF_CHECK_EQUAL(id.size(), 5u);
              CAF_CHECK_EQUAL(id[0], '\0');
              CAF_CHECK_EQUAL(only_peer(router).routing_id, id);
              CAF_REQUIRE_EQUAL(send(router, mp({id, "back"})), error{});
              CAF_CHECK_EQUAL(recv_strs(dealer), strings{"back"});
              // An unknown id is dropped, as over tcp.
              CAF_CHECK_EQUAL(send(router, mp({"nobody", "x"})), error{});
              CAF_CHECK_EQUAL(stats(router).dropped, 1u);
              CAF_CHECK(nothing_for(dealer));
            });
}

CAF_TEST(the router sees the identity of its peer whichever side binds) {
  both_ways([&] { return make_type("DEALER", named("dlr-1")); },
            [&] { return make_type("ROUTER"); },
            [&](const actor& dealer, const actor& router) {
              CAF_REQUIRE_EQUAL(send(dealer, mp({"hi"})), error{});
              CAF_CHECK_EQUAL(take_routed(router, {"hi"}), "dlr-1");
              CAF_CHECK_EQUAL(only_peer(router).routing_id, "dlr-1");
              // Routing by the identity works before and after.
              CAF_REQUIRE_EQUAL(send(router, mp({"dlr-1", "r1"})), error{});
              CAF_CHECK_EQUAL(recv_strs(dealer), strings{"r1"});
            });
}

CAF_TEST(connect_routing_id names the bound peer before it said anything) {
  for (auto bound_identity : {std::string{}, std::string{"bound-d"}}) {
    CAF_MESSAGE("bound DEALER's identity: '" << bound_identity << "'");
    auto dealer = make_type("DEALER", named(bound_identity));
    auto router = make(spawn_router);
    auto ep = fresh("crid");
    CAF_REQUIRE(bind(dealer, ep));
    CAF_REQUIRE_EQUAL(ask_ok(router, mq::connect_atom::value, ep,
                             std::string{"alias"}),
                      error{});
    CAF_REQUIRE_EQUAL(status(router), 1u);
    CAF_CHECK_EQUAL(only_peer(router).routing_id, "alias");
    // The ROUTER speaks first, to the name it chose.
    CAF_REQUIRE_EQUAL(send(router, mp({"alias", "first"})), error{});
    CAF_CHECK_EQUAL(recv_strs(dealer), strings{"first"});
    CAF_REQUIRE_EQUAL(send(dealer, mp({"reply"})), error{});
    CAF_CHECK_EQUAL(take_routed(actor_cast<actor>(router), {"reply"}), "alias");
  }
}

CAF_TEST(a router connecting without a routing id learns the binder identity) {
  auto dealer = make_type("DEALER", named("bnd"));
  auto router = make_type("ROUTER");
  link(dealer, router);
  CAF_CHECK_EQUAL(only_peer(router).routing_id, "bnd");
  CAF_REQUIRE_EQUAL(send(router, mp({"bnd", "to the binder"})), error{});
  CAF_CHECK_EQUAL(recv_strs(dealer), strings{"to the binder"});
}

CAF_TEST(router to router needs identities on both sides) {
  auto srv = make_type("ROUTER", named("srv"));
  auto cli = make(spawn_router, named("cli"));
  auto ep = fresh("r2r");
  CAF_REQUIRE(bind(srv, ep));
  CAF_REQUIRE_EQUAL(ask_ok(cli, mq::connect_atom::value, ep, std::string{"srv"}),
                    error{});
  CAF_REQUIRE_EQUAL(status(srv), 1u);
  CAF_CHECK_EQUAL(only_peer(srv).routing_id, "cli");
  CAF_REQUIRE_EQUAL(send(cli, mp({"srv", "hello"})), error{});
  CAF_CHECK_EQUAL(take_routed(srv, {"hello"}), "cli");
  CAF_REQUIRE_EQUAL(send(srv, mp({"cli", "welcome"})), error{});
  CAF_CHECK_EQUAL(take_routed(actor_cast<actor>(cli), {"welcome"}), "srv");
}

CAF_TEST(dealer to dealer carries multipart messages both ways) {
  both_ways([&] { return make_type("DEALER"); },
            [&] { return make_type("DEALER"); },
            [&](const actor& a, const actor& b) {
              CAF_REQUIRE_EQUAL(send(a, mp({"a", "", "c"})), error{});
              CAF_CHECK_EQUAL(recv_strs(b), (strings{"a", "", "c"}));
              CAF_REQUIRE_EQUAL(send(b, mp({"back"})), error{});
              CAF_CHECK_EQUAL(recv_strs(a), strings{"back"});
              auto pa = only_peer(a);
              CAF_CHECK_EQUAL(pa.msgs_out, 1u);
              CAF_CHECK_EQUAL(pa.msgs_in, 1u);
              CAF_CHECK_EQUAL(pa.bytes_out, 2u);
              CAF_CHECK_EQUAL(pa.bytes_in, 4u);
            });
}

CAF_TEST(req and rep keep their envelopes over several rounds) {
  both_ways([&] { return make_type("REQ"); },
            [&] { return make_type("REP"); },
            [&](const actor& req, const actor& rep) {
              for (int i = 0; i < 3; ++i) {
                auto q = "q" + std::to_string(i);
                CAF_REQUIRE_EQUAL(send(req, mp({q, "part"})), error{});
                CAF_CHECK_EQUAL(recv_strs(rep), (strings{q, "part"}));
                CAF_REQUIRE_EQUAL(send(rep, mp({"a" + q})), error{});
                CAF_CHECK_EQUAL(recv_strs(req), strings{"a" + q});
              }
              // The state machines hold over inproc as over tcp.
              CAF_REQUIRE_EQUAL(send(req, mp({"again"})), error{});
              CAF_CHECK(is(send(req, mp({"too soon"})), errc::wrong_state));
            });
}

CAF_TEST(req to router shows the empty delimiter) {
  both_ways([&] { return make_type("REQ"); },
            [&] { return make_type("ROUTER"); },
            [&](const actor& req, const actor& router) {
              CAF_REQUIRE_EQUAL(send(req, mp({"q"})), error{});
              auto id = take_routed(router, {"", "q"});
              CAF_REQUIRE_EQUAL(send(router, mp({id, "", "a"})), error{});
              CAF_CHECK_EQUAL(recv_strs(req), strings{"a"});
            });
}

CAF_TEST(dealer to rep carries the delimiter it must add itself) {
  both_ways([&] { return make_type("DEALER"); },
            [&] { return make_type("REP"); },
            [&](const actor& dealer, const actor& rep) {
              CAF_REQUIRE_EQUAL(send(dealer, mp({"", "q"})), error{});
              CAF_CHECK_EQUAL(recv_strs(rep), strings{"q"});
              CAF_REQUIRE_EQUAL(send(rep, mp({"a"})), error{});
              CAF_CHECK_EQUAL(recv_strs(dealer), (strings{"", "a"}));
            });
}

CAF_TEST(push to pull keeps order and pull never sends) {
  both_ways([&] { return make_type("PUSH"); },
            [&] { return make_type("PULL"); },
            [&](const actor& push, const actor& pull) {
              for (int i = 0; i < 5; ++i)
                CAF_REQUIRE_EQUAL(send(push, mp({std::to_string(i)})),
                                  error{});
              for (int i = 0; i < 5; ++i)
                CAF_CHECK_EQUAL(recv_strs(pull), strings{std::to_string(i)});
              CAF_CHECK(nothing_for(pull));
              CAF_CHECK(is(send(pull, mp({"x"})), errc::invalid_operation));
            });
}

CAF_TEST(pair to pair talks both ways and refuses a second peer) {
  both_ways([&] { return make_type("PAIR"); },
            [&] { return make_type("PAIR"); },
            [&](const actor& a, const actor& b) {
              CAF_REQUIRE_EQUAL(send(a, mp({"ping"})), error{});
              CAF_CHECK_EQUAL(recv_strs(b), strings{"ping"});
              CAF_REQUIRE_EQUAL(send(b, mp({"pong"})), error{});
              CAF_CHECK_EQUAL(recv_strs(a), strings{"pong"});
            });
  auto a = make_type("PAIR");
  auto b = make_type("PAIR");
  auto ep = link(a, b);
  auto third = make_type("PAIR");
  CAF_CHECK_EQUAL(connect(third, ep), error{});
  CAF_CHECK_EQUAL(status(a), 1u);
  CAF_CHECK_EQUAL(status(third), 0u);
  CAF_CHECK_GREATER_OR_EQUAL(stats(a).refused, 1u);
  CAF_REQUIRE_EQUAL(send(a, mp({"only b"})), error{});
  CAF_CHECK_EQUAL(recv_strs(b), strings{"only b"});
}

CAF_TEST(pub to sub filters on the subscriptions replayed or live) {
  both_ways([&] { return make_type("PUB"); },
            [&] { return make_type("SUB"); },
            [&](const actor& pub, const actor& sub) {
              CAF_REQUIRE_EQUAL(ask_ok(sub, subscribe_to_atom::value,
                                       std::string{"t"}),
                                error{});
              CAF_CHECK_EQUAL(only_peer(pub).subscriptions, 1u);
              for (auto x : {"t1", "x1", "t2"})
                CAF_REQUIRE_EQUAL(send(pub, mp({x, "body"})), error{});
              CAF_CHECK_EQUAL(recv_strs(sub), (strings{"t1", "body"}));
              CAF_CHECK_EQUAL(recv_strs(sub), (strings{"t2", "body"}));
              CAF_CHECK(nothing_for(sub));
              CAF_REQUIRE_EQUAL(ask_ok(sub, unsubscribe_from_atom::value,
                                       std::string{"t"}),
                                error{});
              CAF_CHECK_EQUAL(only_peer(pub).subscriptions, 0u);
              CAF_REQUIRE_EQUAL(send(pub, mp({"t3"})), error{});
              CAF_CHECK(nothing_for(sub));
            });
  // A subscription made before the connection is replayed when it comes up.
  auto sub = make_type("SUB");
  CAF_REQUIRE_EQUAL(ask_ok(sub, subscribe_to_atom::value, std::string{"k"}),
                    error{});
  auto pub = make_type("PUB");
  link(pub, sub);
  CAF_CHECK_EQUAL(only_peer(pub).subscriptions, 1u);
  CAF_REQUIRE_EQUAL(send(pub, mp({"k-1"})), error{});
  CAF_CHECK_EQUAL(recv_strs(sub), strings{"k-1"});
}

CAF_TEST(xpub sees the subscriptions of a sub) {
  both_ways([&] { return make_type("XPUB"); },
            [&] { return make_type("SUB"); },
            [&](const actor& xpub, const actor& sub) {
              CAF_REQUIRE_EQUAL(ask_ok(sub, subscribe_to_atom::value,
                                       std::string{"t"}),
                                error{});
              CAF_CHECK_EQUAL(recv_strs(xpub), strings{sub_msg(true, "t")});
              CAF_REQUIRE_EQUAL(send(xpub, mp({"t-data"})), error{});
              CAF_REQUIRE_EQUAL(send(xpub, mp({"u-data"})), error{});
              CAF_CHECK_EQUAL(recv_strs(sub), strings{"t-data"});
              CAF_CHECK(nothing_for(sub));
              CAF_REQUIRE_EQUAL(ask_ok(sub, unsubscribe_from_atom::value,
                                       std::string{"t"}),
                                error{});
              CAF_CHECK_EQUAL(recv_strs(xpub), strings{sub_msg(false, "t")});
            });
}

CAF_TEST(xsub subscribes a pub with subscription messages) {
  both_ways([&] { return make_type("PUB"); },
            [&] { return make_type("XSUB"); },
            [&](const actor& pub, const actor& xsub) {
              CAF_REQUIRE_EQUAL(send(xsub, mp({sub_msg(true, "t")})), error{});
              CAF_CHECK_EQUAL(only_peer(pub).subscriptions, 1u);
              CAF_REQUIRE_EQUAL(send(pub, mp({"t1"})), error{});
              CAF_REQUIRE_EQUAL(send(pub, mp({"u1"})), error{});
              CAF_CHECK_EQUAL(recv_strs(xsub), strings{"t1"});
              CAF_CHECK(nothing_for(xsub));
            });
}

CAF_TEST(xpub and xsub exchange subscriptions and data) {
  both_ways([&] { return make_type("XPUB"); },
            [&] { return make_type("XSUB"); },
            [&](const actor& xpub, const actor& xsub) {
              CAF_REQUIRE_EQUAL(send(xsub, mp({sub_msg(true, "t")})), error{});
              CAF_CHECK_EQUAL(recv_strs(xpub), strings{sub_msg(true, "t")});
              CAF_REQUIRE_EQUAL(send(xpub, mp({"t1", "x"})), error{});
              CAF_CHECK_EQUAL(recv_strs(xsub), (strings{"t1", "x"}));
              CAF_REQUIRE_EQUAL(send(xsub, mp({sub_msg(false, "t")})),
                                error{});
              CAF_CHECK_EQUAL(recv_strs(xpub), strings{sub_msg(false, "t")});
              CAF_REQUIRE_EQUAL(send(xpub, mp({"t2"})), error{});
              CAF_CHECK(nothing_for(xsub));
            });
}

CAF_TEST(security options do not apply to inproc) {
  // A PLAIN server without an authenticator refuses every tcp client; over
  // inproc, as in libzmq, the mechanism is NULL whatever the options say.
  socket_options opts;
  opts.security.plain_server = true;
  auto server = make_type("DEALER", opts);
  auto client = make_type("DEALER");
  link(server, client, "secure");
  CAF_CHECK_EQUAL(only_peer(server).mechanism, "NULL");
  CAF_CHECK_EQUAL(only_peer(client).mechanism, "NULL");
  CAF_REQUIRE_EQUAL(send(client, mp({"in"})), error{});
  CAF_CHECK_EQUAL(recv_strs(server), strings{"in"});
}

CAF_TEST(a proxy between inproc frontend and backend serves every client) {
  auto front = make(spawn_router);
  auto back = make(spawn_dealer);
  CAF_REQUIRE(bind(front, "inproc://front"));
  CAF_REQUIRE(bind(back, "inproc://back"));
  std::vector<rep_actor> workers;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(make(spawn_rep));
    CAF_REQUIRE_EQUAL(connect(workers.back(), "inproc://back"), error{});
  }
  std::vector<req_actor> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(make(spawn_req));
    CAF_REQUIRE_EQUAL(connect(clients.back(), "inproc://front"), error{});
  }
  CAF_REQUIRE_EQUAL(status(front), 3u);
  CAF_REQUIRE_EQUAL(status(back), 2u);
  auto res = spawn_proxy(sys, front, back, {}, proxy_options{16, 16, false});
  CAF_REQUIRE(res);
  auto proxy = *res;
  settle();
  for (size_t i = 0; i < clients.size(); ++i)
    CAF_REQUIRE_EQUAL(send(clients[i], mp({"req-" + std::to_string(i)})),
                      error{});
  // Each worker answers what it gets until every request was served.
  size_t served = 0;
  std::vector<size_t> per_worker(workers.size());
  for (int round = 0; round < 10 && served < clients.size(); ++round)
    for (size_t w = 0; w < workers.size(); ++w) {
      auto q = recv(workers[w]);
      if (!q)
        continue;
      CAF_REQUIRE_EQUAL(q->size(), 1u);
      CAF_REQUIRE_EQUAL(send(workers[w], mp({"re:" + strs(*q)[0]})), error{});
      ++served;
      ++per_worker[w];
    }
  CAF_CHECK_EQUAL(served, clients.size());
  for (auto n : per_worker)
    CAF_CHECK_GREATER(n, 0u);
  for (size_t i = 0; i < clients.size(); ++i)
    CAF_CHECK_EQUAL(recv_strs(clients[i]),
                    strings{"re:req-" + std::to_string(i)});
  auto ps = ask<proxy_stats>(proxy, stats_atom::value);
  CAF_REQUIRE(ps);
  CAF_CHECK_EQUAL(ps->frontend.msgs_in, 3u);
  CAF_CHECK_EQUAL(ps->backend.msgs_out, 3u);
  CAF_CHECK_EQUAL(ps->backend.msgs_in, 3u);
  CAF_CHECK_EQUAL(ps->frontend.msgs_out, 3u);
  CAF_CHECK_EQUAL(ask_ok(proxy, terminate_atom::value), error{});
}

CAF_TEST_FIXTURE_SCOPE_END()
