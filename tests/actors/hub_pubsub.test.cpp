// Deterministic tests of the PubSubHub: PUB/XPUB fan-out through the
// subscription index (counted, overlapping prefixes, epochs, slow
// subscribers), XPUB's subscription messages and options, SUB/XSUB
// subscriptions, replay and filtering; plus 1 000 subscribers churning.
#define CAF_SUITE hub_pubsub
#include "hub_fixture.hpp"

#include "caf/monocoque/internal/subscription_index.hpp"

#include <map>
#include <random>
#include <set>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;

namespace {

// `\x01prefix` or `\x00prefix` (written apart: "\x01A" would be 0x1A).
std::string sub_frame(bool subscribe, const std::string& prefix) {
  return std::string(1, subscribe ? '\x01' : '\x00') + prefix;
}

multipart subm(bool subscribe, const std::string& prefix) {
  return mp({sub_frame(subscribe, prefix)});
}

struct pubsub_fixture : hub_fixture {
  /// Lets `f` subscribe to each of `prefixes`.
  void subscribe(const fake& f, std::initializer_list<std::string> prefixes) {
    for (auto& x : prefixes)
      deliver(f, subm(true, x));
  }

  /// Lets `f` cancel `prefix` once.
  void cancel(const fake& f, const std::string& prefix) {
    deliver(f, subm(false, prefix));
  }

  /// Returns the first frames `f` was handed.
  static strings firsts(const fake& f) {
    return f.log->sent;
  }

  /// The first frame of the last message `f` was handed (a copy:
  /// CAF_CHECK_EQUAL binds its operands by reference).
  static std::string last(const fake& f) {
    return f.log->sent.empty() ? std::string{} : f.log->sent.back();
  }

  /// Stats of the peer of epoch `epoch`.
  peer_stats peer(uint64_t epoch) {
    for (auto& p : stats().peers)
      if (p.epoch == epoch)
        return p;
    return {};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hub_pubsub_tests, pubsub_fixture)

// -- PUB ----------------------------------------------------------------------

CAF_TEST(pub sends each message once to every matching subscriber) {
  start(spawn_pub);
  auto a = up_peer();
  auto b = up_peer();
  auto c = up_peer();
  auto all = up_peer();
  subscribe(a, {"A"});
  subscribe(b, {"A", "AB", "ABC"}); // overlapping: still once
  subscribe(c, {"B"});
  subscribe(all, {""});
  CAF_CHECK_EQUAL(send_msg(mp({"ABCD", "body"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"B1"})), none);
  CAF_CHECK_EQUAL(send_msg(mp({"C"})), none);
  run();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"ABCD", "body"}}));
  CAF_CHECK_EQUAL(got(b), (std::vector<strings>{{"ABCD", "body"}}));
  CAF_CHECK_EQUAL(got(c), (std::vector<strings>{{"B1"}}));
  CAF_CHECK_EQUAL(firsts(all), (strings{"ABCD", "B1", "C"}));
  // One payload for everyone: the frames share their bytes.
  CAF_REQUIRE(!a.log->msgs.empty() && !b.log->msgs.empty());
  CAF_CHECK(a.log->msgs[0][1].data() == b.log->msgs[0][1].data());
  auto sb = peer(b.epoch);
  CAF_CHECK_EQUAL(sb.subscriptions, 3u);
}

CAF_TEST(pub keeps one subscription per subscriber and prefix) {
  // Subscribers count their own subscriptions and send the last cancel
  // only (libzmq's SUB does); a publisher that counted too would never let
  // a prefix subscribed twice go.
  start(spawn_pub);
  auto a = up_peer();
  auto b = up_peer();
  subscribe(a, {"A", "A"});
  subscribe(b, {"A"});
  CAF_CHECK_EQUAL(send_msg(mp({"A1"})), none);
  cancel(a, "A");
  CAF_CHECK_EQUAL(send_msg(mp({"A2"})), none);
  cancel(a, "A"); // one too many: changes nothing
  subscribe(a, {"A"});
  CAF_CHECK_EQUAL(send_msg(mp({"A3"})), none);
  run();
  CAF_CHECK_EQUAL(firsts(a), (strings{"A1", "A3"}));
  CAF_CHECK_EQUAL(firsts(b), (strings{"A1", "A2", "A3"}));
}

CAF_TEST(a subscriber past max_subscription_bytes is dropped) {
  socket_options opts;
  // Room for two short prefixes, not three.
  opts.max_subscription_bytes = 2 * caf::monocoque::detail::subscription_index::cost_of(1)
                                + 10;
  start(spawn_pub, opts);
  auto greedy = up_peer();
  auto modest = up_peer();
  subscribe(modest, {"A"});
  subscribe(greedy, {"A", "B", "B"}); // again: charged once
  cancel(greedy, "B");                // gives its charge back
  subscribe(greedy, {"C"});
  CAF_CHECK_EQUAL(greedy.log->closes, 0u);
  subscribe(greedy, {"D", "E"}); // the third prefix passes the limit
  CAF_CHECK_EQUAL(greedy.log->closes, 1u);
  CAF_CHECK_EQUAL(stats().refused, 1u);
  CAF_CHECK_EQUAL(modest.log->closes, 0u);
  CAF_CHECK_EQUAL(send_msg(mp({"A1"})), none);
  run();
  CAF_CHECK_EQUAL(firsts(modest), (strings{"A1"}));
}

CAF_TEST(pub discards what subscribers send and never receives) {
  start(spawn_pub);
  auto a = up_peer();
  deliver(a, mp({"hello"}));
  deliver(a, mp({sub_frame(true, "x"), "two frames: not a subscription"}));
  auto st = stats();
  CAF_CHECK_EQUAL(st.peers.at(0).in_queue, 0u);
  CAF_CHECK_EQUAL(st.peers.at(0).subscriptions, 0u);
  auto res = recv_msg();
  CAF_CHECK(!res && is(res.error(), errc::invalid_operation));
}

CAF_TEST(subscriptions vanish with their incarnation) {
  start(spawn_pub);
  auto old = up_peer();
  subscribe(old, {"A"});
  // The connection is replaced (reconnect) before the old down arrives.
  auto fresh = spawn_fake();
  fresh.key = old.key;
  adopt(fresh, old.key);
  peer_up_as(fresh, {});
  CAF_CHECK_EQUAL(send_msg(mp({"A1"})), none);
  run();
  CAF_CHECK(got(fresh).empty()); // the old incarnation's "A" is not its
  CAF_CHECK(got(old).empty());   // and the old one gets nothing any more
  subscribe(fresh, {"A"});
  // The old incarnation's late messages and down change nothing.
  deliver(old, subm(false, "A"));
  self->send_exit(old.hdl, exit_reason::user_shutdown);
  run();
  CAF_CHECK_EQUAL(send_msg(mp({"A2"})), none);
  run();
  CAF_CHECK_EQUAL(firsts(fresh), (strings{"A2"}));
  auto st = stats();
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  CAF_CHECK_EQUAL(st.peers[0].subscriptions, 1u);
}

CAF_TEST(a slow subscriber loses messages and slows nobody) {
  start(spawn_pub, hwm(2));
  auto slow = up_peer();
  auto fast = up_peer();
  subscribe(slow, {""});
  subscribe(fast, {""});
  for (int i = 0; i < 5; ++i) {
    CAF_CHECK_EQUAL(send_msg(mp({"m" + std::to_string(i)})), none);
    run();
    wrote(fast, 1); // only the fast one writes
  }
  CAF_CHECK_EQUAL(firsts(fast), (strings{"m0", "m1", "m2", "m3", "m4"}));
  CAF_CHECK_EQUAL(firsts(slow), (strings{"m0", "m1"}));
  auto s = peer(slow.epoch);
  auto f = peer(fast.epoch);
  CAF_CHECK_EQUAL(s.drops, 3u);
  CAF_CHECK_EQUAL(f.drops, 0u);
}

// -- XPUB ---------------------------------------------------------------------

CAF_TEST(xpub delivers new subscriptions and the last cancel) {
  start(spawn_xpub);
  auto a = up_peer();
  auto b = up_peer();
  subscribe(a, {"A"});
  subscribe(b, {"A", "B"});
  cancel(a, "A");
  cancel(b, "A"); // the last one: news
  deliver(b, mp({"upstream", "message"}));
  std::vector<strings> have;
  for (int i = 0; i < 4; ++i) {
    auto res = recv_msg();
    CAF_REQUIRE(res);
    have.push_back(strs(*res));
  }
  CAF_CHECK_EQUAL(have, (std::vector<strings>{{sub_frame(true, "A")},
                                              {sub_frame(true, "B")},
                                              {sub_frame(false, "A")},
                                              {"upstream", "message"}}));
  // A subscriber that goes cancels what only it wanted.
  kill_fake(b);
  auto res = recv_msg();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(strs(*res), (strings{sub_frame(false, "B")}));
}

CAF_TEST(xpub verbose delivers every subscription and cancel) {
  socket_options opts;
  opts.xpub_verbose = true;
  opts.xpub_verbose_unsubscribe = true;
  start(spawn_xpub, opts);
  auto a = up_peer();
  auto b = up_peer();
  subscribe(a, {"A"});
  subscribe(b, {"A"});
  cancel(a, "A");
  cancel(b, "A");
  strings have;
  for (int i = 0; i < 4; ++i) {
    auto res = recv_msg();
    CAF_REQUIRE(res);
    have.push_back(strs(*res).at(0));
  }
  CAF_CHECK_EQUAL(have, (strings{sub_frame(true, "A"), sub_frame(true, "A"),
                                 sub_frame(false, "A"),
                                 sub_frame(false, "A")}));
}

CAF_TEST(xpub welcomes each new subscriber) {
  socket_options opts;
  opts.xpub_welcome_msg = "WELCOME";
  start(spawn_xpub, opts);
  auto a = up_peer();
  auto b = up_peer();
  CAF_CHECK_EQUAL(firsts(a), (strings{"WELCOME"}));
  CAF_CHECK_EQUAL(firsts(b), (strings{"WELCOME"}));
}

CAF_TEST(xpub nodrop makes a send wait for room) {
  socket_options opts = hwm(1);
  opts.xpub_nodrop = true;
  auto xpub = start(spawn_xpub, opts);
  auto a = up_peer();
  subscribe(a, {""});
  CAF_CHECK_EQUAL(send_msg(mp({"m0"})), none);
  // a is full: the reply waits until it wrote.
  auto h = self->request(xpub, infinite, send_atom::value, mp({"m1"}));
  run();
  bool done = false;
  CAF_CHECK_EQUAL(firsts(a), (strings{"m0"}));
  wrote(a, 1);
  h.receive([&](ok_atom) { done = true; }, [](error&) {});
  CAF_CHECK(done);
  CAF_CHECK_EQUAL(firsts(a), (strings{"m0", "m1"}));
  CAF_CHECK_EQUAL(peer(a.epoch).drops, 0u);
}

// -- SUB ----------------------------------------------------------------------

CAF_TEST(sub tells publishers the first subscribe and the last cancel) {
  start(spawn_sub);
  auto a = up_peer();
  CAF_CHECK_EQUAL(request_error(subscribe_to_atom::value, std::string{"A"}),
                  none);
  CAF_CHECK_EQUAL(request_error(subscribe_to_atom::value, std::string{"A"}),
                  none);
  CAF_CHECK_EQUAL(request_error(subscribe_to_atom::value, std::string{"B"}),
                  none);
  CAF_CHECK_EQUAL(request_error(unsubscribe_from_atom::value, std::string{"A"}),
                  none);
  CAF_CHECK_EQUAL(firsts(a), (strings{sub_frame(true, "A"),
                                      sub_frame(true, "B")}));
  // A publisher that comes later hears each prefix once.
  auto b = up_peer();
  CAF_CHECK_EQUAL(firsts(b), (strings{sub_frame(true, "A"),
                                      sub_frame(true, "B")}));
  CAF_CHECK_EQUAL(request_error(unsubscribe_from_atom::value, std::string{"A"}),
                  none);
  CAF_CHECK_EQUAL(last(a), sub_frame(false, "A"));
  CAF_CHECK_EQUAL(last(b), sub_frame(false, "A"));
  auto err = send_msg(mp({"x"}));
  CAF_CHECK(is(err, errc::invalid_operation));
}

CAF_TEST(sub filters what arrives) {
  start(spawn_sub);
  auto a = up_peer();
  CAF_CHECK_EQUAL(request_error(subscribe_to_atom::value, std::string{"A"}),
                  none);
  deliver(a, mp({"B1"}));
  deliver(a, mp({"A1", "more"}));
  deliver(a, mp({"C1"}));
  auto res = recv_msg();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(strs(*res), (strings{"A1", "more"}));
  CAF_CHECK_EQUAL(peer(a.epoch).in_queue, 0u);
}

// -- XSUB ---------------------------------------------------------------------

CAF_TEST(xsub sends subscriptions and messages to every publisher) {
  start(spawn_xsub);
  auto a = up_peer();
  CAF_CHECK_EQUAL(send_msg(subm(true, "A")), none);
  CAF_CHECK_EQUAL(send_msg(subm(true, "A")), none); // as libzmq: again
  CAF_CHECK_EQUAL(send_msg(subm(false, "A")), none); // not the last: kept
  CAF_CHECK_EQUAL(send_msg(mp({"upstream"})), none);
  run();
  CAF_CHECK_EQUAL(firsts(a), (strings{sub_frame(true, "A"),
                                      sub_frame(true, "A"), "upstream"}));
  auto b = up_peer(); // replay: each distinct prefix once
  CAF_CHECK_EQUAL(firsts(b), (strings{sub_frame(true, "A")}));
  CAF_CHECK_EQUAL(send_msg(subm(false, "A")), none); // the last
  run();
  CAF_CHECK_EQUAL(last(a), sub_frame(false, "A"));
  CAF_CHECK_EQUAL(last(b), sub_frame(false, "A"));
  deliver(a, mp({"A-after-cancel"})); // nothing matches now: filtered
  deliver(a, mp({"\x01" "A"}));        // data from a publisher, not ours
  CAF_CHECK_EQUAL(peer(a.epoch).in_queue, 0u);
}

// -- churn --------------------------------------------------------------------

CAF_TEST(a thousand subscribers churning get exactly their topics) {
  start(spawn_pub);
  std::mt19937 rng{7};
  struct live_sub {
    fake f;
    std::string prefix;
  };
  std::vector<live_sub> live;
  size_t killed = 0;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 100; ++i) {
      auto f = up_peer();
      auto prefix = "t" + std::to_string(rng() % 20);
      subscribe(f, {prefix});
      live.push_back({f, prefix});
    }
    std::shuffle(live.begin(), live.end(), rng);
    for (size_t i = 0, n = live.size() / 2; i < n; ++i) {
      self->send_exit(live.back().f.hdl, exit_reason::user_shutdown);
      live.pop_back();
      ++killed;
    }
    run();
    CAF_CHECK_EQUAL(stats().peers.size(), live.size());
  }
  CAF_CHECK_EQUAL(live.size() + killed, 1000u);
  for (int t = 0; t < 20; ++t)
    CAF_CHECK_EQUAL(send_msg(mp({"t" + std::to_string(t) + "-x"})), none);
  run();
  for (auto& x : live) {
    // "t1" also matches "t10-x" ... "t19-x": count what the prefix wants.
    strings want;
    for (int t = 0; t < 20; ++t) {
      auto topic = "t" + std::to_string(t) + "-x";
      if (topic.compare(0, x.prefix.size(), x.prefix) == 0)
        want.push_back(topic);
    }
    CAF_CHECK_EQUAL(firsts(x.f), want);
  }
  for (auto& p : stats().peers)
    CAF_CHECK_EQUAL(p.subscriptions, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
