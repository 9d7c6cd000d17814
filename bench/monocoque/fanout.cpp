// fanout: the fan-out benchmark on our actors (see bench/perf/
// fanout_args.hpp; zmq_fanout is the libzmq baseline with the same
// arguments and output). One process: our pub_actor binds, <subscribers>
// sub_actors connect over tcp, each pushes batches
// (`deliver_atom, batch_atom`) into its own counting actor, which returns
// credit; the publisher streams fresh payloads with `(window_atom, self, n)`
// and `(post_atom, std::vector<multipart>)`.
//   fanout <bind-to> <message-size> <message-count> <subscribers>
//          [--hwm=N] [--quiet-ms=N] [--io-threads=N] [--ring]
//          [--mode=stream|post] [CAF options]
// `--ring` spawns the publisher and the counting actors on a ring thread
// (`spawn_on_ring`); `--io-threads=N` runs N rings (`monocoque.io-threads`);
// `--mode=post` posts one `(post_atom, multipart)` per message instead of
// one `(post_atom, std::vector<multipart>)` per credit grant (`stream`, the
// default); other `--key=value` options go to CAF.
#include "../perf/fanout_args.hpp"
#include "perf_tool.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <memory>

namespace {

namespace mq = caf::monocoque;
using clock_type = std::chrono::steady_clock;
using tick_atom = caf::atom_constant<caf::atom("fotick")>;

/// Credit each counting actor grants its SUB (returned in halves).
constexpr uint64_t sub_window = 8192;

/// Messages the publisher may post ahead of its PUB.
constexpr uint64_t pub_window = 4096;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           clock_type::now().time_since_epoch())
    .count();
}

/// What the counting actors report to the publisher (no actor message per
/// batch: the publisher polls it).
struct shared_state {
  fanout::args a;
  bool per_message = false; // --mode=post
  std::atomic<size_t> synced{0};
  std::atomic<uint64_t> delivered{0};
  std::atomic<int64_t> last_ns{0};
};

using shared_ptr = std::shared_ptr<shared_state>;

struct counter_state {
  bool seen_sync = false;
  uint64_t uncredited = 0;
};

caf::behavior counter(caf::stateful_actor<counter_state>* self,
                      mq::sub_actor sub, shared_ptr sh) {
  self->send(sub, mq::deliver_atom::value, mq::batch_atom::value,
             caf::actor_cast<caf::actor>(self), sub_window);
  auto size = sh->a.size;
  auto on_batch = [self, sub, sh, size](std::vector<mq::multipart>& msgs) {
    auto& st = self->state;
    uint64_t data = 0;
    for (auto& msg : msgs) {
      if (msg.size() == 2) { // sync
        if (!st.seen_sync) {
          st.seen_sync = true;
          ++sh->synced;
        }
        continue;
      }
      perf::check_size(msg, size);
      ++data;
    }
    if (data > 0) {
      sh->delivered.fetch_add(data, std::memory_order_relaxed);
      sh->last_ns.store(now_ns(), std::memory_order_relaxed);
    }
    st.uncredited += msgs.size();
    if (st.uncredited >= sub_window / 2) {
      self->send(sub, mq::credit_atom::value, st.uncredited);
      st.uncredited = 0;
    }
  };
  return {
    [on_batch](mq::message_atom, std::vector<mq::multipart>& msgs) {
      on_batch(msgs);
    },
    [on_batch](mq::message_atom, mq::multipart& msg) {
      std::vector<mq::multipart> one;
      one.push_back(std::move(msg));
      on_batch(one);
    },
  };
}

struct publisher_state {
  std::chrono::milliseconds sync_pause{1};
  uint64_t credit = 0;
  uint64_t sent = 0;
  bool publishing = false;
  int64_t t0 = 0;
  size_t closing = 0;
  std::vector<caf::actor> counters;
};

caf::behavior publisher(caf::stateful_actor<publisher_state>* self,
                        mq::pub_actor pub, std::vector<mq::sub_actor> subs,
                        shared_ptr sh) {
  auto& a = sh->a;
  auto n = subs.size();
  auto expected = a.count * n;
  auto finish = [self, pub, subs, sh] {
    // From the first publish to the last delivery (not the quiet wait).
    auto elapsed = sh->last_ns.load() - self->state.t0;
    fanout::print(sh->a, sh->delivered.load(),
                  static_cast<double>(elapsed) / 1000.0);
    for (auto& c : self->state.counters)
      self->send_exit(c, caf::exit_reason::user_shutdown);
    self->state.closing = subs.size() + 1;
    auto done = [self](caf::ok_atom) {
      if (--self->state.closing == 0)
        self->quit();
    };
    auto fail = [](caf::error& err) { perf::fail(err, "close"); };
    self->request(pub, std::chrono::seconds{10}, mq::close_atom::value)
      .then(done, fail);
    for (auto& s : subs)
      self->request(s, std::chrono::seconds{10}, mq::close_atom::value)
        .then(done, fail);
  };
  auto post_some = [self, pub, sh] {
    auto& st = self->state;
    auto k = std::min(st.credit, sh->a.count - st.sent);
    if (k == 0)
      return;
    st.credit -= k;
    st.sent += k;
    if (sh->per_message) {
      for (uint64_t i = 0; i < k; ++i)
        self->send(pub, mq::post_atom::value, perf::make_payload(sh->a.size));
      return;
    }
    std::vector<mq::multipart> batch;
    batch.reserve(k);
    for (uint64_t i = 0; i < k; ++i)
      batch.push_back(perf::make_payload(sh->a.size));
    self->send(pub, mq::post_atom::value, std::move(batch));
  };
  self->request(pub, caf::infinite, mq::bind_atom::value, a.endpoint)
    .then(
      [self, subs, sh](const std::string& ep) {
        for (auto& s : subs) {
          self->request(s, caf::infinite, mq::subscribe_to_atom::value,
                        std::string{})
            .then([](caf::ok_atom) {},
                  [](caf::error& err) { perf::fail(err, "subscribe"); });
          self->request(s, caf::infinite, mq::connect_atom::value, ep)
            .then([](caf::ok_atom) {},
                  [](caf::error& err) { perf::fail(err, "connect"); });
        }
        self->send(self, tick_atom::value);
      },
      [](caf::error& err) { perf::fail(err, "bind"); });
  return {
    [self, pub, sh, n, expected, finish](tick_atom) {
      auto& st = self->state;
      if (!st.publishing) {
        if (sh->synced.load() < n) {
          // Subscriptions may not have arrived yet: sync until each SUB
          // saw one of these.
          mq::multipart sync;
          sync.push_back(mq::frame::from_string("S"));
          sync.push_back(mq::frame::from_string(""));
          self->request(pub, caf::infinite, mq::send_atom::value,
                        std::move(sync))
            .then([](caf::ok_atom) {},
                  [](caf::error& err) { perf::fail(err, "send"); });
          // Every 1 ms, backing off (see fanout::max_sync_pause).
          self->delayed_send(self, st.sync_pause, tick_atom::value);
          st.sync_pause = std::min(st.sync_pause * 2, fanout::max_sync_pause);
          return;
        }
        st.publishing = true;
        st.t0 = now_ns();
        sh->last_ns = st.t0;
        self->send(pub, mq::window_atom::value,
                   caf::actor_cast<caf::actor>(self), pub_window);
        self->delayed_send(self, std::chrono::milliseconds{10},
                           tick_atom::value);
        return;
      }
      auto delivered = sh->delivered.load();
      auto quiet = static_cast<int64_t>(sh->a.quiet_ms) * 1000000;
      if (delivered == expected
          || (st.sent == sh->a.count && now_ns() - sh->last_ns > quiet)) {
        finish();
        return;
      }
      self->delayed_send(self, std::chrono::milliseconds{10},
                         tick_atom::value);
    },
    [self, post_some](mq::credit_atom, uint64_t k) {
      self->state.credit += k;
      post_some();
    },
  };
}

class config : public mq::config {
public:
  explicit config(const std::vector<std::string>& opts) {
    load<mq::module>();
    if (auto err = parse(opts)) {
      std::fprintf(stderr, "bad option: %s\n", caf::to_string(err).c_str());
      std::exit(1);
    }
  }
};

} // namespace

int main(int argc, char** argv) {
  auto sh = std::make_shared<shared_state>();
  sh->a = fanout::parse(argc, argv, "fanout");
  bool ring = false;
  std::vector<std::string> caf_opts;
  for (auto& opt : sh->a.rest)
    if (opt == "--ring")
      ring = true;
    else if (opt == "--mode=post")
      sh->per_message = true;
    else if (opt != "--mode=stream")
      caf_opts.push_back(opt);
  if (sh->a.io_threads != 1) // else CAF's own option, if given, stands
    caf_opts.push_back("--monocoque.io-threads="
                       + std::to_string(sh->a.io_threads));
  config cfg{caf_opts};
  caf::actor_system sys{cfg};
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.sndhwm = static_cast<size_t>(sh->a.hwm);
  opts.rcvhwm = static_cast<size_t>(sh->a.hwm);
  opts.linger = caf::timespan{0};
  auto pub = mq::spawn_pub(sys, opts);
  std::vector<mq::sub_actor> subs;
  std::vector<caf::actor> counters;
  for (size_t i = 0; i < sh->a.subscribers; ++i) {
    subs.push_back(mq::spawn_sub(sys, opts));
    counters.push_back(ring ? mq::spawn_on_ring(sys, counter, subs.back(), sh)
                            : sys.spawn(counter, subs.back(), sh));
  }
  auto init = [counters](caf::stateful_actor<publisher_state>* self,
                         mq::pub_actor p, std::vector<mq::sub_actor> ss,
                         shared_ptr s) {
    self->state.counters = counters;
    return publisher(self, std::move(p), std::move(ss), std::move(s));
  };
  if (ring)
    mq::spawn_on_ring(sys, init, pub, subs, sh);
  else
    sys.spawn(init, pub, subs, sh);
  // Only the actors hold the sockets from here on.
  pub = mq::pub_actor{};
  subs.clear();
  counters.clear();
  sys.await_all_actors_done();
  return 0;
}
