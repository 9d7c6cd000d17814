// Who runs where, on a real actor system: only actors the plugin pins on
// purpose run on a ring thread (connections and socket actors); the user's
// actors run on CAF's scheduler, even when a ring actor wakes them, unless
// spawned with `spawn_on_ring`; and a user handler that blocks never stalls
// another connection's traffic.
#define CAF_SUITE thread_affinity
#ifndef FAIL
#define FAIL(msg) CAF_FAIL(msg)
#endif

#include "caf/monocoque/all.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "test_rings.hpp"

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

using namespace caf;
using namespace std::chrono_literals;
namespace mq = caf::monocoque;

namespace {

using probe_atom = atom_constant<atom("probe")>;

/// Records the threads its handlers ran on.
struct thread_log {
  std::mutex mtx;
  std::set<std::thread::id> ids; // distinct threads seen
  size_t calls = 0;               // handler runs
  void add() {
    std::lock_guard<std::mutex> guard{mtx};
    ids.insert(std::this_thread::get_id());
    ++calls;
  }
  size_t count() {
    std::lock_guard<std::mutex> guard{mtx};
    return calls;
  }
  std::set<std::thread::id> get() {
    std::lock_guard<std::mutex> guard{mtx};
    return ids;
  }
};

using probe_actor = typed_actor<replies_to<probe_atom>::with<ok_atom>>;

/// A ring-pinned actor, built like SocketActor and ZmtpIntegratedActor.
class ring_probe : public mq::detail::ring_actor<probe_actor::base> {
public:
  using super = mq::detail::ring_actor<probe_actor::base>;
  ring_probe(actor_config& cfg, mq::detail::uring_multiplexer* mpx,
             std::shared_ptr<thread_log> log)
    : super(cfg, mpx), log_(std::move(log)) {
    // nop
  }
  behavior_type make_behavior() override {
    return {[this](probe_atom) {
      log_->add();
      return ok_atom::value;
    }};
  }

private:
  std::shared_ptr<thread_log> log_;
};

struct config : mq::config {
  config() {
    load<mq::module>();
    // The rings2./rings3. copies of this suite run more rings.
    interop::use_test_io_threads(*this);
  }
};

struct fixture {
  config cfg;
  actor_system sys{cfg};
  scoped_actor self{sys};
  std::set<std::thread::id> rings;

  fixture() {
    auto* mod = mq::module::from(sys);
    CAF_REQUIRE(mod != nullptr);
    CAF_REQUIRE_EQUAL(mod->status(), none);
    for (auto id : mod->ring_threads())
      rings.insert(id);
    CAF_REQUIRE(!rings.empty());
  }

  bool on_ring(std::thread::id id) const {
    return rings.count(id) > 0;
  }

  bool on_ring(uint64_t hashed) const {
    return std::any_of(rings.begin(), rings.end(), [&](std::thread::id id) {
      return std::hash<std::thread::id>{}(id) == hashed;
    });
  }

  template <class Handle, class... Ts>
  void ok(const Handle& hdl, Ts... xs) {
    self->request(hdl, 10s, std::move(xs)...)
      .receive([](ok_atom) {},
               [&](error& err) { CAF_FAIL(sys.render(err)); });
  }

  template <class Handle>
  std::string bind(const Handle& hdl) {
    std::string result;
    self->request(hdl, 10s, mq::bind_atom::value, "tcp://127.0.0.1:*")
      .receive([&](std::string& ep) { result = ep; },
               [&](error& err) { CAF_FAIL(sys.render(err)); });
    return result;
  }

  template <class Handle>
  mq::socket_stats stats(const Handle& hdl) {
    mq::socket_stats result;
    self->request(hdl, 10s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& x) { result = std::move(x); },
               [&](error& err) { CAF_FAIL(sys.render(err)); });
    return result;
  }

  template <class Handle>
  mq::multipart recv(const Handle& hdl) {
    mq::multipart result;
    self->request(hdl, 10s, mq::recv_atom::value, timespan{5s})
      .receive([&](mq::multipart& x) { result = std::move(x); },
               [&](error& err) { CAF_FAIL(sys.render(err)); });
    return result;
  }
};

/// A user actor that receives pushed messages; it records its thread and
/// sleeps `nap` in its first handler.
behavior sleepy(event_based_actor* self, std::shared_ptr<thread_log> log,
                std::shared_ptr<std::atomic<bool>> woke, timespan nap) {
  return {
    [=](mq::message_atom, mq::multipart&) {
      log->add();
      if (!*woke) {
        std::this_thread::sleep_for(nap);
        *woke = true;
      }
      static_cast<void>(self);
    },
  };
}

/// Holds a user handler until the test opens it (or a generous limit
/// passes: then `timed_out` says so, and the test fails).
struct gate {
  std::mutex mtx;
  std::condition_variable cv;
  bool entered = false;
  bool opened = false;
  bool left = false;
  bool timed_out = false;

  /// Called by the handler: blocks its thread until `open` (at most 60 s).
  void pass() {
    std::unique_lock<std::mutex> guard{mtx};
    entered = true;
    cv.notify_all();
    timed_out = !cv.wait_for(guard, 60s, [this] { return opened; });
    left = true;
    cv.notify_all();
  }

  /// Waits (at most 10 s) until the handler blocks in `pass`.
  bool await_entered() {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, 10s, [this] { return entered; });
  }

  /// Lets the handler go and waits (at most 10 s) until it left; false if
  /// it had stopped waiting before (its limit passed).
  bool open() {
    std::unique_lock<std::mutex> guard{mtx};
    opened = true;
    cv.notify_all();
    return cv.wait_for(guard, 10s, [this] { return left; }) && !timed_out;
  }
};

/// A user actor that receives pushed messages and blocks its (scheduler)
/// thread in the first handler until `g` opens.
behavior blocker(event_based_actor* self, std::shared_ptr<thread_log> log,
                 std::shared_ptr<gate> g) {
  return {
    [=](mq::message_atom, mq::multipart&) {
      log->add();
      if (!g->entered)
        g->pass();
      static_cast<void>(self);
    },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(thread_affinity_tests, fixture)

CAF_TEST(ring actors stay on the ring whoever messages them) {
  auto log = std::make_shared<thread_log>();
  auto* mpx = mq::module::from(sys)->next_ring();
  auto probe = mq::detail::spawn_on_ring<ring_probe>(sys, mpx, log);
  // From a scoped actor (a foreign thread) and from a scheduled actor.
  ok(probe, probe_atom::value);
  // The probe goes in as a spawn argument: CAF 0.17 binds an empty
  // argument tuple through a null reference (UBSan reports it).
  auto relay = sys.spawn(
    [](event_based_actor* self, probe_actor probe) -> behavior {
      return {[=](probe_atom x) { return self->delegate(probe, x); }};
    },
    probe);
  self->request(relay, 10s, probe_atom::value)
    .receive([](ok_atom) {}, [&](error& err) { CAF_FAIL(sys.render(err)); });
  auto ids = log->get();
  CAF_REQUIRE_EQUAL(ids.size(), 1u);
  CAF_CHECK(on_ring(*ids.begin()));
  anon_send_exit(relay, exit_reason::user_shutdown);
  anon_send_exit(probe, exit_reason::user_shutdown);
}

CAF_TEST(socket actors run on the ring and user actors on the scheduler) {
  // A pair of our own sockets over tcp: each message crosses SocketActor,
  // ZmtpIntegratedActor and the socket actor (all pinned to the ring) and
  // then wakes the user's target, which must leave the ring.
  auto rx = mq::spawn_pull(sys);
  auto tx = mq::spawn_push(sys);
  auto ep = bind(rx);
  ok(tx, mq::connect_atom::value, ep);
  auto log = std::make_shared<thread_log>();
  auto woke = std::make_shared<std::atomic<bool>>(true); // no nap
  auto target = sys.spawn(sleepy, log, woke, timespan{0});
  self->send(rx, mq::deliver_atom::value, actor_cast<actor>(target),
             uint64_t{1000});
  for (int i = 0; i < 50; ++i)
    ok(tx, mq::send_atom::value, mq::make_message({"m"}));
  // Wait until the target saw something (bounded).
  for (int i = 0; i < 500 && log->get().empty(); ++i)
    std::this_thread::sleep_for(10ms);
  auto ids = log->get();
  CAF_REQUIRE(!ids.empty());
  for (auto id : ids)
    CAF_CHECK(!on_ring(id));
  CAF_CHECK(on_ring(stats(rx).thread));
  CAF_CHECK(on_ring(stats(tx).thread));
  anon_send_exit(target, exit_reason::user_shutdown);
  ok(tx, mq::close_atom::value);
  ok(rx, mq::close_atom::value);
}

CAF_TEST(spawn_on_ring places a user actor on the ring) {
  // The opt-in: the same target, spawned with spawn_on_ring, runs every
  // handler on the ring thread.
  auto rx = mq::spawn_pull(sys);
  auto tx = mq::spawn_push(sys);
  ok(tx, mq::connect_atom::value, bind(rx));
  auto log = std::make_shared<thread_log>();
  auto woke = std::make_shared<std::atomic<bool>>(true);
  auto target = mq::spawn_on_ring(sys, sleepy, log, woke, timespan{0});
  self->send(rx, mq::deliver_atom::value, actor_cast<actor>(target),
             uint64_t{1000});
  for (int i = 0; i < 20; ++i)
    ok(tx, mq::send_atom::value, mq::make_message({"m"}));
  // Wait for all 20 handler runs (bounded), not for 20 distinct threads.
  for (int i = 0; i < 500 && log->count() < 20; ++i)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK_EQUAL(log->count(), 20u);
  auto ids = log->get();
  CAF_REQUIRE(!ids.empty());
  for (auto id : ids)
    CAF_CHECK(on_ring(id));
  anon_send_exit(target, exit_reason::user_shutdown);
  ok(tx, mq::close_atom::value);
  ok(rx, mq::close_atom::value);
}

CAF_TEST(a blocking user handler does not stall another connection) {
  // Connection 1 pushes into a user actor whose handler blocks until the
  // test lets it go; connection 2 (the same ring with the default one ring;
  // the rings2. and rings3. copies spread them) must complete 100 round
  // trips meanwhile. No time decides it: the handler is released only after
  // the round trips (each bounded by its request's timeout).
  auto rx1 = mq::spawn_pull(sys);
  auto tx1 = mq::spawn_push(sys);
  ok(tx1, mq::connect_atom::value, bind(rx1));
  auto log = std::make_shared<thread_log>();
  auto g = std::make_shared<gate>();
  auto target = sys.spawn(blocker, log, g);
  self->send(rx1, mq::deliver_atom::value, actor_cast<actor>(target),
             uint64_t{10});
  ok(tx1, mq::send_atom::value, mq::make_message({"block"}));
  CAF_REQUIRE(g->await_entered()); // the handler blocks its thread now
  auto rep = mq::spawn_rep(sys);
  auto req = mq::spawn_req(sys);
  ok(req, mq::connect_atom::value, bind(rep));
  for (int i = 0; i < 100; ++i) {
    ok(req, mq::send_atom::value, mq::make_message({"ping"}));
    CAF_REQUIRE_EQUAL(recv(rep).size(), 1u);
    ok(rep, mq::send_atom::value, mq::make_message({"pong"}));
    CAF_REQUIRE_EQUAL(recv(req).size(), 1u);
  }
  // All 100 round trips happened while the handler was blocked: it is
  // released only now, and it had not given up waiting.
  CAF_CHECK(g->open());
  anon_send_exit(target, exit_reason::user_shutdown);
  for (auto& h : {actor_cast<actor>(rx1), actor_cast<actor>(tx1),
                  actor_cast<actor>(rep), actor_cast<actor>(req)})
    anon_send_exit(h, exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
