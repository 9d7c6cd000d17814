// Deterministic tests of inproc:// connections under CAF's test
// coordinator: bind and connect in either order, names taken and freed,
// unbind and disconnect, credit both ways (a slow reader holds the writer
// back), either side dying (no ghost peer, a fresh epoch when a new socket
// binds the name), linger, events, and zero copy. The pairings of socket
// types and the proxy: inproc_types.test.cpp.
#define CAF_SUITE inproc
#include "inproc_fixture.hpp"

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::inproc_test;
using namespace std::chrono_literals;
namespace mq = caf::monocoque; // CAF has close/connect/monitor atoms too


CAF_TEST_FIXTURE_SCOPE(inproc_tests, fixture)

// -- binding and connecting ---------------------------------------------------

CAF_TEST(a connect before the bind completes when the bind appears) {
  auto client = make(spawn_dealer);
  CAF_REQUIRE_EQUAL(connect(client, "inproc://late"), error{});
  CAF_CHECK_EQUAL(status(client), 0u);
  auto st = stats(client);
  CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
  CAF_CHECK_EQUAL(st.connecting[0].endpoint, "inproc://late");
  // A DEALER queues for the peer it does not have yet.
  CAF_REQUIRE_EQUAL(send(client, mp({"early"})), error{});
  CAF_CHECK_EQUAL(stats(client).pending, 1u);
  auto server = make(spawn_router);
  CAF_CHECK(bind(server, "inproc://late") == std::string{"inproc://late"});
  CAF_CHECK_EQUAL(status(client), 1u);
  CAF_CHECK_EQUAL(status(server), 1u);
  auto got = recv_strs(server);
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[1], "early");
  // Both ends are peers like any other.
  for (auto& p : {only_peer(client), only_peer(server)}) {
    CAF_CHECK(p.up);
    CAF_CHECK_EQUAL(p.endpoint, "inproc://late");
    CAF_CHECK_EQUAL(p.mechanism, "NULL");
    CAF_CHECK_EQUAL(p.ring, -1);
  }
  CAF_CHECK(stats(client).connecting.empty());
  CAF_CHECK_EQUAL(stats(server).listening,
                  std::vector<std::string>{"inproc://late"});
}

CAF_TEST(several connectors wait for one bind) {
  std::vector<dealer_actor> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(make(spawn_dealer, named("c" + std::to_string(i))));
    CAF_REQUIRE_EQUAL(connect(clients.back(), "inproc://many"), error{});
  }
  auto server = make(spawn_router);
  CAF_REQUIRE(bind(server, "inproc://many"));
  CAF_CHECK_EQUAL(status(server), 3u);
  for (auto& c : clients) {
    CAF_CHECK_EQUAL(status(c), 1u);
    CAF_REQUIRE_EQUAL(send(c, mp({"x"})), error{});
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(recv_strs(server).at(0));
  std::sort(ids.begin(), ids.end());
  CAF_CHECK_EQUAL(ids, (strings{"c0", "c1", "c2"}));
}

CAF_TEST(a bound name is taken until close or unbind frees it) {
  auto a = make(spawn_pull);
  auto b = make(spawn_pull);
  CAF_REQUIRE(bind(a, "inproc://name"));
  CAF_CHECK(is(bind(b, "inproc://name").error(), errc::address_in_use));
  CAF_CHECK(is(bind(a, "inproc://name").error(), errc::address_in_use));
  // Another name is free, an empty one is no name.
  CAF_CHECK(bind(b, "inproc://other"));
  CAF_CHECK(is(bind(b, "inproc://").error(), errc::invalid_endpoint));
  // Close frees every name of the socket.
  CAF_REQUIRE_EQUAL(ask_ok(a, mq::close_atom::value), error{});
  CAF_CHECK(bind(b, "inproc://name") == std::string{"inproc://name"});
  // Unbind frees it too, and the socket may take it again.
  CAF_REQUIRE_EQUAL(ask_ok(b, unbind_atom::value, std::string{"inproc://name"}),
                    error{});
  CAF_CHECK(stats(b).listening == std::vector<std::string>{"inproc://other"});
  auto c = make(spawn_pull);
  CAF_CHECK(bind(c, "inproc://name"));
  CAF_REQUIRE_EQUAL(ask_ok(c, unbind_atom::value, std::string{"inproc://name"}),
                    error{});
  CAF_CHECK(bind(b, "inproc://name"));
  CAF_CHECK(is(ask_ok(c, unbind_atom::value, std::string{"inproc://name"}),
               errc::unknown_endpoint));
  // A killed socket frees its names too.
  CAF_CHECK_EQUAL(names_bound(), 2u);
  kill(b, exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(names_bound(), 0u);
  CAF_CHECK(bind(c, "inproc://name"));
  CAF_CHECK(bind(c, "inproc://other"));
}

CAF_TEST(unbind closes the connections the bind accepted and only those) {
  auto server = make(spawn_dealer);
  auto c1 = make(spawn_dealer);
  auto c2 = make(spawn_dealer);
  auto c3 = make(spawn_dealer);
  CAF_REQUIRE(bind(server, "inproc://x"));
  CAF_REQUIRE(bind(server, "inproc://y"));
  for (auto& c : {c1, c2})
    CAF_REQUIRE_EQUAL(connect(c, "inproc://x"), error{});
  CAF_REQUIRE_EQUAL(connect(c3, "inproc://y"), error{});
  CAF_REQUIRE_EQUAL(status(server), 3u);
  auto old_epoch = only_peer(c1).epoch;
  CAF_REQUIRE_EQUAL(ask_ok(server, unbind_atom::value,
                           std::string{"inproc://x"}),
                    error{});
  CAF_CHECK_EQUAL(status(server), 1u);
  CAF_CHECK_EQUAL(peers_at(stats(server), "inproc://y").size(), 1u);
  CAF_CHECK(peers_at(stats(server), "inproc://x").empty());
  CAF_CHECK_EQUAL(stats(server).closed_listeners, 0u);
  for (auto& c : {c1, c2}) {
    CAF_CHECK_EQUAL(status(c), 0u);
    CAF_CHECK(stats(c).peers.empty());
    CAF_CHECK_EQUAL(stats(c).connecting.size(), 1u);
  }
  CAF_CHECK_EQUAL(status(c3), 1u);
  // The connectors retry after their reconnect interval and find no bind:
  // they wait for one, and come back as soon as it appears.
  elapse(1s);
  for (auto& c : {c1, c2}) {
    auto st = stats(c);
    CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
    CAF_CHECK_EQUAL(st.connecting[0].endpoint, "inproc://x");
    CAF_MESSAGE("waiting: " << st.connecting[0].last_error);
  }
  auto server2 = make(spawn_dealer);
  CAF_REQUIRE(bind(server2, "inproc://x"));
  CAF_CHECK_EQUAL(status(server2), 2u);
  CAF_CHECK_EQUAL(status(c1), 1u);
  CAF_CHECK_EQUAL(status(c2), 1u);
  CAF_CHECK_NOT_EQUAL(only_peer(c1).epoch, old_epoch);
}

CAF_TEST(disconnect ends the connection and the wait for a bind) {
  auto server = make(spawn_pull);
  auto client = make(spawn_push);
  link(server, client, "dis");
  auto ep = only_peer(client).endpoint;
  CAF_REQUIRE_EQUAL(ask_ok(client, disconnect_atom::value, ep), error{});
  CAF_CHECK_EQUAL(status(client), 0u);
  CAF_CHECK(stats(client).connecting.empty());
  CAF_CHECK_EQUAL(status(server), 0u);
  CAF_CHECK(stats(server).peers.empty());
  // No reconnect, not even to a new binder of the name.
  CAF_REQUIRE_EQUAL(ask_ok(server, mq::close_atom::value), error{});
  auto server2 = make(spawn_pull);
  CAF_REQUIRE(bind(server2, ep));
  elapse(1s);
  CAF_CHECK_EQUAL(status(server2), 0u);
  CAF_CHECK_EQUAL(status(client), 0u);
  // A connect still waiting for its bind is forgotten as well.
  CAF_REQUIRE_EQUAL(connect(client, "inproc://never-yet"), error{});
  CAF_REQUIRE_EQUAL(ask_ok(client, disconnect_atom::value,
                           std::string{"inproc://never-yet"}),
                    error{});
  auto server3 = make(spawn_pull);
  CAF_REQUIRE(bind(server3, "inproc://never-yet"));
  elapse(1s);
  CAF_CHECK_EQUAL(status(server3), 0u);
  CAF_CHECK(is(ask_ok(client, disconnect_atom::value,
                      std::string{"inproc://never-yet"}),
               errc::unknown_endpoint));
}

// -- credit -------------------------------------------------------------------

CAF_TEST(a slow reader holds the writer back and reading releases it) {
  constexpr size_t sndhwm = 4;
  constexpr size_t rcvhwm = 8;
  for (int round = 0; round < 2; ++round) {
    auto writer = make(spawn_push, hwms(sndhwm, 1000));
    auto reader = make(spawn_pull, hwms(1000, rcvhwm));
    if (round == 0) {
      CAF_MESSAGE("the reader binds");
      link(reader, writer);
    } else {
      CAF_MESSAGE("the writer binds");
      link(writer, reader);
    }
    auto [acked, blocked] = fill(writer, 1000);
    CAF_MESSAGE(acked << " sends acknowledged before one was withheld");
    // Every acknowledged message is somewhere, and nowhere beyond the marks:
    // the reader's RCVHWM, the writer's SNDHWM for the peer and SNDHWM more
    // queued at the writer.
    auto w = stats(writer);
    auto r = only_peer(reader);
    CAF_REQUIRE_EQUAL(w.peers.size(), 1u);
    CAF_CHECK_LESS_OR_EQUAL(r.in_queue, rcvhwm);
    CAF_CHECK_LESS_OR_EQUAL(w.peers[0].out_queue, sndhwm);
    CAF_CHECK_LESS_OR_EQUAL(w.pending, sndhwm);
    auto held = r.in_queue + w.peers[0].out_queue + w.pending;
    CAF_CHECK_GREATER_OR_EQUAL(held, acked);
    CAF_CHECK_LESS_OR_EQUAL(held, acked + 1);
    CAF_CHECK_GREATER_OR_EQUAL(acked, rcvhwm);
    CAF_CHECK_LESS_OR_EQUAL(acked, 2 * sndhwm + rcvhwm);
    CAF_CHECK(!blocked.answered());
    // Taking the messages releases the writer; all arrive, in order.
    for (size_t i = 0; i <= acked; ++i)
      CAF_CHECK_EQUAL(recv_strs(reader), strings{std::to_string(i)});
    CAF_CHECK(blocked.answered());
    if (blocked.answered())
      CAF_CHECK_EQUAL(blocked.take(), error{});
    CAF_CHECK(nothing_for(reader));
    CAF_CHECK_EQUAL(only_peer(reader).msgs_in, acked + 1);
    CAF_CHECK_EQUAL(only_peer(writer).msgs_out, acked + 1);
  }
}

CAF_TEST(credit holds both ways at once) {
  auto a = make(spawn_dealer, hwms(2, 4));
  auto b = make(spawn_dealer, hwms(2, 4));
  link(a, b, "both");
  auto [na, pa] = fill(a, 100);
  auto [nb, pb] = fill(b, 100);
  CAF_CHECK(!pa.answered());
  CAF_CHECK(!pb.answered());
  CAF_CHECK_LESS_OR_EQUAL(na, 2u + 2u + 4u);
  CAF_CHECK_LESS_OR_EQUAL(nb, 2u + 2u + 4u);
  for (size_t i = 0; i <= nb; ++i)
    CAF_CHECK_EQUAL(recv_strs(a), strings{std::to_string(i)});
  CAF_CHECK(pb.answered());
  CAF_CHECK(!pa.answered());
  for (size_t i = 0; i <= na; ++i)
    CAF_CHECK_EQUAL(recv_strs(b), strings{std::to_string(i)});
  CAF_CHECK(pa.answered());
}

// -- either side dying --------------------------------------------------------

CAF_TEST(a dead connector leaves no ghost at the binder) {
  auto server = make(spawn_router);
  auto c1 = make(spawn_dealer, named("c1"));
  auto ep = link(server, c1, "ghost");
  CAF_REQUIRE_EQUAL(send(c1, mp({"hello"})), error{});
  kill(c1, exit_reason::user_shutdown);
  // What it sent before it died is still delivered; then the peer is gone.
  CAF_CHECK_EQUAL(recv_strs(server), (strings{"c1", "hello"}));
  CAF_CHECK_EQUAL(status(server), 0u);
  CAF_CHECK(stats(server).peers.empty());
  CAF_CHECK_EQUAL(send(server, mp({"c1", "to a ghost"})), error{});
  CAF_CHECK_EQUAL(stats(server).dropped, 1u);
  // The id is free again for the next connector.
  auto c2 = make(spawn_dealer, named("c1"));
  CAF_REQUIRE_EQUAL(connect(c2, ep), error{});
  CAF_CHECK_EQUAL(status(server), 1u);
  CAF_CHECK_EQUAL(only_peer(server).routing_id, "c1");
  CAF_REQUIRE_EQUAL(send(server, mp({"c1", "to the new one"})), error{});
  CAF_CHECK_EQUAL(recv_strs(c2), strings{"to the new one"});
}

CAF_TEST(a dead binder is replaced and the connector reconnects anew) {
  auto client = make(spawn_dealer, named("cl"));
  auto first = make(spawn_router);
  auto ep = link(first, client, "rebind");
  auto p0 = only_peer(client);
  std::vector<uint64_t> epochs{p0.epoch};
  actor binder = actor_cast<actor>(first);
  for (int round = 0; round < 3; ++round) {
    // A message left unread at the dying binder dies with it.
    CAF_REQUIRE_EQUAL(send(client, mp({"unread"})), error{});
    kill(binder, round == 0 ? exit_reason::kill : exit_reason::user_shutdown);
    CAF_CHECK_EQUAL(names_bound(), 0u); // the dead binder's name is free
    CAF_CHECK_EQUAL(status(client), 0u);
    CAF_CHECK(stats(client).peers.empty());
    auto st = stats(client);
    CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
    CAF_CHECK_EQUAL(st.connecting[0].endpoint, ep);
    // A new socket binds the name before (rounds 0, 2) or after (round 1)
    // the connector's reconnect interval ran out; either way it comes back.
    if (round == 1)
      elapse(1s);
    auto next = make(spawn_router);
    CAF_REQUIRE(bind(next, ep));
    if (round != 1)
      elapse(1s);
    CAF_CHECK_EQUAL(status(client), 1u);
    CAF_CHECK_EQUAL(status(next), 1u);
    auto p = only_peer(client);
    CAF_CHECK_EQUAL(p.key, p0.key);
    CAF_CHECK(std::find(epochs.begin(), epochs.end(), p.epoch)
              == epochs.end());
    epochs.push_back(p.epoch);
    CAF_CHECK_EQUAL(only_peer(next).routing_id, "cl");
    CAF_CHECK_EQUAL(names_bound(), 1u);
    CAF_REQUIRE_EQUAL(send(client, mp({"round " + std::to_string(round)})),
                      error{});
    CAF_CHECK_EQUAL(recv_strs(next),
                    (strings{"cl", "round " + std::to_string(round)}));
    CAF_REQUIRE_EQUAL(send(next, mp({"cl", "back"})), error{});
    CAF_CHECK_EQUAL(recv_strs(client), strings{"back"});
    binder = actor_cast<actor>(next);
  }
}

CAF_TEST(a binder dying with a full pipe frees the writer) {
  auto writer = make(spawn_push, hwms(2, 1000));
  auto reader = make(spawn_pull, hwms(1000, 2));
  auto ep = link(reader, writer, "full");
  auto [acked, blocked] = fill(writer, 100);
  CAF_REQUIRE(!blocked.answered());
  kill(reader, exit_reason::user_shutdown);
  CAF_CHECK(stats(writer).peers.empty());
  // The writer keeps what it had not handed over for the next peer.
  auto reader2 = make(spawn_pull);
  CAF_REQUIRE(bind(reader2, ep));
  elapse(1s); // the writer's reconnect interval
  CAF_CHECK_EQUAL(status(writer), 1u);
  CAF_CHECK(blocked.answered());
  CAF_CHECK_GREATER(only_peer(reader2).msgs_in, 0u);
  auto reached = only_peer(reader2).msgs_in;
  CAF_MESSAGE(acked << " acknowledged, " << reached
                    << " reached the new reader");
}

// -- close and linger ---------------------------------------------------------

CAF_TEST(close with linger delivers what was sent) {
  auto reader = make(spawn_pull, hwms(1000, 2));
  auto writer = make(spawn_push);
  link(reader, writer, "linger");
  for (int i = 0; i < 6; ++i)
    CAF_REQUIRE_EQUAL(send(writer, mp({std::to_string(i)})), error{});
  // Linger forever: the pipe holds what the reader has no room for yet.
  scoped_actor me{sys, true};
  auto h = me->request(actor_cast<actor>(writer), infinite, mq::close_atom::value);
  settle();
  elapse(10s);
  for (int i = 0; i < 6; ++i)
    CAF_CHECK_EQUAL(recv_strs(reader), strings{std::to_string(i)});
  CAF_CHECK(nothing_for(reader));
  CAF_REQUIRE(!me->mailbox().empty());
  h.receive([](ok_atom) {}, [&](error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK_EQUAL(status(reader), 0u);
  CAF_CHECK(stats(reader).peers.empty());
}

CAF_TEST(a closing reader drops what waits for it and its writer hears so) {
  // Both directions full: each side's messages wait in the pipe for the
  // other, which reads nothing.
  auto a = make(spawn_pair, hwms(4, 4));
  auto b = make(spawn_pair, hwms(4, 4));
  link(a, b, "both-full");
  auto fa = fill(a, 100);
  // b: RCVHWM messages into a's inbox, SNDHWM more waiting in the pipe,
  // none queued at b (so b's close goes to the pipe at once).
  for (int i = 0; i < 8; ++i)
    CAF_REQUIRE_EQUAL(send(b, mp({std::to_string(i)})), error{});
  CAF_CHECK_EQUAL(stats(b).pending, 0u);
  CAF_CHECK_GREATER(only_peer(a).out_queue, 0u);
  // b closes (linger forever): what waits for b is dropped, as bytes sent
  // to a tcp peer that closed, and counted written at a; b's own messages
  // still wait for a.
  scoped_actor me{sys, true};
  auto h = me->request(actor_cast<actor>(b), infinite, mq::close_atom::value);
  settle();
  CAF_REQUIRE_EQUAL(stats(a).peers.size(), 1u);
  CAF_CHECK_EQUAL(only_peer(a).out_queue, 0u);
  // a takes b's acknowledged messages, in order; then b's close completes.
  for (size_t i = 0; i < 8; ++i)
    CAF_CHECK_EQUAL(recv_strs(a), strings{std::to_string(i)});
  CAF_CHECK(fa.second.answered()); // a's withheld send found room
  settle();
  CAF_REQUIRE(!me->mailbox().empty());
  h.receive([](ok_atom) {}, [&](error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK(stats(a).peers.empty());
}

CAF_TEST(a socket cannot connect to its own bind) {
  // A pipe tells its two sockets apart by who sends: one socket cannot be
  // both (refused, where libzmq would connect it to itself).
  auto a = make(spawn_pair);
  CAF_REQUIRE(bind(a, "inproc://self"));
  CAF_CHECK(is(connect(a, "inproc://self"), errc::invalid_operation));
  CAF_CHECK(stats(a).peers.empty());
  // Connect first, bind second: the wait ends refused, and no ghost peer
  // keeps the close from completing.
  auto b = make(spawn_dealer);
  CAF_REQUIRE_EQUAL(connect(b, "inproc://self-later"), error{});
  CAF_REQUIRE(bind(b, "inproc://self-later"));
  CAF_CHECK(stats(b).peers.empty());
  auto st = stats(b);
  CAF_REQUIRE_EQUAL(st.connecting.size(), 1u);
  CAF_CHECK_NOT_EQUAL(st.connecting[0].last_error.find("own bind"),
                      std::string::npos);
  CAF_CHECK_EQUAL(ask_ok(b, mq::close_atom::value), error{});
}

CAF_TEST(a finite linger gives up on an unread pipe) {
  socket_options opts;
  opts.linger = std::chrono::milliseconds{500};
  auto writer = make(spawn_push, opts);
  auto reader = make(spawn_pull, hwms(1000, 2));
  link(reader, writer, "give-up");
  for (int i = 0; i < 6; ++i)
    CAF_REQUIRE_EQUAL(send(writer, mp({std::to_string(i)})), error{});
  scoped_actor me{sys, true};
  me->request(actor_cast<actor>(writer), infinite, mq::close_atom::value);
  settle();
  elapse(1s);
  // The reader keeps what reached it; the pipe is gone.
  strings got;
  for (auto res = recv(reader); res; res = recv(reader))
    got.push_back(strs(*res).at(0));
  CAF_CHECK_GREATER(got.size(), 0u);
  CAF_CHECK_LESS(got.size(), 6u);
  for (size_t i = 0; i < got.size(); ++i)
    CAF_CHECK_EQUAL(got[i], std::to_string(i));
  CAF_CHECK_EQUAL(status(reader), 0u);
  CAF_CHECK(stats(reader).peers.empty());
}

// -- events -------------------------------------------------------------------

CAF_TEST(both sides report the lifecycle of an inproc connection) {
  auto server = make(spawn_router);
  auto client = make(spawn_dealer);
  auto sev = watch(server);
  auto cev = watch(client);
  auto ep = link(server, client, "events");
  CAF_CHECK_EQUAL(kinds(sev), (strings{"listening", "accepted",
                                       "handshake_succeeded"}));
  CAF_CHECK_EQUAL(kinds(cev), (strings{"connected", "handshake_succeeded"}));
  for (auto& ev : *sev)
    CAF_CHECK_EQUAL(ev.endpoint, ep);
  for (auto& ev : *cev)
    CAF_CHECK_EQUAL(ev.endpoint, ep);
  auto hs = sev->back();
  CAF_REQUIRE(hs.peer != nullptr);
  CAF_CHECK_EQUAL(hs.peer->mechanism, "NULL");
  CAF_REQUIRE_EQUAL(ask_ok(server, unbind_atom::value, ep), error{});
  auto sk = kinds(sev);
  CAF_CHECK(std::find(sk.begin(), sk.end(), "closed") != sk.end());
  CAF_CHECK(std::find(sk.begin(), sk.end(), "disconnected") != sk.end());
  auto ck = kinds(cev);
  CAF_CHECK(std::find(ck.begin(), ck.end(), "disconnected") != ck.end());
}

// -- zero copy ----------------------------------------------------------------

// A received frame whose data() is the sent frame's data() is the same
// refcounted block: the 64 KiB payload crossed from one socket to the other
// (through both engines and the pipe) without a byte being copied, encoded
// or decoded. A tcp connection could not pass this check: the receiver's
// frames are slices of its own receive buffer.
CAF_TEST(a 64 KiB frame arrives as the very buffer that was sent) {
  auto payload = frame::allocate(64 * 1024);
  for (size_t i = 0; i < payload.size(); ++i)
    payload.mutable_data()[i] = static_cast<uint8_t>(i * 7);
  auto small = frame::from_string("header");
  const auto* sent = payload.data();
  // DEALER to DEALER, both directions of the bind.
  for (int round = 0; round < 2; ++round) {
    auto a = make(spawn_dealer);
    auto b = make(spawn_dealer);
    if (round == 0)
      link(a, b, "zc");
    else
      link(b, a, "zc");
    CAF_REQUIRE_EQUAL(send(a, multipart{small, payload}), error{});
    auto got = recv(b);
    CAF_REQUIRE(got);
    CAF_REQUIRE_EQUAL(got->size(), 2u);
    CAF_CHECK((*got)[0].data() == small.data());
    CAF_CHECK((*got)[1].data() == sent);
    CAF_CHECK_EQUAL((*got)[1].size(), 64u * 1024u);
  }
  // Through a ROUTER (which prepends the id) and back.
  auto router = make(spawn_router);
  auto dealer = make(spawn_dealer, named("d"));
  link(router, dealer, "zc-router");
  CAF_REQUIRE_EQUAL(send(dealer, multipart{payload}), error{});
  auto in = recv(router);
  CAF_REQUIRE(in);
  CAF_REQUIRE_EQUAL(in->size(), 2u);
  CAF_CHECK((*in)[1].data() == sent);
  CAF_REQUIRE_EQUAL(send(router, multipart{frame::from_string("d"), payload}),
                    error{});
  auto out = recv(dealer);
  CAF_REQUIRE(out);
  CAF_REQUIRE_EQUAL(out->size(), 1u);
  CAF_CHECK((*out)[0].data() == sent);
  // A PUB fans one buffer out to every subscriber.
  auto pub = make(spawn_pub);
  CAF_REQUIRE(bind(pub, "inproc://zc-pub"));
  std::vector<sub_actor> subs;
  for (int i = 0; i < 2; ++i) {
    subs.push_back(make(spawn_sub));
    CAF_REQUIRE_EQUAL(ask_ok(subs.back(), subscribe_to_atom::value,
                             std::string{}),
                      error{});
    CAF_REQUIRE_EQUAL(connect(subs.back(), "inproc://zc-pub"), error{});
  }
  CAF_REQUIRE_EQUAL(send(pub, multipart{payload}), error{});
  for (auto& s : subs) {
    auto m = recv(s);
    CAF_REQUIRE(m);
    CAF_CHECK((*m)[0].data() == sent);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
