// (e) PUB/SUB across a partition. Hosts 1 and 2 each hold one end; host 1
// is cut off while messages are published every 10 ms, healed once both
// ends noticed, and publishing goes on until host 1 receives again.
// - ours binds: our PUB, a libzmq SUB on each host (prefix "t"; "x"
//   messages are published too and must reach nobody);
// - ours connects: our SUB (prefix "t") connected to a libzmq PUB on each
//   host, each publishing "t<host> <seq>" and "x<host> <seq>".
// The cut host misses everything published while it was cut off (as in
// libzmq: nothing is replayed), then receives again without a gap: the
// subscription was replayed after the heal. The other host misses nothing.
#define CAF_SUITE hosts.pubsub_partition
#include "hosts_fixture.hpp"

#include <set>

using namespace hosts;

namespace {

/// Parses the sequence numbers of `lines` ("<topic> <seq> ..." or
/// "<topic> <seq>") whose topic is `topic`.
std::vector<long> seqs_of(const std::vector<std::string>& lines,
                          const std::string& topic) {
  std::vector<long> result;
  for (auto& line : lines) {
    std::istringstream in{line};
    std::string t;
    long seq = -1;
    if (in >> t >> seq && t == topic)
      result.push_back(seq);
  }
  return result;
}

/// Checks that `got` holds every number of [first, last] exactly once, in
/// order.
void check_complete(const std::vector<long>& got, long first, long last,
                    const std::string& what) {
  std::vector<long> expected;
  for (auto i = first; i <= last; ++i)
    expected.push_back(i);
  auto ok = got == expected;
  if (!ok)
    CAF_MESSAGE(what << ": got " << got.size() << " messages, expected "
                     << expected.size() << " (" << first << ".." << last
                     << ")");
  CAF_CHECK(ok);
}

/// The phases of one run, as sequence numbers.
struct phases {
  long cut = 0;  // last published before the cut
  long heal = 0; // last published before the heal
  long last = 0; // last published at all
  std::optional<int64_t> ours_at;
  std::optional<int64_t> peer_at;
  int64_t t0 = 0;
};

void report_phases(const std::string& side, const phases& ph) {
  auto since = [&](std::optional<int64_t> t) -> std::optional<double> {
    if (t)
      return ms_between(ph.t0, *t);
    return std::nullopt;
  };
  report("pubsub", "heartbeat", side, "ours", since(ph.ours_at));
  report("pubsub", "heartbeat", side, "libzmq-peer", since(ph.peer_at));
}

/// When the peer reported DISCONNECTED at or after `since` (its own clock
/// reading, the same steady clock).
std::optional<int64_t> peer_disconnected(peer_process& p, int64_t since) {
  p.pump(0ms);
  for (auto& ev : p.all("event DISCONNECTED ")) {
    auto t = std::stoll(ev.substr(0, ev.find(' ')));
    if (t >= since)
      return t;
  }
  return std::nullopt;
}

/// Checks what the cut host received: nothing of (cut, heal], and every
/// message from the first one after the heal to `last`.
void check_cut_host(const std::vector<long>& got, const phases& ph,
                    const std::string& what) {
  std::vector<long> during;
  std::vector<long> after;
  for (auto s : got) {
    if (s > ph.cut && s <= ph.heal)
      during.push_back(s);
    if (s > ph.heal)
      after.push_back(s);
  }
  CAF_MESSAGE(what << ": " << got.size() << " messages, " << during.size()
                   << " of those published while cut off, " << after.size()
                   << " after the heal");
  CAF_CHECK(during.empty());
  CAF_REQUIRE(!after.empty());
  check_complete(after, after.front(), ph.last, what + " after the heal");
}

void run_ours_binds(interop::fixture& f) {
  std::string side = "ours-binds";
  hosts::host a{1};
  hosts::host b{2};
  CAF_REQUIRE(a.valid() && b.valid());
  auto live = heartbeat_liveness();
  auto pub = mq::spawn_pub(f.sys, our_options(f, live));
  auto port = port_of(f.bind(pub, "tcp://0.0.0.0:*"));
  auto sub_on = [&](hosts::host& h) {
    auto p = std::make_unique<peer_process>(
      h.ns(), args({{"socket", "type=sub", "subscribe=t",
                     "connect=tcp://" + h.root_addr() + ":" + port},
                    peer_defaults(),
                    live.peer_args}));
    ready(*p);
    return p;
  };
  auto sa = sub_on(a);
  auto sb = sub_on(b);
  auto subscribed = [&] {
    auto st = f.stats(pub);
    size_t n = 0;
    for (auto& p : st.peers)
      n += p.up && p.subscriptions == 1 ? 1 : 0;
    return n;
  };
  CAF_REQUIRE(await([&] { return subscribed() == 2; }, 10s));
  long seq = 0;
  auto publish = [&] {
    ++seq;
    (void) f.try_send(pub, interop::mp({"t " + std::to_string(seq)}), 50ms);
    (void) f.try_send(pub, interop::mp({"x " + std::to_string(seq)}), 50ms);
  };
  auto publish_for = [&](std::chrono::milliseconds d) {
    auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
      publish();
      std::this_thread::sleep_for(10ms);
    }
  };
  publish_for(300ms);
  phases ph;
  ph.cut = seq;
  CAF_REQUIRE(a.cut());
  ph.t0 = now_ns();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((!ph.ours_at || !ph.peer_at)
         && std::chrono::steady_clock::now() < deadline) {
    publish();
    if (!ph.ours_at && f.status(pub) == 1)
      ph.ours_at = now_ns();
    if (!ph.peer_at)
      ph.peer_at = peer_disconnected(*sa, ph.t0);
    std::this_thread::sleep_for(10ms);
  }
  report_phases(side, ph);
  CAF_REQUIRE(ph.ours_at);
  CAF_REQUIRE(ph.peer_at);
  ph.heal = seq;
  CAF_REQUIRE(a.heal());
  // Publishing goes on until host a receives again (its SUB connected
  // again and replayed its subscription), then a little longer.
  auto from = sa->lines().size();
  CAF_REQUIRE(await(
    [&] {
      publish();
      sa->pump(0ms);
      for (auto& x : sa->all("msg t ", from))
        if (std::stol(x) > ph.heal)
          return true;
      return false;
    },
    20s));
  publish_for(200ms);
  ph.last = seq;
  // Our side: host a's new incarnation holds its subscription again.
  CAF_CHECK_EQUAL(subscribed(), 2u);
  CAF_CHECK_EQUAL(f.stats(pub).peers.size(), 2u);
  // Wait until both received the last one, then compare.
  auto last = "msg t " + std::to_string(ph.last) + " ";
  CAF_CHECK(sa->wait_for(last, 5s));
  CAF_CHECK(sb->wait_for(last, 5s));
  CAF_CHECK(sa->all("msg x").empty());
  CAF_CHECK(sb->all("msg x").empty());
  check_complete(seqs_of(sb->all("msg "), "t"), 1, ph.last, "host b");
  check_cut_host(seqs_of(sa->all("msg "), "t"), ph, "host a");
  f.close(pub);
}

void run_ours_connects(interop::fixture& f) {
  std::string side = "ours-connects";
  hosts::host a{1};
  hosts::host b{2};
  CAF_REQUIRE(a.valid() && b.valid());
  auto live = heartbeat_liveness();
  auto sub = mq::spawn_sub(f.sys, our_options(f, live));
  auto pub_on = [&](hosts::host& h) {
    auto p = std::make_unique<peer_process>(
      h.ns(), args({{"socket", "type=pub", "bind=tcp://" + h.addr() + ":*"},
                    peer_defaults(),
                    live.peer_args}));
    return p;
  };
  auto pa = pub_on(a);
  auto pb = pub_on(b);
  f.self
    ->request(sub, interop::timeout, mq::subscribe_to_atom::value,
              std::string{"t"})
    .receive([](caf::ok_atom) {},
             [&](caf::error& err) {
               CAF_FAIL("subscribe failed: " << f.sys.render(err));
             });
  f.connect(sub, ready(*pa));
  f.connect(sub, ready(*pb));
  CAF_REQUIRE(f.await_status(sub, 2, 10s));
  // Received messages, by topic ("ta", "tb", and "x.." never).
  std::vector<std::string> got;
  auto take = [&] {
    while (auto msg = f.try_recv(sub, caf::timespan{1ms})) {
      std::string line; // the frames ("ta", "17") joined by spaces
      for (auto& part : interop::strs(*msg))
        line += (line.empty() ? "" : " ") + part;
      got.push_back(line);
    }
  };
  long seq = 0;
  auto publish = [&] {
    ++seq;
    auto s = std::to_string(seq);
    pa->command("send ta " + s);
    pa->command("send xa " + s);
    pb->command("send tb " + s);
    pb->command("send xb " + s);
    take();
  };
  // libzmq's PUB learns our subscription a moment after the handshake:
  // wait until both publishers deliver.
  CAF_REQUIRE(await(
    [&] {
      publish();
      std::this_thread::sleep_for(10ms);
      take();
      return !seqs_of(got, "ta").empty() && !seqs_of(got, "tb").empty();
    },
    10s));
  auto first_a = seqs_of(got, "ta").front();
  auto first_b = seqs_of(got, "tb").front();
  auto step = [&] {
    publish();
    std::this_thread::sleep_for(10ms);
  };
  for (int i = 0; i < 30; ++i)
    step();
  phases ph;
  ph.cut = seq;
  CAF_REQUIRE(a.cut());
  ph.t0 = now_ns();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((!ph.ours_at || !ph.peer_at)
         && std::chrono::steady_clock::now() < deadline) {
    step();
    if (!ph.ours_at && f.status(sub) == 1)
      ph.ours_at = now_ns();
    if (!ph.peer_at)
      ph.peer_at = peer_disconnected(*pa, ph.t0);
  }
  report_phases(side, ph);
  CAF_REQUIRE(ph.ours_at);
  CAF_REQUIRE(ph.peer_at);
  ph.heal = seq;
  CAF_REQUIRE(a.heal());
  // Until our SUB connected again and replayed "t" to host a's PUB.
  CAF_REQUIRE(await(
    [&] {
      step();
      for (auto s : seqs_of(got, "ta"))
        if (s > ph.heal)
          return true;
      return false;
    },
    20s));
  for (int i = 0; i < 20; ++i)
    step();
  ph.last = seq;
  // Both publishers' last message arrives.
  auto has_last = [&](const std::string& topic) {
    take();
    auto s = seqs_of(got, topic);
    return !s.empty() && s.back() == ph.last;
  };
  CAF_CHECK(await([&] { return has_last("ta") && has_last("tb"); }, 5s));
  CAF_CHECK(seqs_of(got, "xa").empty());
  CAF_CHECK(seqs_of(got, "xb").empty());
  auto st = f.stats(sub);
  CAF_CHECK_EQUAL(st.peers.size(), 2u);
  CAF_CHECK_EQUAL(up_peers(st), 2u);
  check_complete(seqs_of(got, "tb"), first_b, ph.last, "host b");
  auto from_a = seqs_of(got, "ta");
  CAF_CHECK(from_a.front() == first_a);
  check_cut_host(from_a, ph, "host a");
  f.close(sub);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(pubsub_partition_tests, interop::fixture)

CAF_TEST(ours binds) {
  run_ours_binds(*this);
}

CAF_TEST(ours connects) {
  run_ours_connects(*this);
}

CAF_TEST_FIXTURE_SCOPE_END()
