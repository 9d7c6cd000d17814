// (f) A slow link: what we send to host 1 goes through a token bucket of
// 1 Mbit/s (tc tbf on the root side of the link). Our sender, SNDHWM 4,
// sends 8 KiB messages as fast as it may to a libzmq receiver on the host,
// once bound and once connecting:
// - PUSH and DEALER: `send` waits (its reply is withheld while the peer's
//   queue is full), nothing is lost, everything arrives in order;
// - PUB: `send` never waits, the subscriber's queue drops what does not
//   fit (counted in `peer_stats::drops`), what arrives is in order.
// Either way the queue of the peer (`peer_stats::out_queue`) and the
// socket's `pending` stay within SNDHWM at every sample: memory is bounded
// by SNDHWM, not by the link.
#define CAF_SUITE hosts.slow_link
#include "hosts_fixture.hpp"

using namespace hosts;

namespace {

constexpr size_t hwm = 4;
// Messages are sent until the policy showed three times (three sends that
// waited, three drops), at least `min_count`, at most `max_count`: the
// kernel's own buffers (autotuned) take a few hundred KiB first.
constexpr int min_count = 24;
constexpr int max_count = 120;
constexpr size_t body_size = 8 * 1024;

/// Whether `send` waits (PUSH, DEALER) or drops (PUB) at SNDHWM.
enum class full_policy { waits, drops };

template <class Handle>
void run(interop::fixture& f, Handle sock, const std::string& peer_type,
         full_policy policy, bool ours_binds) {
  auto side = std::string{ours_binds ? "ours-binds" : "ours-connects"};
  hosts::host h{1};
  CAF_REQUIRE(h.valid());
  CAF_REQUIRE(h.limit_rate("1mbit"));
  std::vector<std::string> peer_args{"socket", "type=" + peer_type};
  if (peer_type == "sub")
    peer_args.push_back("subscribe=");
  std::unique_ptr<peer_process> peer;
  if (ours_binds) {
    auto ep = f.bind(sock, "tcp://" + h.root_addr() + ":*");
    peer_args.push_back("connect=" + ep);
    peer = std::make_unique<peer_process>(h.ns(),
                                          args({peer_args, peer_defaults()}));
    ready(*peer);
  } else {
    peer_args.push_back("bind=tcp://" + h.addr() + ":*");
    peer = std::make_unique<peer_process>(h.ns(),
                                          args({peer_args, peer_defaults()}));
    f.connect(sock, ready(*peer));
  }
  CAF_REQUIRE(f.await_status(sock, 1, 5s));
  if (policy == full_policy::drops) // the SUB's subscription must be in
    CAF_REQUIRE(await(
      [&] {
        auto st = f.stats(sock);
        return !st.peers.empty() && st.peers[0].subscriptions == 1;
      },
      5s));
  auto body = interop::pattern(body_size);
  int waited = 0;
  uint64_t max_out_queue = 0;
  uint64_t max_pending = 0;
  auto sample = [&] {
    auto st = f.stats(sock);
    for (auto& p : st.peers)
      max_out_queue = std::max(max_out_queue, p.out_queue);
    max_pending = std::max(max_pending, st.pending);
    return st;
  };
  auto t0 = now_ns();
  int count = 0;
  uint64_t seen_drops = 0;
  auto enough = [&] {
    auto shown = policy == full_policy::waits ? uint64_t(waited) : seen_drops;
    return (count >= min_count && shown >= 3) || count >= max_count;
  };
  while (!enough()) {
    auto i = ++count;
    // Asynchronous send: its `ok` lands in our mailbox. The socket handles
    // the stats request after the send, so an `ok` missing when the stats
    // arrive is a send that waits.
    f.self->send(sock, mq::send_atom::value,
                 interop::mp({"m " + std::to_string(i), body}));
    auto now = sample();
    if (!now.peers.empty())
      seen_drops = now.peers[0].drops;
    bool acked = false;
    f.self->receive([&](caf::ok_atom) { acked = true; },
                    caf::after(std::chrono::seconds{0}) >> [] {});
    if (acked)
      continue;
    ++waited;
    // It waits for the link; it must come through (bounded).
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!acked && std::chrono::steady_clock::now() < deadline) {
      f.self->receive([&](caf::ok_atom) { acked = true; },
                      caf::after(std::chrono::milliseconds{20}) >> [] {});
      sample();
    }
    CAF_REQUIRE(acked);
  }
  auto sent_ms = ms_between(t0, now_ns());
  // Everything the socket took reaches the peer (bounded by the link).
  mq::socket_stats st;
  CAF_REQUIRE(await(
    [&] {
      st = sample();
      return !st.peers.empty() && st.peers[0].out_queue == 0;
    },
    20s));
  uint64_t drops = st.peers.empty() ? 0 : st.peers[0].drops;
  auto expected_msgs = static_cast<uint64_t>(count) - drops;
  CAF_CHECK(await(
    [&] {
      peer->pump(10ms);
      return peer->all("msg ").size() >= expected_msgs;
    },
    20s));
  auto done_ms = ms_between(t0, now_ns());
  std::vector<long> got;
  for (auto& line : peer->all("msg m ")) {
    std::istringstream in{line};
    long seq = 0;
    size_t bytes = 0;
    in >> seq >> bytes;
    got.push_back(seq);
    CAF_CHECK_EQUAL(bytes, body_size + 2 + std::to_string(seq).size());
  }
  std::cerr << "SLOW type=" << peer_type << " side=" << side
            << " sent=" << count << " waited=" << waited << " drops=" << drops
            << " received=" << got.size() << " max_out_queue=" << max_out_queue
            << " max_pending=" << max_pending << " all_taken_ms="
            << static_cast<long>(sent_ms) << " all_arrived_ms="
            << static_cast<long>(done_ms) << std::endl;
  CAF_CHECK(max_out_queue <= hwm);
  CAF_CHECK(max_pending <= hwm);
  CAF_CHECK(std::is_sorted(got.begin(), got.end()));
  CAF_CHECK_EQUAL(got.size(), expected_msgs);
  if (policy == full_policy::waits) {
    CAF_CHECK(waited > 0);
    CAF_CHECK_EQUAL(drops, 0u);
    CAF_CHECK_EQUAL(got.size(), static_cast<size_t>(count));
  } else {
    CAF_CHECK_EQUAL(waited, 0);
    CAF_CHECK(drops > 0);
  }
  f.close(sock);
}

mq::socket_options slow_options(interop::fixture& f) {
  auto opts = our_options(f, liveness{});
  opts.sndhwm = hwm;
  return opts;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(slow_link_tests, interop::fixture)

CAF_TEST(push ours binds) {
  run(*this, push_socket(slow_options(*this)), "pull", full_policy::waits,
      true);
}

CAF_TEST(push ours connects) {
  run(*this, push_socket(slow_options(*this)), "pull", full_policy::waits,
      false);
}

CAF_TEST(dealer ours binds) {
  run(*this, dealer(slow_options(*this)), "dealer", full_policy::waits, true);
}

CAF_TEST(dealer ours connects) {
  run(*this, dealer(slow_options(*this)), "dealer", full_policy::waits, false);
}

CAF_TEST(pub ours binds) {
  run(*this, mq::spawn_pub(sys, slow_options(*this)), "sub",
      full_policy::drops, true);
}

CAF_TEST(pub ours connects) {
  run(*this, mq::spawn_pub(sys, slow_options(*this)), "sub",
      full_policy::drops, false);
}

CAF_TEST_FIXTURE_SCOPE_END()
