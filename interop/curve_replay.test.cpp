// A replayed CURVE MESSAGE is refused: a relay (tcp_relay.hpp) duplicates
// the 5th data frame of one direction after the handshake; the receiving
// socket must deliver messages 1-5 once, drop the connection (the nonce did
// not increase), deliver nothing twice, and take the reconnect. Over NULL
// the same duplicate is delivered (the relay works). Also: our CURVE client
// reconnects to a libzmq server restarted with the same key on the same
// port, and a libzmq client to our restarted server.
#define CAF_SUITE interop_curve_replay
#include "security_fixture.hpp"
#include "tcp_relay.hpp"

#include <set>

using namespace interop;
using strings = std::vector<std::string>;

namespace {

/// Who receives the duplicate.
enum class receiver {
  our_server, // libzmq DEALER -> relay -> our ROUTER
  our_client, // libzmq ROUTER -> relay -> our DEALER
  ours_both,  // our DEALER -> relay -> our ROUTER
  zmq_server, // our DEALER -> relay -> libzmq ROUTER (libzmq's own check)
};

const char* to_string(receiver x) {
  static const char* names[] = {"our server (libzmq client sends)",
                                "our client (libzmq server sends)",
                                "our server (our client sends)",
                                "libzmq server (our client sends)"};
  return names[static_cast<int>(x)];
}

/// What the receiver got.
struct replay_result {
  std::vector<int> got; // message numbers, in order of arrival
  size_t duplicated = 0;
  size_t connections = 0;
  size_t closed_by_target = 0;
  size_t closed = 0;
};

struct replay_fixture : fixture {
  watchdog guard{"interop_curve_replay test", std::chrono::seconds{90}};
  security_setup setup;

  mq::socket_options opts(bool as_server) {
    auto o = defaults();
    o.reconnect_ivl = std::chrono::milliseconds{20};
    o.linger = caf::timespan{0};
    secure(o, setup, as_server);
    return o;
  }

  zmq::socket_t zsocket(zmq::socket_type type, bool as_server) {
    auto z = zsock(ctx, type);
    zsecure(z, setup, as_server);
    z.set(zmq::sockopt::reconnect_ivl, 20);
    return z;
  }

  /// Sends messages 1-10 client -> server or server -> client with frame 5
  /// of that direction duplicated, waits for the reconnect (when the
  /// receiver is to drop the connection: `expect_drop`), sends 11-20.
  replay_result run(receiver who, bool expect_drop = true) {
    replay_result r;
    std::optional<zmq::socket_t> zs;
    std::optional<zmq::socket_t> zc;
    mq::router_actor our_server;
    mq::dealer_actor our_client;
    bool server_is_ours = who != receiver::zmq_server
                          && who != receiver::our_client;
    bool client_is_ours = who != receiver::our_server;
    std::string ep;
    if (server_is_ours) {
      our_server = mq::spawn_router(sys, opts(true));
      ep = bind(our_server);
    } else {
      zs.emplace(zsocket(zmq::socket_type::router, true));
      ep = zbind(*zs);
    }
    tcp_relay relay{port_of(ep)};
    CAF_REQUIRE(relay.valid());
    bool downstream = who == receiver::our_client;
    relay.duplicate_data_frame(downstream ? relay_dir::downstream
                                          : relay_dir::upstream,
                               5);
    if (client_is_ours) {
      our_client = mq::spawn_dealer(sys, opts(false));
      connect(our_client, relay.endpoint());
    } else {
      zc.emplace(zsocket(zmq::socket_type::dealer, false));
      zc->connect(relay.endpoint());
    }
    auto server = zs ? zmq_end(*zs, "libzmq ROUTER")
                     : our_end(*this, our_server, "our ROUTER");
    auto client = zc ? zmq_end(*zc, "libzmq DEALER")
                     : our_end(*this, our_client, "our DEALER");
    // A first message client -> server brings the ROUTER's route up (not
    // counted: the relay counts data frames per direction, and this one is
    // upstream frame 1 -- so upstream duplicates hit message 4).
    CAF_REQUIRE(client.send({"hello"}));
    auto hello = server.recv(5000ms);
    CAF_REQUIRE_EQUAL(hello.size(), 2u);
    auto route = hello[0];
    auto sender = downstream ? server : client;
    auto target = downstream ? client : server;
    auto send_n = [&](int from, int to) {
      for (int i = from; i <= to; ++i) {
        strings msg{std::to_string(i)};
        if (downstream)
          msg.insert(msg.begin(), route);
        sender.send(msg);
      }
    };
    auto drain = [&](std::chrono::milliseconds quiet) {
      for (;;) {
        auto got = target.recv(quiet);
        if (got == timed_out)
          return;
        r.got.push_back(std::stoi(got.back()));
      }
    };
    send_n(1, 10);
    drain(500ms);
    // The connection through the relay went down; the client reconnects.
    if (expect_drop) {
      CAF_CHECK(client::await([&] { return relay.connections() >= 2; }));
      std::this_thread::sleep_for(200ms);
    }
    if (!downstream || !expect_drop) {
      send_n(11, 20);
    } else {
      // The ROUTER needs the new connection's route (clients have no
      // identity: a new connection gets a new routing id): the client
      // speaks first.
      CAF_CHECK(client::await([&] {
        client.send({"again"});
        auto got = server.recv(50ms);
        if (got.size() != 2)
          return false;
        route = got[0];
        return true;
      }));
      send_n(11, 20);
    }
    drain(500ms);
    r.duplicated = relay.duplicated();
    if (our_client)
      close(our_client);
    if (our_server)
      close(our_server);
    zc.reset();
    zs.reset();
    relay.stop();
    r.connections = relay.connections();
    r.closed_by_target = relay.closed_by_target();
    r.closed = relay.closed();
    return r;
  }

  /// Checks a CURVE run: no duplicate, 1-4 delivered in order before the
  /// drop, 11-20 after it.
  void check_refused(const replay_result& r, int last_before) {
    CAF_CHECK_EQUAL(r.duplicated, 1u);
    std::set<int> unique(r.got.begin(), r.got.end());
    CAF_CHECK_EQUAL(unique.size(), r.got.size()); // no duplicate
    CAF_CHECK(std::is_sorted(r.got.begin(), r.got.end()));
    for (int i = 1; i <= last_before; ++i)
      CAF_CHECK(unique.count(i) == 1);
    for (int i = 11; i <= 20; ++i)
      CAF_CHECK(unique.count(i) == 1);
    int lost = 0;
    for (int i = last_before + 1; i <= 10; ++i)
      lost += unique.count(i) == 0 ? 1 : 0;
    CAF_MESSAGE("received " << caf::deep_to_string(r.got) << "; " << lost
                            << " of messages " << last_before + 1
                            << "-10 lost with the dropped connection; "
                            << r.connections << " connections");
    CAF_CHECK_GREATER_OR_EQUAL(r.connections, 2u);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(interop_curve_replay_tests, replay_fixture)

CAF_TEST(a replayed MESSAGE is refused by our socket) {
  setup.mechanism = mech::curve;
  for (auto who : {receiver::our_server, receiver::our_client,
                   receiver::ours_both}) {
    CAF_MESSAGE("CURVE, duplicate to " << to_string(who));
    auto r = run(who);
    // Upstream frame 5 is message 4 (after "hello"), downstream message 5.
    check_refused(r, who == receiver::our_client ? 5 : 4);
    // The receiver dropped the connection: for the server, the relay's
    // target side closed first.
    if (who != receiver::our_client)
      CAF_CHECK_GREATER_OR_EQUAL(r.closed_by_target, 1u);
  }
}

CAF_TEST(libzmq refuses the same duplicate from our client) {
  setup.mechanism = mech::curve;
  auto r = run(receiver::zmq_server);
  check_refused(r, 4);
}

CAF_TEST(without security the duplicate is delivered) {
  setup.mechanism = mech::null;
  for (auto who : {receiver::our_server, receiver::our_client}) {
    auto r = run(who, false);
    CAF_CHECK_EQUAL(r.duplicated, 1u);
    std::set<int> unique(r.got.begin(), r.got.end());
    CAF_MESSAGE("NULL, " << to_string(who) << ": received "
                         << caf::deep_to_string(r.got));
    CAF_CHECK_EQUAL(r.got.size(), unique.size() + 1); // one duplicate
    CAF_CHECK_EQUAL(r.connections, 1u);
  }
}

CAF_TEST(our CURVE client reconnects to a restarted libzmq server) {
  setup.mechanism = mech::curve;
  auto ep = free_endpoint();
  auto setup_server = [&](zmq::socket_t& z) { zsecure(z, setup, true); };
  auto ours = mq::spawn_dealer(sys, opts(false));
  for (int round = 0; round < 3; ++round) {
    auto z = zrebind(ctx, zmq::socket_type::router, ep, setup_server);
    if (round == 0)
      connect(ours, ep);
    CAF_REQUIRE(await_status(ours, 1));
    for (int i = 0; i < 10; ++i) {
      auto text = "r" + std::to_string(round) + "-" + std::to_string(i);
      send(ours, mp({text}));
      auto got = zrecv(z);
      CAF_REQUIRE_EQUAL(got.size(), 2u);
      CAF_CHECK_EQUAL(got[1], text);
      CAF_CHECK(zsend(z, {got[0], "re-" + text}));
      CAF_CHECK_EQUAL(recv_strs(ours), strings{"re-" + text});
    }
    z.close(); // the server goes away; the next round restarts it
    CAF_CHECK(await_status(ours, 0));
  }
  close(ours);
}

CAF_TEST(a libzmq CURVE client reconnects to our restarted server) {
  setup.mechanism = mech::curve;
  auto ep = free_endpoint();
  auto z = zsocket(zmq::socket_type::dealer, false);
  z.set(zmq::sockopt::routing_id, "replay-client");
  bool connected = false;
  for (int round = 0; round < 3; ++round) {
    auto ours = mq::spawn_router(sys, opts(true));
    // Our listener may need a moment until the old port is free.
    std::string bound;
    CAF_CHECK(client::await([&] {
      self->request(ours, timeout, mq::bind_atom::value, ep)
          .receive([&](std::string& x) { bound = x; }, [](caf::error&) {});
      return !bound.empty();
    }));
    if (!connected) {
      z.connect(ep);
      connected = true;
    }
    CAF_REQUIRE(await_status(ours, 1));
    auto text = "round-" + std::to_string(round);
    CAF_CHECK(zsend(z, {text}));
    CAF_CHECK_EQUAL(recv_strs(ours), (strings{"replay-client", text}));
    send(ours, mp({"replay-client", "re-" + text}));
    CAF_CHECK_EQUAL(zrecv(z), strings{"re-" + text});
    CAF_CHECK(close(ours));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
