// Our PUSH and PULL against libzmq peers: round-robin out to three PULLs
// (bound and connecting), fair-queued in from three PUSHes, messages that
// wait for a first peer, a blocked send with no peer, and a PULL restarted
// mid-stream. Mirrors libzmq's test_spec_pushpull where it applies.
#define CAF_SUITE interop_push_pull
#include "interop_fixture.hpp"

#include <future>
#include <map>
#include <set>

using namespace interop;
using std::string;
using strings = std::vector<std::string>;

namespace {

struct push_pull_fixture : fixture {
  mq::socket_options fast(size_t sndhwm = 1000) {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.sndhwm = sndhwm;
    return opts;
  }

  /// Sends "0".."n-1" (offset by `from`) through `push`, one request each.
  void send_numbers(const mq::push_actor& push, int from, int to) {
    for (int i = from; i < to; ++i)
      send(push, mp({std::to_string(i)}));
  }

  /// Receives `n` messages of `pull` (each within `timeout`), then checks
  /// that no further message follows within 50 ms; returns the numbers
  /// received (fewer than `n` if some did not come).
  std::vector<int> drain(zmq::socket_t& pull, size_t n) {
    std::vector<int> result;
    while (result.size() < n) {
      auto msg = zrecv(pull);
      if (msg == timed_out)
        return result;
      result.push_back(std::stoi(msg.at(0)));
    }
    auto extra = zrecv_for(pull, 50ms);
    CAF_CHECK_EQUAL(extra, timed_out);
    if (extra != timed_out)
      result.push_back(std::stoi(extra.at(0)));
    return result;
  }

  /// Returns {from, ..., to - 1}.
  static std::vector<int> range(int from, int to) {
    std::vector<int> result;
    for (int i = from; i < to; ++i)
      result.push_back(i);
    return result;
  }

  /// Checks that three PULLs got 300 messages split evenly in strict
  /// round-robin: each exactly 100, every third number, in order.
  void check_even_split(std::vector<zmq::socket_t>& pulls) {
    std::set<int> all;
    for (auto& pull : pulls) {
      auto got = drain(pull, 100);
      CAF_CHECK_EQUAL(got.size(), 100u);
      bool strided = !got.empty();
      for (size_t i = 1; i < got.size(); ++i)
        strided = strided && got[i] == got[i - 1] + 3;
      CAF_CHECK(strided);
      all.insert(got.begin(), got.end());
    }
    CAF_CHECK_EQUAL(all.size(), 300u);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(push_pull_tests, push_pull_fixture)

CAF_TEST(our bound PUSH splits evenly over three libzmq PULLs) {
  auto push = push_socket(fast());
  auto ep = bind(push);
  std::vector<zmq::socket_t> pulls;
  for (int i = 0; i < 3; ++i) {
    pulls.push_back(zsock(ctx, zmq::socket_type::pull));
    pulls.back().connect(ep);
  }
  CAF_REQUIRE(await_status(push, 3));
  send_numbers(push, 0, 300);
  check_even_split(pulls);
  auto st = stats(push);
  CAF_CHECK_EQUAL(st.type, "PUSH");
  CAF_CHECK_EQUAL(st.peers.size(), 3u);
  for (auto& p : st.peers) {
    CAF_CHECK_EQUAL(p.peer_type, "PULL");
    CAF_CHECK_EQUAL(p.msgs_out, 100u);
  }
  CAF_CHECK(close(push));
}

CAF_TEST(our connecting PUSH splits evenly over three libzmq PULLs) {
  auto push = push_socket(fast());
  std::vector<zmq::socket_t> pulls;
  for (int i = 0; i < 3; ++i) {
    pulls.push_back(zsock(ctx, zmq::socket_type::pull));
    connect(push, zbind(pulls.back()));
  }
  CAF_REQUIRE(await_status(push, 3));
  // One batch: still one message per peer in turn.
  std::vector<mq::multipart> batch;
  for (int i = 0; i < 300; ++i)
    batch.push_back(mp({std::to_string(i)}));
  self->request(push, timeout, mq::send_atom::value, std::move(batch))
      .receive([](caf::ok_atom) {},
               [&](caf::error& err) {
                 CAF_FAIL("batch send failed: " << sys.render(err));
               });
  check_even_split(pulls);
  CAF_CHECK(close(push));
}

CAF_TEST(three libzmq PUSHes into our PULL are fair queued) {
  constexpr int n = 100;
  auto pull = pull_socket();
  auto ep = bind(pull);
  std::vector<zmq::socket_t> pushes;
  for (int i = 0; i < 3; ++i) {
    pushes.push_back(zsock(ctx, zmq::socket_type::push));
    pushes.back().connect(ep);
  }
  CAF_REQUIRE(await_status(pull, 3));
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < n; ++i)
      CAF_REQUIRE(zsend(pushes[static_cast<size_t>(k)],
                        {std::to_string(k), std::to_string(i)}));
  // Wait until all of them wait in our inboxes, then read: the senders
  // take turns, and each sender's messages stay in order.
  CAF_REQUIRE(await([&] {
    uint64_t total = 0;
    for (auto& p : stats(pull).peers)
      total += p.in_queue;
    return total == static_cast<uint64_t>(3 * n);
  }));
  std::map<string, int> next;
  int out_of_order = 0;
  int not_fair = 0;
  std::vector<string> window;
  for (int i = 0; i < 3 * n; ++i) {
    auto msg = recv_strs(pull);
    CAF_REQUIRE_EQUAL(msg.size(), 2u);
    if (std::stoi(msg[1]) != next[msg[0]]++)
      ++out_of_order;
    window.push_back(msg[0]);
    if (window.size() == 3) {
      if (std::set<string>(window.begin(), window.end()).size() != 3)
        ++not_fair;
      window.clear();
    }
  }
  CAF_CHECK_EQUAL(out_of_order, 0);
  CAF_CHECK_EQUAL(not_fair, 0);
  for (auto& [k, count] : next)
    CAF_CHECK_EQUAL(count, n);
  auto st = stats(pull);
  CAF_CHECK_EQUAL(st.type, "PULL");
  for (auto& p : st.peers) {
    CAF_CHECK_EQUAL(p.peer_type, "PUSH");
    CAF_CHECK_EQUAL(p.msgs_in, static_cast<uint64_t>(n));
  }
  CAF_CHECK(close(pull));
}

CAF_TEST(our connecting PULL receives from a libzmq PUSH) {
  auto zpush = zsock(ctx, zmq::socket_type::push);
  auto ep = zbind(zpush);
  auto pull = pull_socket();
  connect(pull, ep);
  CAF_REQUIRE(await_status(pull, 1));
  for (int i = 0; i < 100; ++i)
    CAF_REQUIRE(zsend(zpush, {"m", std::to_string(i), ""}));
  int bad = 0;
  for (int i = 0; i < 100; ++i)
    if (recv_strs(pull) != strings{"m", std::to_string(i), ""})
      ++bad;
  CAF_CHECK_EQUAL(bad, 0);
  CAF_CHECK(close(pull));
}

CAF_TEST(messages sent before any peer wait for the first PULL) {
  // Bound PUSH, nobody connected yet.
  auto push = push_socket(fast());
  auto ep = bind(push);
  send_numbers(push, 0, 10);
  CAF_CHECK_EQUAL(stats(push).pending, 10u);
  auto pull = zsock(ctx, zmq::socket_type::pull);
  pull.connect(ep);
  CAF_CHECK_EQUAL(drain(pull, 10), range(0, 10));
  CAF_CHECK(close(push));
  // Connecting PUSH, the PULL binds later.
  auto later = free_endpoint();
  CAF_REQUIRE_NOT_EQUAL(later, "");
  auto push2 = push_socket(fast());
  connect(push2, later);
  send_numbers(push2, 0, 5);
  auto pull2 = zrebind(ctx, zmq::socket_type::pull, later);
  CAF_CHECK_EQUAL(drain(pull2, 5), range(0, 5));
  CAF_CHECK(close(push2));
}

CAF_TEST(PUSH without peers blocks at SNDHWM) {
  // test_spec_pushpull test_push_block_on_send_no_peers: SHALL block on
  // sending when it has no available peers (here after SNDHWM messages
  // wait).
  constexpr size_t hwm = 5;
  auto push = push_socket(fast(hwm));
  auto ep = bind(push);
  send_numbers(push, 0, static_cast<int>(hwm));
  auto blocked = std::async(std::launch::async, [&] {
    caf::scoped_actor other{sys};
    bool acked = false;
    other
        ->request(push, std::chrono::seconds{10}, mq::send_atom::value,
                  mp({std::to_string(hwm)}))
        .receive([&](caf::ok_atom) { acked = true; }, [](caf::error&) {});
    return acked;
  });
  CAF_CHECK(blocked.wait_for(300ms) == std::future_status::timeout);
  auto pull = zsock(ctx, zmq::socket_type::pull);
  pull.connect(ep);
  CAF_REQUIRE(blocked.wait_for(timeout) == std::future_status::ready);
  CAF_CHECK(blocked.get());
  CAF_CHECK_EQUAL(drain(pull, 6), range(0, 6));
  CAF_CHECK(close(push));
}

CAF_TEST(a libzmq PULL restarted mid - stream) {
  auto pull = zsock(ctx, zmq::socket_type::pull);
  auto ep = zbind(pull);
  auto push = push_socket(fast());
  connect(push, ep);
  CAF_REQUIRE(await_status(push, 1));
  send_numbers(push, 0, 100);
  // The PULL reads half and dies: the rest of what it had is lost.
  std::vector<int> first;
  for (int i = 0; i < 50; ++i) {
    auto msg = zrecv(pull);
    if (msg == timed_out)
      break;
    first.push_back(std::stoi(msg.at(0)));
  }
  CAF_REQUIRE_EQUAL(first.size(), 50u);
  CAF_CHECK_EQUAL(first.back(), 49);
  pull.close();
  CAF_REQUIRE(await_status(push, 0));
  // Sent while it is down: waits (up to SNDHWM) for the restarted PULL,
  // and nothing of the old connection is sent again.
  send_numbers(push, 100, 150);
  pull = zrebind(ctx, zmq::socket_type::pull, ep);
  CAF_REQUIRE(await_status(push, 1));
  CAF_CHECK_EQUAL(drain(pull, 50), range(100, 150));
  // And the stream goes on.
  send_numbers(push, 150, 200);
  CAF_CHECK_EQUAL(drain(pull, 50), range(150, 200));
  CAF_CHECK(close(push));
}

CAF_TEST(a PULL of three restarted mid - stream rejoins the split) {
  auto push = push_socket(fast());
  auto ep = bind(push);
  std::vector<zmq::socket_t> pulls;
  for (int i = 0; i < 3; ++i) {
    pulls.push_back(zsock(ctx, zmq::socket_type::pull));
    pulls.back().connect(ep);
  }
  CAF_REQUIRE(await_status(push, 3));
  send_numbers(push, 0, 30);
  for (auto& p : pulls)
    CAF_CHECK_EQUAL(drain(p, 10).size(), 10u);
  // One dies: the two others share everything while it is gone.
  pulls[1].close();
  CAF_REQUIRE(await_status(push, 2));
  send_numbers(push, 100, 140);
  CAF_CHECK_EQUAL(drain(pulls[0], 20).size(), 20u);
  CAF_CHECK_EQUAL(drain(pulls[2], 20).size(), 20u);
  // It comes back: three-way split again.
  pulls[1] = zsock(ctx, zmq::socket_type::pull);
  pulls[1].connect(ep);
  CAF_REQUIRE(await_status(push, 3));
  send_numbers(push, 200, 500);
  check_even_split(pulls);
  CAF_CHECK(close(push));
}

CAF_TEST_FIXTURE_SCOPE_END()
