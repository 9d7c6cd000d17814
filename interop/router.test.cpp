// Our ROUTER against libzmq peers: DEALERs with and without ZMQ_ROUTING_ID
// connecting to us, our ROUTER connecting out with a routing id, fair
// queuing, ROUTER_MANDATORY (unknown ids, full peers), duplicate ids with
// and without ROUTER_HANDOVER, ROUTER to ROUTER, and a DEALER restarted
// with the same identity. Mirrors libzmq's test_spec_router,
// test_router_mandatory and test_router_handover where they apply.
#define CAF_SUITE interop_router
#include "interop_fixture.hpp"

#include <algorithm>
#include <map>
#include <set>

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

struct router_fixture : fixture {
  /// A libzmq DEALER with routing id `id` ("" for none) connected to `ep`.
  zmq::socket_t zdealer(const string& ep, const string& id = "") {
    auto d = zsock(ctx, zmq::socket_type::dealer);
    if (!id.empty())
      d.set(zmq::sockopt::routing_id, id);
    d.connect(ep);
    return d;
  }

  /// Connects `r` to `ep` and names that peer `id` (connect routing id).
  void connect_id(const mq::router_actor& r, const string& ep,
                  const string& id) {
    self->request(r, timeout, mq::connect_atom::value, ep, id)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) {
                   CAF_FAIL("connect " << ep << " failed: " << sys.render(err));
                 });
  }

  /// Returns the stats of the peers of `r` that are up.
  std::vector<mq::peer_stats> up_peers(const mq::router_actor& r) {
    std::vector<mq::peer_stats> result;
    for (auto& p : stats(r).peers)
      if (p.up)
        result.push_back(p);
    return result;
  }

  /// Returns the routing ids of the peers of `r` that are up, sorted.
  strings up_ids(const mq::router_actor& r) {
    strings result;
    for (auto& p : up_peers(r))
      result.push_back(p.routing_id);
    std::sort(result.begin(), result.end());
    return result;
  }

  /// Whether `id` looks like a libzmq-generated routing id: 5 bytes, 0x00
  /// first.
  static bool generated_id(const string& id) {
    return id.size() == 5 && id[0] == '\0';
  }

  mq::socket_options opts_with(bool mandatory, bool handover = false) {
    auto opts = defaults();
    opts.router_mandatory = mandatory;
    opts.router_handover = handover;
    return opts;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(router_tests, router_fixture)

CAF_TEST(three libzmq DEALERs get their own replies from our bound ROUTER) {
  auto r = router_socket();
  auto ep = bind(r);
  auto d0 = zdealer(ep, "alpha");
  auto d1 = zdealer(ep, "beta");
  auto d2 = zdealer(ep); // no ZMQ_ROUTING_ID: we generate one
  CAF_REQUIRE(await_status(r, 3));
  zmq::socket_t* ds[] = {&d0, &d1, &d2};
  for (int i = 0; i < 3; ++i)
    CAF_REQUIRE(zsend(*ds[i], {"hello", std::to_string(i)}));
  // Every message arrives with the sender's id frame first.
  std::map<string, string> id_of; // body index -> routing id
  for (int i = 0; i < 3; ++i) {
    auto msg = recv_strs(r);
    CAF_REQUIRE_EQUAL(msg.size(), 3u);
    CAF_CHECK_EQUAL(msg[1], "hello");
    id_of[msg[2]] = msg[0];
  }
  CAF_REQUIRE_EQUAL(id_of.size(), 3u);
  CAF_CHECK_EQUAL(id_of["0"], "alpha");
  CAF_CHECK_EQUAL(id_of["1"], "beta");
  CAF_CHECK(generated_id(id_of["2"]));
  // Replies in reverse order, with empty frames: each reaches its sender.
  for (int i = 2; i >= 0; --i)
    send(r, mp({id_of[std::to_string(i)], "", "reply", std::to_string(i)}));
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(zrecv(*ds[i]), (strings{"", "reply", std::to_string(i)}));
  // Introspection names the three peers with their ids.
  auto st = stats(r);
  CAF_CHECK_EQUAL(st.type, "ROUTER");
  auto ups = up_peers(r);
  CAF_CHECK_EQUAL(ups.size(), 3u);
  for (auto& p : ups) {
    CAF_CHECK_EQUAL(p.peer_type, "DEALER");
    CAF_CHECK_EQUAL(p.msgs_in, 1u);
    CAF_CHECK_EQUAL(p.msgs_out, 1u);
  }
  strings expected{"alpha", "beta", id_of["2"]};
  std::sort(expected.begin(), expected.end());
  CAF_CHECK_EQUAL(up_ids(r), expected);
  CAF_CHECK(close(r));
}

CAF_TEST(generated routing ids are distinct per connection) {
  auto r = router_socket();
  auto ep = bind(r);
  std::set<string> ids;
  for (int i = 0; i < 4; ++i) {
    auto d = zdealer(ep);
    CAF_REQUIRE(zsend(d, {"x"}));
    auto msg = recv_strs(r);
    CAF_REQUIRE_EQUAL(msg.size(), 2u);
    CAF_CHECK(generated_id(msg[0]));
    ids.insert(msg[0]);
    send(r, mp({msg[0], "y"}));
    CAF_CHECK_EQUAL(zrecv(d), (strings{"y"}));
  }
  CAF_CHECK_EQUAL(ids.size(), 4u);
  CAF_CHECK(close(r));
}

CAF_TEST(incoming messages are fair queued) {
  // test_spec_router: SHALL receive incoming messages from its peers using
  // a fair-queuing strategy. Five DEALERs each queue two messages before we
  // read: the first five we read come from five different peers.
  auto r = router_socket();
  auto ep = bind(r);
  std::vector<zmq::socket_t> ds;
  for (char c = 'A'; c < 'F'; ++c)
    ds.push_back(zdealer(ep, string(1, c)));
  CAF_REQUIRE(await_status(r, 5));
  for (auto& d : ds) {
    CAF_REQUIRE(zsend(d, {"M1"}));
    CAF_REQUIRE(zsend(d, {"M2"}));
  }
  // Wait until all ten wait in our inboxes.
  CAF_REQUIRE(await([&] {
    uint64_t n = 0;
    for (auto& p : stats(r).peers)
      n += p.in_queue;
    return n == 10;
  }));
  std::set<string> first_round;
  for (int i = 0; i < 5; ++i) {
    auto msg = recv_strs(r);
    CAF_REQUIRE_EQUAL(msg.size(), 2u);
    CAF_CHECK_EQUAL(msg[1], "M1");
    first_round.insert(msg[0]);
  }
  CAF_CHECK_EQUAL(first_round.size(), 5u);
  std::set<string> second_round;
  for (int i = 0; i < 5; ++i) {
    auto msg = recv_strs(r);
    CAF_REQUIRE_EQUAL(msg.size(), 2u);
    CAF_CHECK_EQUAL(msg[1], "M2");
    second_round.insert(msg[0]);
  }
  CAF_CHECK_EQUAL(second_round.size(), 5u);
  CAF_CHECK(close(r));
}

CAF_TEST(our ROUTER connects out and names its peers) {
  // ZMQ_CONNECT_ROUTING_ID: the name we give a connection wins over the
  // peer's own ZMQ_ROUTING_ID.
  auto b0 = zsock(ctx, zmq::socket_type::dealer);
  b0.set(zmq::sockopt::routing_id, "ignored");
  auto ep0 = zbind(b0);
  auto b1 = zsock(ctx, zmq::socket_type::dealer);
  auto ep1 = zbind(b1);
  auto r = router_socket();
  connect_id(r, ep0, "peer-0");
  connect_id(r, ep1, "peer-1");
  CAF_REQUIRE(await_status(r, 2));
  CAF_CHECK_EQUAL(up_ids(r), (strings{"peer-0", "peer-1"}));
  send(r, mp({"peer-0", "to", "zero"}));
  send(r, mp({"peer-1", "to", "one"}));
  CAF_CHECK_EQUAL(zrecv(b0), (strings{"to", "zero"}));
  CAF_CHECK_EQUAL(zrecv(b1), (strings{"to", "one"}));
  CAF_REQUIRE(zsend(b1, {"from", "one"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"peer-1", "from", "one"}));
  CAF_REQUIRE(zsend(b0, {"from", "zero"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"peer-0", "from", "zero"}));
  for (auto& p : up_peers(r)) {
    CAF_CHECK_EQUAL(p.peer_type, "DEALER");
    CAF_CHECK(p.endpoint == ep0 || p.endpoint == ep1);
  }
  CAF_CHECK(close(r));
}

CAF_TEST(router_mandatory reports unknown ids and the default drops them) {
  auto r = router_socket(opts_with(true));
  auto ep = bind(r);
  auto d = zdealer(ep, "known");
  CAF_REQUIRE(await_status(r, 1));
  // test_router_mandatory: EHOSTUNREACH for an unknown peer.
  auto err = try_send(r, mp({"unknown", "x"}));
  CAF_CHECK(is_errc(err, mq::errc::host_unreachable));
  CAF_MESSAGE("unknown id: " << sys.render(err));
  // A message without a routing id frame is refused.
  err = try_send(r, mp({"known"}));
  CAF_CHECK(is_errc(err, mq::errc::invalid_operation));
  // The known peer still gets its messages.
  send(r, mp({"known", "ok"}));
  CAF_CHECK_EQUAL(zrecv(d), (strings{"ok"}));
  CAF_CHECK(close(r));
  // Without router_mandatory the message is dropped silently and counted.
  auto r2 = router_socket(opts_with(false));
  auto ep2 = bind(r2);
  auto d2 = zdealer(ep2, "known");
  CAF_REQUIRE(await_status(r2, 1));
  CAF_CHECK_EQUAL(try_send(r2, mp({"unknown", "x"})), caf::error{});
  CAF_CHECK_EQUAL(stats(r2).dropped, 1u);
  send(r2, mp({"known", "still", "ok"}));
  CAF_CHECK_EQUAL(zrecv(d2), (strings{"still", "ok"}));
  CAF_CHECK_EQUAL(zrecv_for(d2, 100ms), timed_out);
  CAF_CHECK(close(r2));
}

CAF_TEST(router_mandatory waits for a full peer and the default drops) {
  // test_router_mandatory_hwm: a peer that does not read fills up; with
  // router_mandatory the send reply waits (libzmq: EAGAIN), without it the
  // messages for that peer are dropped.
  const auto big = pattern(1 << 20, 3);
  auto slow_dealer = [&](const string& ep) {
    auto d = zsock(ctx, zmq::socket_type::dealer);
    d.set(zmq::sockopt::routing_id, "slow");
    d.set(zmq::sockopt::rcvhwm, 1);
    d.set(zmq::sockopt::rcvbuf, 64 * 1024);
    d.connect(ep);
    return d;
  };
  {
    auto opts = opts_with(true);
    opts.sndhwm = 2;
    auto r = router_socket(opts);
    auto ep = bind(r);
    auto d = slow_dealer(ep);
    CAF_REQUIRE(await_status(r, 1));
    int acked = 0;
    caf::error err;
    while (acked < 200) {
      err = try_send(r, mp({"slow", std::to_string(acked), big}),
                     std::chrono::milliseconds{500});
      if (err)
        break;
      ++acked;
    }
    CAF_MESSAGE("mandatory: " << acked << " x 1 MiB acknowledged before "
                              << "the send waited: " << sys.render(err));
    CAF_CHECK(err != caf::error{});
    CAF_CHECK_LESS(acked, 200);
    // Reading frees room: the waiting message and all before it arrive in
    // order; nothing was dropped.
    int got = 0;
    for (int i = 0; i <= acked; ++i) {
      auto msg = zrecv(d);
      if (msg.size() != 2 || msg[0] != std::to_string(i) || msg[1] != big) {
        CAF_MESSAGE("message " << i << " missing or wrong");
        break;
      }
      ++got;
    }
    CAF_CHECK_EQUAL(got, acked + 1);
    auto ups = up_peers(r);
    CAF_REQUIRE_EQUAL(ups.size(), 1u);
    CAF_CHECK_EQUAL(ups[0].drops, 0u);
    CAF_CHECK(close(r));
  }
  {
    auto opts = opts_with(false);
    opts.sndhwm = 2;
    auto r = router_socket(opts);
    auto ep = bind(r);
    auto d = slow_dealer(ep);
    CAF_REQUIRE(await_status(r, 1));
    // Without router_mandatory every send is acknowledged at once.
    for (int i = 0; i < 60; ++i)
      CAF_REQUIRE_EQUAL(try_send(r, mp({"slow", std::to_string(i), big}),
                                 std::chrono::milliseconds{500}),
                        caf::error{});
    auto drops = up_peers(r).at(0).drops;
    CAF_MESSAGE("default: " << drops << " of 60 x 1 MiB dropped");
    CAF_CHECK_GREATER(drops, 0u);
    // What was not dropped arrives in order.
    int got = 0;
    int last = -1;
    bool ordered = true;
    for (;;) {
      auto msg = zrecv_for(d, 500ms);
      if (msg == timed_out)
        break;
      ++got;
      auto n = std::stoi(msg.at(0));
      ordered = ordered && n > last;
      last = n;
    }
    CAF_CHECK(ordered);
    CAF_CHECK_EQUAL(static_cast<uint64_t>(got) + drops, 60u);
    CAF_CHECK(close(r));
  }
}

CAF_TEST(a duplicate routing id is refused and the first owner keeps it) {
  auto r = router_socket(opts_with(true));
  auto ep = bind(r);
  auto first = zdealer(ep, "dup");
  CAF_REQUIRE(await_status(r, 1));
  CAF_REQUIRE(zsend(first, {"from-first"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"dup", "from-first"}));
  // The second connection with the same id completes its handshake and is
  // closed (libzmq's DEALER keeps reconnecting and is refused every time).
  auto second = zdealer(ep, "dup");
  CAF_REQUIRE(await([&] { return stats(r).refused > 0; }));
  CAF_CHECK_EQUAL(status(r), 1u);
  CAF_CHECK_EQUAL(up_ids(r), (strings{"dup"}));
  // The first still works both ways; the second gets nothing.
  send(r, mp({"dup", "to-first"}));
  CAF_CHECK_EQUAL(zrecv(first), (strings{"to-first"}));
  CAF_CHECK_EQUAL(zrecv_for(second, 200ms), timed_out);
  CAF_REQUIRE(zsend(first, {"again"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"dup", "again"}));
  // Once the first goes away, the second one's next attempt gets the id.
  first.close();
  CAF_REQUIRE(await([&] {
    auto ups = up_peers(r);
    return ups.size() == 1 && ups[0].routing_id == "dup" && ups[0].msgs_in == 0;
  }));
  send(r, mp({"dup", "to-second"}));
  CAF_CHECK_EQUAL(zrecv(second), (strings{"to-second"}));
  CAF_REQUIRE(zsend(second, {"from-second"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"dup", "from-second"}));
  CAF_CHECK(close(r));
}

CAF_TEST(router_handover gives the id to the newest connection) {
  // test_router_handover: the new connection takes the id over, the old
  // one is closed. The old DEALER must not reconnect (it would take the id
  // back): ZMQ_RECONNECT_IVL -1.
  auto r = router_socket(opts_with(true, true));
  auto ep = bind(r);
  auto old_one = zsock(ctx, zmq::socket_type::dealer);
  old_one.set(zmq::sockopt::routing_id, "ho");
  old_one.set(zmq::sockopt::reconnect_ivl, -1);
  old_one.connect(ep);
  CAF_REQUIRE(await_status(r, 1));
  CAF_REQUIRE(zsend(old_one, {"from-old"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"ho", "from-old"}));
  auto old_epoch = up_peers(r).at(0).epoch;
  auto new_one = zdealer(ep, "ho");
  CAF_REQUIRE(await([&] {
    auto ups = up_peers(r);
    return ups.size() == 1 && ups[0].epoch != old_epoch;
  }));
  CAF_CHECK_EQUAL(up_ids(r), (strings{"ho"}));
  CAF_CHECK_EQUAL(stats(r).refused, 0u);
  send(r, mp({"ho", "to-new"}));
  CAF_CHECK_EQUAL(zrecv(new_one), (strings{"to-new"}));
  CAF_CHECK_EQUAL(zrecv_for(old_one, 200ms), timed_out);
  CAF_REQUIRE(zsend(new_one, {"from-new"}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"ho", "from-new"}));
  CAF_CHECK(close(r));
}

CAF_TEST(libzmq ROUTER and our ROUTER talk by routing id) {
  auto zr = zsock(ctx, zmq::socket_type::router);
  zr.set(zmq::sockopt::router_mandatory, 1);
  zr.set(zmq::sockopt::routing_id, "z-router");
  auto ep = zbind(zr);
  auto opts = defaults();
  opts.identity = "mq-router";
  auto r = router_socket(opts);
  connect_id(r, ep, "zr");
  CAF_REQUIRE(await_status(r, 1));
  auto ups = up_peers(r);
  CAF_REQUIRE_EQUAL(ups.size(), 1u);
  CAF_CHECK_EQUAL(ups[0].peer_type, "ROUTER");
  send(r, mp({"zr", "hi"}));
  CAF_CHECK_EQUAL(zrecv(zr), (strings{"mq-router", "hi"}));
  CAF_REQUIRE(zsend(zr, {"mq-router", "back", ""}));
  CAF_CHECK_EQUAL(recv_strs(r), (strings{"zr", "back", ""}));
  CAF_CHECK(close(r));
}

CAF_TEST(a DEALER restarted with the same identity resumes) {
  auto r = router_socket(opts_with(true));
  auto ep = bind(r);
  auto run = [&](zmq::socket_t& d, int from, int to) {
    for (int i = from; i < to; ++i)
      CAF_REQUIRE(zsend(d, {"req", std::to_string(i)}));
    int bad = 0;
    for (int i = from; i < to; ++i) {
      auto msg = recv_strs(r);
      if (msg != strings{"phoenix", "req", std::to_string(i)} && bad++ == 0)
        CAF_MESSAGE("unexpected at " << i << ": " << caf::deep_to_string(msg));
      send(r, mp({"phoenix", "rep", std::to_string(i)}));
    }
    CAF_CHECK_EQUAL(bad, 0);
    bad = 0;
    for (int i = from; i < to; ++i)
      if (zrecv(d) != strings{"rep", std::to_string(i)})
        ++bad;
    CAF_CHECK_EQUAL(bad, 0);
  };
  auto d = zdealer(ep, "phoenix");
  CAF_REQUIRE(await_status(r, 1));
  auto first_epoch = up_peers(r).at(0).epoch;
  run(d, 0, 50);
  // Killed mid-stream: requests in flight may be lost, the id is gone.
  for (int i = 50; i < 60; ++i)
    CAF_REQUIRE(zsend(d, {"req", std::to_string(i)}));
  d.close();
  CAF_REQUIRE(await_status(r, 0));
  auto err = try_send(r, mp({"phoenix", "nobody"}));
  CAF_CHECK(is_errc(err, mq::errc::host_unreachable));
  // Whatever of the dead incarnation had arrived is still delivered, in
  // order (as libzmq does with the messages already in a pipe).
  int late = 0;
  for (;;) {
    auto msg = recv(r, std::chrono::milliseconds{100});
    if (!msg)
      break;
    CAF_CHECK_EQUAL(strs(*msg),
                    (strings{"phoenix", "req", std::to_string(50 + late)}));
    ++late;
  }
  CAF_MESSAGE(late << " of 10 late requests were delivered");
  // Restarted with the same identity: traffic resumes.
  d = zdealer(ep, "phoenix");
  CAF_REQUIRE(await_status(r, 1));
  auto ups = up_peers(r);
  CAF_CHECK_EQUAL(ups.at(0).routing_id, "phoenix");
  CAF_CHECK_NOT_EQUAL(ups.at(0).epoch, first_epoch);
  CAF_CHECK_EQUAL(ups.at(0).msgs_in, 0u);
  run(d, 100, 150);
  CAF_CHECK(close(r));
}

CAF_TEST_FIXTURE_SCOPE_END()
