// Deterministic tests of the proxy actor's flow control under CAF's test
// coordinator: fake sockets (plain actors that play the socket side of
// `window`/`post` and `deliver`/`credit` by hand) make every credit the
// proxy passes on observable. Wire behaviour with libzmq peers:
// interop/proxy.test.cpp.
#define CAF_SUITE proxy

#ifndef FAIL
#define FAIL(msg) CAF_FAIL(msg) // CAF 0.17.6: the fixture's request<T>
#endif

#include "caf/monocoque/proxy_actor.hpp"

#include <caf/test/dsl.hpp>

#include <string>
#include <vector>

using namespace caf;
using namespace caf::monocoque;

namespace {

using strings = std::vector<std::string>;

multipart mp(std::initializer_list<std::string> parts) {
  multipart result;
  for (auto& x : parts)
    result.push_back(frame::from_string(x));
  return result;
}

std::vector<multipart> batch(std::initializer_list<std::string> firsts) {
  std::vector<multipart> result;
  for (auto& x : firsts)
    result.push_back(mp({x}));
  return result;
}

// What a fake socket was told.
struct fake_state {
  actor target;        // delivery target
  uint64_t credit = 0; // delivery credit
  actor producer;      // one-way producer
  strings posted;      // first frames of posted messages, in order
  int windows = 0;     // (window_atom, ...) messages
  std::string label;   // which side it plays
  static inline const char* name = "fake_socket";
};

using fake_actor = stateful_actor<fake_state>;

// A fake socket: grants a window at once, as the RouterHub does. It takes
// a label: CAF 0.17 binds an empty spawn-argument tuple through a null
// reference (UBSan reports it).
behavior fake_socket(fake_actor* self, std::string label) {
  self->state.label = std::move(label);
  return {
    [self](window_atom, actor& producer, uint64_t n) {
      ++self->state.windows;
      self->state.producer = producer;
      if (producer && n > 0)
        self->send(producer, credit_atom::value, n);
    },
    [self](deliver_atom, batch_atom, actor& target, uint64_t credit) {
      self->state.target = target;
      self->state.credit = credit;
    },
    [self](credit_atom, uint64_t n) { self->state.credit += n; },
    [self](post_atom, std::vector<multipart>& msgs) {
      for (auto& msg : msgs)
        self->state.posted.push_back(msg.at(0).to_string());
    },
    [](status_atom) { return uint64_t{1}; },
  };
}

struct fixture : test_coordinator_fixture<> {
  actor front = sys.spawn(fake_socket, std::string{"front"});
  actor back = sys.spawn(fake_socket, std::string{"back"});
  actor cap = sys.spawn(fake_socket, std::string{"capture"});
  proxy_actor proxy;

  ~fixture() {
    // Sockets and proxy hold each other: neither goes away on its own.
    for (auto& x : {front, back, cap})
      anon_send_exit(x, exit_reason::kill);
    if (proxy)
      anon_send_exit(proxy, exit_reason::kill);
    sched.run();
  }

  fake_state& st(const actor& x) {
    return deref<fake_actor>(x).state;
  }

  void start(uint64_t window, bool two_way = true, bool capture = false) {
    auto res = spawn_proxy(sys, proxy_socket{front, two_way, true},
                           proxy_socket{back, true, two_way},
                           capture ? proxy_socket{cap, true, false}
                                   : proxy_socket{},
                           proxy_options{window, window, false});
    CAF_REQUIRE(res);
    proxy = *res;
    sched.run();
  }

  /// Pushes a batch from `from` to the proxy, as a socket would.
  void push(const actor& from, std::vector<multipart> msgs) {
    st(from).credit -= std::min<uint64_t>(st(from).credit, msgs.size());
    send_as(from, proxy, message_atom::value, std::move(msgs));
    sched.run();
  }

  /// Returns post credit to the proxy, as a socket does when messages leave.
  void release(const actor& from, uint64_t n) {
    send_as(from, proxy, credit_atom::value, n);
    sched.run();
  }

  template <class Atom> void steer(Atom verb) {
    self->send(proxy, verb);
    sched.run();
    self->receive([](ok_atom) {});
  }

  proxy_stats stats() {
    self->send(proxy, stats_atom::value);
    sched.run();
    proxy_stats result;
    self->receive([&](proxy_stats& x) { result = x; });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(proxy_tests, fixture)

CAF_TEST(delivery credit follows the post credit of the other side) {
  start(4);
  // Both sides got a window and became delivering; each source got exactly
  // the window its sink granted, nothing up front.
  CAF_CHECK_EQUAL(st(front).windows, 1);
  CAF_CHECK_EQUAL(st(back).windows, 1);
  CAF_CHECK_EQUAL(st(front).target, actor_cast<actor>(proxy));
  CAF_CHECK_EQUAL(st(front).credit, 4u);
  CAF_CHECK_EQUAL(st(back).credit, 4u);
  push(front, batch({"a", "b", "c"}));
  CAF_CHECK_EQUAL(st(back).posted, (strings{"a", "b", "c"}));
  CAF_CHECK_EQUAL(st(front).credit, 1u);
  // Two left the backend: two more may come from the frontend.
  release(back, 2);
  CAF_CHECK_EQUAL(st(front).credit, 3u);
  // Backend to frontend runs the same way.
  push(back, batch({"r1"}));
  CAF_CHECK_EQUAL(st(front).posted, (strings{"r1"}));
  auto s = stats();
  CAF_CHECK_EQUAL(s.frontend.msgs_in, 3u);
  CAF_CHECK_EQUAL(s.frontend.bytes_in, 3u);
  CAF_CHECK_EQUAL(s.backend.msgs_out, 3u);
  CAF_CHECK_EQUAL(s.backend.msgs_in, 1u);
  CAF_CHECK_EQUAL(s.frontend.msgs_out, 1u);
}

CAF_TEST(one way: a backend that cannot receive is never read) {
  start(4, false);
  CAF_CHECK_EQUAL(st(front).windows, 0); // the frontend never sends
  CAF_CHECK_EQUAL(st(back).target, actor{});
  CAF_CHECK_EQUAL(st(front).credit, 4u);
}

CAF_TEST(a source gets no credit until its sink returns some) {
  start(4);
  push(front, batch({"1", "2", "3", "4"}));
  CAF_CHECK_EQUAL(st(back).posted.size(), 4u);
  CAF_CHECK_EQUAL(st(front).credit, 0u); // stalled until the backend drains
  release(back, 4);
  CAF_CHECK_EQUAL(st(front).credit, 4u);
}

CAF_TEST(pause holds and withholds credit; resume forwards and grants) {
  start(4);
  steer(pause_atom::value);
  push(front, batch({"x", "y"}));
  CAF_CHECK(st(back).posted.empty());
  auto s = stats();
  CAF_CHECK(s.paused);
  CAF_CHECK_EQUAL(s.frontend.held, 2u);
  // Credit coming back while paused is withheld from the frontend.
  push(back, batch({"r"}));
  release(front, 1);
  CAF_CHECK_EQUAL(st(back).credit, 3u);
  steer(resume_atom::value);
  CAF_CHECK_EQUAL(st(back).posted, (strings{"x", "y"}));
  CAF_CHECK_EQUAL(st(front).posted, (strings{"r"}));
  CAF_CHECK_EQUAL(st(back).credit, 4u);
  CAF_CHECK(!stats().paused);
}

CAF_TEST(the capture gets copies within its window and drops the rest) {
  start(8, true, true);
  CAF_CHECK_EQUAL(st(cap).windows, 1);
  push(front, batch({"1", "2", "3", "4", "5", "6"}));
  push(back, batch({"7", "8", "9"}));
  CAF_CHECK_EQUAL(st(back).posted.size(), 6u);
  CAF_CHECK_EQUAL(st(cap).posted,
                  (strings{"1", "2", "3", "4", "5", "6", "7", "8"}));
  auto s = stats();
  CAF_CHECK_EQUAL(s.captured, 8u);
  CAF_CHECK_EQUAL(s.capture_dropped, 1u);
  release(cap, 2);
  push(front, batch({"10"}));
  CAF_CHECK_EQUAL(st(cap).posted.back(), "10");
}

CAF_TEST(terminate forwards what the proxy holds and lets go of the sockets) {
  start(4, true, true);
  steer(pause_atom::value);
  push(front, batch({"a", "b"}));
  self->send(proxy, terminate_atom::value);
  sched.run();
  bool acked = false;
  self->receive([&](ok_atom) { acked = true; });
  CAF_CHECK(acked);
  CAF_CHECK_EQUAL(st(back).posted, (strings{"a", "b"}));
  CAF_CHECK_EQUAL(st(front).target, actor{});
  CAF_CHECK_EQUAL(st(back).target, actor{});
  CAF_CHECK_EQUAL(st(back).producer, actor{});
  CAF_CHECK_EQUAL(st(front).producer, actor{});
  CAF_CHECK_EQUAL(st(cap).producer, actor{});
  CAF_CHECK_EQUAL(st(cap).posted, (strings{"a", "b"}));
}

CAF_TEST(the proxy exits with its frontend) {
  start(4);
  self->monitor(proxy);
  anon_send_exit(front, exit_reason::user_shutdown);
  sched.run();
  bool down = false;
  self->receive([&](down_msg& dm) {
    down = dm.reason == make_error(exit_reason::user_shutdown);
  });
  CAF_CHECK(down);
  CAF_CHECK_EQUAL(st(back).producer, actor{});
}

CAF_TEST_FIXTURE_SCOPE_END()
