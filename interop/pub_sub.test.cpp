// Our PUB and SUB against libzmq peers, both directions, bound and
// connecting: overlapping prefix subscriptions (each subscriber gets every
// matching message exactly once), subscriptions made and cancelled at run
// time, request-style and push-style receiving, and a subscription made
// before the publisher connected. Mirrors libzmq's test_pubsub and
// test_spec_pubsub where they apply.
#define CAF_SUITE interop_pub_sub
#include "pubsub_fixture.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

/// The topics published by the fan-out tests: prefixes that overlap ("A",
/// "AB", "ABC"), near misses ("B", "XA", "a") and an empty first frame.
strings fanout_topics() {
  strings result;
  for (int i = 0; i < 5; ++i)
    for (auto t : {"A", "AB", "ABC", "ABD", "B", "XA", "a"})
      result.push_back(std::string{t} + "-" + std::to_string(i));
  result.push_back("A");
  result.push_back("AB");
  result.push_back("");
  return result;
}

/// Each libzmq subscriber's prefixes: the last one overlaps itself.
const std::vector<strings> fanout_prefixes = {
  {"A"}, {"AB"}, {"ABC"}, {"A", "AB"}};

/// Messages and payload bytes our PUB handed to one peer (`peer_stats`).
struct sent_counts {
  uint64_t msgs = 0;
  uint64_t bytes = 0;
};

struct pub_sub_fixture : pubsub_fixture {
  /// `msgs_out` and `bytes_out` of each peer of `pub`, by peer key.
  std::map<uint64_t, sent_counts> sent_per_peer(const mq::pub_actor& pub) {
    std::map<uint64_t, sent_counts> result;
    for (auto& p : stats(pub).peers)
      result[p.key] = {p.msgs_out, p.bytes_out};
    return result;
  }

  /// The key of the one up peer of `pub` not in `known` (fails the test if
  /// there is not exactly one such peer).
  uint64_t new_peer_key(const mq::pub_actor& pub,
                        const std::vector<uint64_t>& known) {
    std::vector<uint64_t> fresh;
    for (auto& p : stats(pub).peers)
      if (p.up && std::find(known.begin(), known.end(), p.key) == known.end())
        fresh.push_back(p.key);
    CAF_REQUIRE_EQUAL(fresh.size(), 1u);
    return fresh.front();
  }

  /// The key of the peer of `pub` whose endpoint is `ep` (fails the test if
  /// there is none).
  uint64_t peer_key_at(const mq::pub_actor& pub, const std::string& ep) {
    for (auto& p : stats(pub).peers)
      if (p.endpoint == ep)
        return p.key;
    CAF_FAIL("our PUB has no peer at " << ep);
    return 0;
  }

  /// Publishes `fanout_topics` through `pub` and checks that each of
  /// `subs` (subscribed to `fanout_prefixes`; `keys[i]` is the key of
  /// `subs[i]`'s connection at `pub`) got exactly the matching ones, each
  /// once, with their second frame intact, and that our PUB filtered: its
  /// counters of each connection grew by exactly that subscriber's matching
  /// messages and their bytes (a PUB that leaves the filtering to the
  /// libzmq SUBs, which filter on receipt too, fails here).
  void check_fanout(const mq::pub_actor& pub, std::vector<zmq::socket_t>& subs,
                    const std::vector<uint64_t>& keys) {
    CAF_REQUIRE_EQUAL(keys.size(), subs.size());
    std::vector<zmq::socket_t*> ptrs;
    for (auto& s : subs)
      ptrs.push_back(&s);
    CAF_REQUIRE(sync_with(pub, ptrs));
    // Every sync message was acknowledged, so counted: from here on each
    // connection's counters grow by the data messages handed to it only.
    auto before = sent_per_peer(pub);
    auto topics = fanout_topics();
    for (auto& t : topics)
      publish(pub, {t, "body:" + t});
    for (size_t i = 0; i < subs.size(); ++i) {
      tally got;
      int bad_body = 0;
      for (;;) {
        auto msg = zrecv_for(subs[i], 200ms);
        if (msg == timed_out)
          break;
        if (is_sync(msg.at(0)))
          continue;
        ++got[msg.at(0)];
        if (msg.size() != 2 || msg[1] != "body:" + msg[0])
          ++bad_body;
      }
      auto want = matching(topics, fanout_prefixes[i]);
      CAF_MESSAGE("subscriber " << i << ": " << got.size() << " topics");
      CAF_CHECK_EQUAL(got, want);
      CAF_CHECK_EQUAL(bad_body, 0);
    }
    // The publisher filtered: each connection was handed exactly its
    // subscriber's matching messages, nothing else.
    auto st = stats(pub);
    CAF_CHECK_EQUAL(st.type, "PUB");
    CAF_CHECK_EQUAL(st.peers.size(), subs.size());
    uint64_t subscriptions = 0;
    for (auto& p : st.peers) {
      CAF_CHECK_EQUAL(p.peer_type, "SUB");
      CAF_CHECK_EQUAL(p.drops, 0u);
      subscriptions += p.subscriptions;
    }
    // 1 + 1 + 1 + 2 prefixes plus the sync topic each.
    CAF_CHECK_EQUAL(subscriptions, 9u);
    auto after = sent_per_peer(pub);
    for (size_t i = 0; i < subs.size(); ++i) {
      sent_counts want;
      for (auto& [topic, n] : matching(topics, fanout_prefixes[i])) {
        want.msgs += static_cast<uint64_t>(n);
        // Payload bytes: the topic frame and "body:" + topic.
        want.bytes += static_cast<uint64_t>(n) * (2 * topic.size() + 5);
      }
      CAF_REQUIRE(before.count(keys[i]) == 1 && after.count(keys[i]) == 1);
      auto msgs = after[keys[i]].msgs - before[keys[i]].msgs;
      auto bytes = after[keys[i]].bytes - before[keys[i]].bytes;
      CAF_MESSAGE("subscriber " << i << " (peer " << keys[i] << "): " << msgs
                                << " messages handed to it");
      CAF_CHECK_EQUAL(msgs, want.msgs);
      CAF_CHECK_EQUAL(bytes, want.bytes);
    }
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pub_sub_tests, pub_sub_fixture)

CAF_TEST(our bound PUB fans out to libzmq SUBs with overlapping prefixes) {
  auto pub = pub_socket();
  auto ep = bind(pub);
  std::vector<zmq::socket_t> subs;
  std::vector<uint64_t> keys;
  // One at a time: the connection that comes up is the new subscriber's.
  for (auto& prefixes : fanout_prefixes) {
    subs.push_back(zsub(prefixes));
    subs.back().connect(ep);
    CAF_REQUIRE(await_status(pub, subs.size()));
    keys.push_back(new_peer_key(pub, keys));
  }
  check_fanout(pub, subs, keys);
  CAF_CHECK(close(pub));
}

CAF_TEST(our connecting PUB fans out to bound libzmq SUBs) {
  auto pub = pub_socket();
  std::vector<zmq::socket_t> subs;
  strings eps;
  for (auto& prefixes : fanout_prefixes) {
    subs.push_back(zsub(prefixes));
    eps.push_back(zbind(subs.back()));
    connect(pub, eps.back());
  }
  CAF_REQUIRE(await_status(pub, subs.size()));
  // Our PUB connects: each connection is known by its endpoint.
  std::vector<uint64_t> keys;
  for (auto& ep : eps)
    keys.push_back(peer_key_at(pub, ep));
  check_fanout(pub, subs, keys);
  CAF_CHECK(close(pub));
}

CAF_TEST(a PUB without subscribers sends nothing and never blocks) {
  auto pub = pub_socket();
  auto ep = bind(pub);
  // No subscriber at all: sends are acknowledged and go nowhere.
  for (int i = 0; i < 2000; ++i)
    publish(pub, {"A-" + std::to_string(i)});
  // A SUB that subscribed to nothing gets nothing.
  auto deaf = zsock(ctx, zmq::socket_type::sub);
  deaf.connect(ep);
  CAF_REQUIRE(await_status(pub, 1));
  for (int i = 0; i < 100; ++i)
    publish(pub, {"A-" + std::to_string(i)});
  CAF_CHECK_EQUAL(zrecv_for(deaf, 200ms), timed_out);
  auto st = stats(pub);
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].msgs_out, 0u);
  CAF_CHECK_EQUAL(st.peers[0].subscriptions, 0u);
  CAF_CHECK(close(pub));
}

CAF_TEST(a libzmq PUB feeds our connecting SUBs) {
  auto zpub = zsock(ctx, zmq::socket_type::pub);
  auto ep = zbind(zpub);
  std::vector<mq::sub_actor> subs;
  for (auto& prefixes : fanout_prefixes) {
    subs.push_back(sub_socket());
    for (auto& p : prefixes)
      subscribe(subs.back(), p);
    subscribe(subs.back(), sync_topic);
    connect(subs.back(), ep);
  }
  for (auto& s : subs)
    CAF_REQUIRE(await_status(s, 1));
  CAF_REQUIRE(zsync_with(zpub, subs));
  auto topics = fanout_topics();
  for (auto& t : topics)
    CAF_REQUIRE(zsend(zpub, {t, "body:" + t}));
  for (size_t i = 0; i < subs.size(); ++i) {
    auto got = drain(subs[i], caf::timespan{200ms});
    auto want = matching(topics, fanout_prefixes[i]);
    CAF_CHECK_EQUAL(got, want);
    auto st = stats(subs[i]);
    CAF_CHECK_EQUAL(st.type, "SUB");
    CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
    CAF_CHECK_EQUAL(st.peers[0].peer_type, "PUB");
  }
  for (auto& s : subs)
    CAF_CHECK(close(s));
}

CAF_TEST(our SUB subscribes and unsubscribes at run time) {
  auto zpub = zsock(ctx, zmq::socket_type::pub);
  auto ep = zbind(zpub);
  auto sub = sub_socket();
  connect(sub, ep);
  subscribe(sub, sync_topic);
  subscribe(sub, "A");
  CAF_REQUIRE(await_status(sub, 1));
  CAF_REQUIRE(zsync_with(zpub, {sub}, "A~sync"));
  for (auto t : {"A1", "B1", "AB1"})
    CAF_REQUIRE(zsend(zpub, {t}));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), (tally{{"A1", 1}, {"AB1", 1}}));
  // Now B instead of A (sync on a topic only B matches).
  subscribe(sub, "B");
  unsubscribe(sub, "A");
  CAF_REQUIRE(zsync_with(zpub, {sub}, "B~sync"));
  for (auto t : {"A2", "B2", "AB2", "BA2"})
    CAF_REQUIRE(zsend(zpub, {t}));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), (tally{{"B2", 1}, {"BA2", 1}}));
  // Counted subscriptions: twice subscribed, once cancelled, still on.
  subscribe(sub, "C");
  subscribe(sub, "C");
  unsubscribe(sub, "C");
  // Cancelling an unknown prefix changes nothing.
  unsubscribe(sub, "nope");
  CAF_REQUIRE(zsync_with(zpub, {sub}, "C~sync"));
  for (auto t : {"C3", "B3", "nope3"})
    CAF_REQUIRE(zsend(zpub, {t}));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), (tally{{"C3", 1}, {"B3", 1}}));
  unsubscribe(sub, "C");
  CAF_REQUIRE(zsync_with(zpub, {sub}));
  for (auto t : {"C4", "B4"})
    CAF_REQUIRE(zsend(zpub, {t}));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), (tally{{"B4", 1}}));
  // The empty prefix: everything.
  subscribe(sub, "");
  CAF_REQUIRE(zsync_with(zpub, {sub}, "Z~sync"));
  for (auto t : {"x", "", "C5"})
    CAF_REQUIRE(zsend(zpub, {t}));
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}),
                  (tally{{"x", 1}, {"", 1}, {"C5", 1}}));
  CAF_CHECK(close(sub));
}

CAF_TEST(our SUB delivers in batches with push delivery) {
  constexpr int n = 3000;
  auto zpub = zsock(ctx, zmq::socket_type::pub);
  // A libzmq PUB drops at its SNDHWM (1000) whenever our SUB reads slower
  // than the loop below sends, which a loaded machine makes likely: what is
  // tested is our SUB's push delivery, so the libzmq side must not drop.
  zpub.set(zmq::sockopt::sndhwm, 0);
  auto ep = zbind(zpub);
  auto sub = sub_socket();
  subscribe(sub, "A");
  subscribe(sub, sync_topic);
  connect(sub, ep);
  CAF_REQUIRE(await_status(sub, 1));
  caf::scoped_actor sink{sys};
  self->send(sub, mq::deliver_atom::value, mq::batch_atom::value,
             caf::actor_cast<caf::actor>(sink), uint64_t{256});
  // Sync by hand: nothing to request, everything comes pushed.
  std::vector<std::string> got;
  uint64_t uncredited = 0;
  bool synced = false;
  bool idle = false;
  auto on_batch = [&](mq::message_atom, std::vector<mq::multipart>& batch) {
    for (auto& msg : batch) {
      auto first = msg[0].to_string();
      if (is_sync(first))
        synced = true;
      else
        got.push_back(first);
    }
    uncredited += batch.size();
    if (uncredited >= 64) {
      sink->send(sub, mq::credit_atom::value, uncredited);
      uncredited = 0;
    }
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced && std::chrono::steady_clock::now() < deadline) {
    CAF_REQUIRE(zsend(zpub, {sync_topic}));
    sink->receive(on_batch, caf::after(std::chrono::milliseconds{10}) >> [] {});
  }
  CAF_REQUIRE(synced);
  for (int i = 0; i < n; ++i) {
    CAF_REQUIRE(zsend(zpub, {"A-" + std::to_string(i)}));
    CAF_REQUIRE(zsend(zpub, {"B-" + std::to_string(i)}));
  }
  while (!idle && got.size() < static_cast<size_t>(n))
    sink->receive(on_batch, caf::after(timeout) >> [&] { idle = true; });
  CAF_REQUIRE_EQUAL(got.size(), static_cast<size_t>(n));
  int bad = 0;
  for (int i = 0; i < n; ++i)
    if (got[static_cast<size_t>(i)] != "A-" + std::to_string(i))
      ++bad;
  CAF_CHECK_EQUAL(bad, 0);
  CAF_CHECK(close(sub));
}

CAF_TEST(a libzmq PUB connects to our bound SUB subscribed beforehand) {
  auto sub = sub_socket();
  subscribe(sub, "A");
  subscribe(sub, sync_topic);
  auto ep = bind(sub);
  // Two publishers: the subscriptions reach both, each on its connection.
  auto zpub1 = zsock(ctx, zmq::socket_type::pub);
  auto zpub2 = zsock(ctx, zmq::socket_type::pub);
  zpub1.connect(ep);
  zpub2.connect(ep);
  CAF_REQUIRE(await_status(sub, 2));
  CAF_REQUIRE(zsync_with(zpub1, {sub}, sync_topic + "1"));
  CAF_REQUIRE(zsync_with(zpub2, {sub}, sync_topic + "2"));
  for (int i = 0; i < 10; ++i) {
    CAF_REQUIRE(zsend(zpub1, {"A1-" + std::to_string(i)}));
    CAF_REQUIRE(zsend(zpub2, {"A2-" + std::to_string(i)}));
    CAF_REQUIRE(zsend(zpub1, {"B1-" + std::to_string(i)}));
  }
  auto got = drain(sub, caf::timespan{200ms});
  tally want;
  for (int i = 0; i < 10; ++i) {
    want["A1-" + std::to_string(i)] = 1;
    want["A2-" + std::to_string(i)] = 1;
  }
  CAF_CHECK_EQUAL(got, want);
  CAF_CHECK(close(sub));
}

CAF_TEST(our PUB feeds our SUB with a libzmq SUB alongside) {
  auto pub = pub_socket();
  auto ep = bind(pub);
  auto sub = sub_socket();
  subscribe(sub, "A");
  subscribe(sub, sync_topic);
  connect(sub, ep);
  auto zs = zsub({"B"});
  zs.connect(ep);
  CAF_REQUIRE(await_status(pub, 2));
  // Our SUB's subscriptions: poll the PUB's view of them, then sync.
  CAF_REQUIRE(await([&] { return subscriptions(pub) == 4u; }));
  CAF_REQUIRE(sync_with(pub, {&zs}));
  for (auto t : {"A1", "B1", "AB1", "BA1"})
    publish(pub, {t});
  CAF_CHECK_EQUAL(drain(sub, caf::timespan{200ms}), (tally{{"A1", 1}, {"AB1", 1}}));
  CAF_CHECK_EQUAL(zdrain(zs, 200ms), (tally{{"B1", 1}, {"BA1", 1}}));
  CAF_CHECK(close(sub));
  CAF_CHECK(close(pub));
}

CAF_TEST(bursts go to every libzmq SUB byte for byte) {
  // Our PUB encodes a burst once for every connection that takes all of
  // it (here "all1" and "all2"), and per connection for the others
  // ("A" takes a part). Short, long-size, empty, multi-frame and large
  // (referenced) frames, in bursts of several messages.
  auto pub = pub_socket();
  auto ep = bind(pub);
  std::vector<zmq::socket_t> subs;
  subs.push_back(zsub({""}));
  subs.push_back(zsub({""}));
  subs.push_back(zsub({"A"}));
  for (auto& s : subs)
    s.connect(ep);
  CAF_REQUIRE(await_status(pub, subs.size()));
  CAF_REQUIRE(sync_with(pub, {&subs[0], &subs[1], &subs[2]}));
  std::vector<strings> msgs;
  for (int i = 0; i < 40; ++i) {
    auto n = std::to_string(i);
    switch (i % 5) {
      case 0: msgs.push_back({"A" + n}); break;
      case 1: msgs.push_back({"B" + n, "", std::string(300, 'b')}); break;
      case 2: msgs.push_back({"A" + n, std::string(2000, 'c')}); break;
      case 3: msgs.push_back({"C" + n, std::string(70000, 'd'), "e"}); break;
      default: msgs.push_back({"A" + n, std::string(255, 'f')});
    }
  }
  for (size_t at = 0; at < msgs.size(); at += 8) {
    std::vector<mq::multipart> burst;
    for (size_t j = at; j < at + 8; ++j)
      burst.push_back(mp(msgs[j]));
    self->request(pub, timeout, mq::send_atom::value, std::move(burst))
      .receive([](caf::ok_atom) {},
               [&](caf::error& err) {
                 CAF_FAIL("burst send failed: " << sys.render(err));
               });
  }
  for (size_t i = 0; i < subs.size(); ++i) {
    std::vector<strings> want;
    for (auto& m : msgs)
      if (i < 2 || m.front().front() == 'A')
        want.push_back(m);
    std::vector<strings> got;
    while (got.size() < want.size()) {
      auto msg = zrecv_for(subs[i], 1000ms);
      if (msg == timed_out)
        break;
      if (!is_sync(msg.at(0)))
        got.push_back(std::move(msg));
    }
    CAF_MESSAGE("subscriber " << i << ": " << got.size() << " messages");
    CAF_CHECK(got == want);
  }
  CAF_CHECK(close(pub));
}

CAF_TEST_FIXTURE_SCOPE_END()
