// bench-router: a ROUTER serving 10 DEALERs that echo-request it, 64 B over
// tcp loopback, in messages per second. The DEALERs are libzmq sockets driven
// from the main thread (each keeps a window of requests in flight) and are
// the same for every server:
//   - a libzmq ROUTER echo loop on its own thread (and its own context),
//   - caf::monocoque::router_actor with an echo actor on CAF's scheduler that
//     takes push delivery with credit and replies with one `send` request per
//     message (credit comes back with each `ok`),
//   - the same, replying with batches: what arrives in one mailbox drain (up
//     to BENCH_BATCH messages) goes out as one `(send_atom,
//     std::vector<multipart>)`.
// Runs interleave (libzmq, per-message, batched, libzmq, ...); the summary
// reports medians and ratios of the rate and of the process CPU time per
// echoed message (getrusage over the timed part; the DEALERs are included,
// and they are the same for every server). Every reply is checked (dealer
// and sequence number, in order per dealer). A run that makes no progress
// for BENCH_STALL seconds is reported, with the socket's stats, and the
// program exits with 3.
// CAF options pass through, e.g. `bench-router --scheduler.max-threads=2`.
// Environment: BENCH_ROUNDS (5), BENCH_N echoed messages per run, over all
// dealers (200000), BENCH_DEALERS (10), BENCH_W requests in flight per
// dealer (100), BENCH_CREDIT delivery credit of the echo actor (256),
// BENCH_BATCH largest reply batch (64), BENCH_STALL seconds (10),
// BENCH_ONLY=zr|mr|mb runs one of the three (the others report 0).
// With BENCH_W above ~500 the libzmq ROUTER drops replies (a full pipe to a
// DEALER drops without ZMQ_ROUTER_MANDATORY) and that run stalls.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono;
namespace mq = caf::monocoque;

namespace {

using clk = steady_clock;

constexpr size_t msg_size = 64;

size_t env_or(const char* name, size_t fallback) {
  if (auto* env = std::getenv(name))
    return std::stoul(env);
  return fallback;
}

struct params {
  size_t n = 200000;
  size_t dealers = 10;
  size_t window = 100;
  uint64_t credit = 256;
  size_t batch = 64;
  seconds stall{10};
};

// -- the clients --------------------------------------------------------------

struct client_result {
  bool ok = false;
  double rate = 0;           // echoed messages per second
  std::string what;          // why not ok
  std::vector<size_t> sent;  // per dealer
  std::vector<size_t> recvd; // per dealer
  size_t bad = 0;            // replies with a wrong dealer or sequence number
  size_t eagain = 0;         // sends libzmq refused (retried)
  double avg_batch = 0;      // messages per send request of the echo actor
  double cpu_us = 0;         // process CPU time per echoed message (us)
};

// User + system CPU time of the whole process in microseconds.
double process_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto us = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e6
           + static_cast<double>(tv.tv_usec);
  };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

void fill(uint8_t* buf, uint32_t dealer, uint64_t seq) {
  std::memset(buf, 'x', msg_size);
  std::memcpy(buf, &seq, sizeof(seq));
  std::memcpy(buf + sizeof(seq), &dealer, sizeof(dealer));
}

// Connects `p.dealers` DEALERs to `endpoint`, makes one round trip on each
// (the connections and handshakes are done), then keeps `p.window` requests
// in flight per dealer until `p.n` replies arrived. The clock runs from the
// first request after the warm-up to the last reply.
client_result run_clients(zmq::context_t& ctx, const std::string& endpoint,
                          const params& p) {
  client_result res;
  auto nd = p.dealers;
  auto quota = p.n / nd;
  std::vector<zmq::socket_t> socks;
  for (size_t i = 0; i < nd; ++i) {
    socks.emplace_back(ctx, zmq::socket_type::dealer);
    socks.back().set(zmq::sockopt::linger, 0);
    socks.back().connect(endpoint);
  }
  std::vector<zmq::pollitem_t> items;
  for (auto& s : socks)
    items.push_back({s.handle(), 0, ZMQ_POLLIN, 0});
  res.sent.assign(nd, 0);
  res.recvd.assign(nd, 0);
  std::vector<uint64_t> expect(nd, 0);
  uint8_t buf[msg_size];
  // Sends owed by dealer: libzmq refuses a send (EAGAIN) when its pipe is
  // full, which its lazy HWM accounting reports early, even below SNDHWM
  // (seen from ~900 in flight); such a send is retried after the next poll.
  std::vector<size_t> owed(nd, 0);
  size_t total_owed = 0;
  auto send_one = [&](size_t i) {
    fill(buf, static_cast<uint32_t>(i), res.sent[i]);
    if (socks[i].send(zmq::const_buffer{buf, msg_size},
                      zmq::send_flags::dontwait)) {
      ++res.sent[i];
      return true;
    }
    ++owed[i];
    ++total_owed;
    ++res.eagain;
    return false;
  };
  auto pay_owed = [&] {
    for (size_t i = 0; i < nd && total_owed > 0; ++i)
      while (owed[i] > 0) {
        --owed[i];
        --total_owed;
        if (!send_one(i))
          break;
      }
  };
  auto poll_ms = [&] {
    return total_owed > 0 ? milliseconds(1) : milliseconds(100);
  };
  // Drains the readable dealers; returns replies received. `refill` sends a
  // new request for each reply while the dealer's quota lasts.
  auto drain = [&](bool refill) {
    size_t got = 0;
    for (size_t i = 0; i < nd; ++i) {
      if (!(items[i].revents & ZMQ_POLLIN))
        continue;
      for (;;) {
        zmq::message_t m;
        if (!socks[i].recv(m, zmq::recv_flags::dontwait))
          break;
        uint64_t seq = ~uint64_t{0};
        uint32_t d = ~uint32_t{0};
        if (m.size() == msg_size) {
          std::memcpy(&seq, m.data(), sizeof(seq));
          std::memcpy(&d, static_cast<const uint8_t*>(m.data()) + sizeof(seq),
                      sizeof(d));
        }
        if (d != i || seq != expect[i]) {
          if (res.bad++ < 5)
            std::fprintf(stderr,
                         "dealer %zu: reply of %zu bytes, dealer %" PRIu32
                         ", seq %" PRIu64 ", expected seq %" PRIu64 "\n",
                         i, m.size(), d, seq, expect[i]);
        }
        expect[i] = seq + 1;
        ++res.recvd[i];
        ++got;
        if (refill && res.sent[i] + owed[i] < quota)
          send_one(i);
      }
    }
    return got;
  };
  // Warm-up: one round trip per dealer.
  for (size_t i = 0; i < nd; ++i)
    send_one(i);
  auto last = clk::now();
  size_t total = 0;
  while (total < nd) {
    zmq::poll(items.data(), items.size(), poll_ms());
    pay_owed();
    auto got = drain(false);
    total += got;
    if (got > 0)
      last = clk::now();
    else if (clk::now() - last > p.stall) {
      res.what = "stalled in the warm-up (connect + 1 round trip per dealer)";
      return res;
    }
  }
  if (res.bad > 0) {
    res.what = "wrong replies in the warm-up";
    return res;
  }
  // The measured part: quota requests per dealer, window in flight.
  quota += 1; // the warm-up message counts against nothing
  auto t0 = clk::now();
  auto cpu0 = process_cpu_us();
  for (size_t i = 0; i < nd; ++i)
    for (size_t k = 0; k < p.window && res.sent[i] + owed[i] < quota; ++k)
      send_one(i);
  auto target = nd * quota;
  last = clk::now();
  while (total < target) {
    zmq::poll(items.data(), items.size(), poll_ms());
    pay_owed();
    auto got = drain(true);
    total += got;
    if (got > 0) {
      last = clk::now();
    } else if (clk::now() - last > p.stall) {
      res.what = "stalled: no reply for "
                 + std::to_string(p.stall.count()) + " s";
      return res;
    }
  }
  auto t1 = clk::now();
  res.rate = static_cast<double>(target - nd)
             / duration<double>(t1 - t0).count();
  res.cpu_us = (process_cpu_us() - cpu0) / static_cast<double>(target - nd);
  if (res.eagain > 0)
    std::printf("  (libzmq refused %zu DEALER sends with EAGAIN; retried)\n",
                res.eagain);
  res.ok = res.bad == 0;
  if (!res.ok)
    res.what = std::to_string(res.bad) + " wrong replies";
  return res;
}

void print_failure(const char* who, const client_result& r) {
  std::printf("\n%s: %s\n", who, r.what.c_str());
  size_t sent = 0, recvd = 0;
  for (size_t i = 0; i < r.sent.size(); ++i) {
    std::printf("  dealer %zu: sent %zu, received %zu, missing %zu\n", i,
                r.sent[i], r.recvd[i], r.sent[i] - r.recvd[i]);
    sent += r.sent[i];
    recvd += r.recvd[i];
  }
  std::printf("  total: sent %zu, received %zu, missing %zu, wrong %zu, "
              "sends retried after EAGAIN %zu\n",
              sent, recvd, sent - recvd, r.bad, r.eagain);
}

// -- libzmq ROUTER ------------------------------------------------------------

// What one run measured.
struct run_result {
  double rate = 0;      // echoed messages per second
  double cpu_us = 0;    // process CPU time per message (us), clients included
  double avg_batch = 0; // messages per send request (our echo actor)
};

run_result libzmq_router(zmq::context_t& cctx, const params& p) {
  zmq::context_t sctx; // its own I/O thread, like a separate server process
  zmq::socket_t sock{sctx, zmq::socket_type::router};
  sock.set(zmq::sockopt::linger, 0);
  sock.set(zmq::sockopt::rcvtimeo, 100);
  sock.bind("tcp://127.0.0.1:0");
  auto endpoint = sock.get(zmq::sockopt::last_endpoint);
  std::atomic<bool> stop{false};
  std::thread thr{[&] {
    std::vector<zmq::message_t> parts;
    while (!stop.load(std::memory_order_relaxed)) {
      parts.clear();
      if (!zmq::recv_multipart(sock, std::back_inserter(parts)))
        continue; // timeout: check the flag
      zmq::send_multipart(sock, parts);
    }
  }};
  auto r = run_clients(cctx, endpoint, p);
  stop = true;
  thr.join();
  if (!r.ok) {
    print_failure("libzmq ROUTER", r);
    std::fflush(stdout);
    std::_Exit(3);
  }
  return {r.rate, r.cpu_us, 1.0};
}

// -- monocoque ROUTER ---------------------------------------------------------

struct echo_state {
  std::vector<mq::multipart> batch;
  bool tick_pending = false;
  uint64_t msgs = 0;
  uint64_t sends = 0; // send requests (batches)
  uint64_t errors = 0;
  static inline const char* name = "bench.echo";
};

// The echo service as a user would write it: take pushed messages (the first
// frame names the peer) and send each one back; the `ok` of a send returns
// the delivery credit it used, so at most `credit` replies are unacknowledged
// and the socket buffers the rest (within RCVHWM).
caf::behavior echo_fun(caf::stateful_actor<echo_state>* self,
                       mq::router_actor router, uint64_t credit,
                       size_t max_batch) {
  self->send(router, mq::deliver_atom::value, caf::actor{self}, credit);
  auto on_err = [self](caf::error& err) {
    if (self->state.errors++ < 5)
      std::fprintf(stderr, "echo: send failed: %s\n",
                   self->system().render(err).c_str());
  };
  auto flush = [self, router, on_err, max_batch] {
    auto& b = self->state.batch;
    auto k = static_cast<uint64_t>(b.size());
    ++self->state.sends;
    self->request(router, caf::infinite, mq::send_atom::value, std::move(b))
      .then(
        [self, router, k](caf::ok_atom) {
          self->send(router, mq::credit_atom::value, k);
        },
        on_err);
    b = std::vector<mq::multipart>{};
    b.reserve(max_batch);
  };
  auto counters = [self](caf::get_atom) -> caf::result<uint64_t, uint64_t> {
    return {self->state.msgs, self->state.sends};
  };
  if (max_batch <= 1)
    return {
      [self, router, on_err](mq::message_atom, mq::multipart& msg) {
        ++self->state.msgs;
        ++self->state.sends;
        self->request(router, caf::infinite, mq::send_atom::value,
                      std::move(msg))
          .then(
            [self, router](caf::ok_atom) {
              self->send(router, mq::credit_atom::value, uint64_t{1});
            },
            on_err);
      },
      counters,
    };
  self->state.batch.reserve(max_batch);
  return {
    [self, max_batch, flush](mq::message_atom, mq::multipart& msg) {
      auto& st = self->state;
      ++st.msgs;
      st.batch.push_back(std::move(msg));
      // End of this drain: nothing else waits in the mailbox. Otherwise a
      // tick queued behind what waits closes the drain (what waits may be
      // no message at all, e.g. `ok`s).
      if (st.batch.size() >= max_batch || self->mailbox().empty()) {
        flush();
      } else if (!st.tick_pending) {
        st.tick_pending = true;
        self->send(self, caf::tick_atom::value);
      }
    },
    [self, flush](caf::tick_atom) {
      self->state.tick_pending = false;
      if (!self->state.batch.empty())
        flush();
    },
    counters,
  };
}

run_result monocoque_router(caf::actor_system& sys, zmq::context_t& cctx,
                            const params& p, size_t max_batch) {
  auto router = mq::spawn_router(sys);
  caf::scoped_actor self{sys};
  std::string endpoint;
  std::string err;
  self->request(router, seconds(5), mq::bind_atom::value,
                std::string{"tcp://127.0.0.1:0"})
    .receive([&](std::string& ep) { endpoint = std::move(ep); },
             [&](caf::error& e) { err = sys.render(e); });
  if (endpoint.empty()) {
    std::printf("monocoque ROUTER: bind failed: %s\n", err.c_str());
    std::fflush(stdout);
    std::_Exit(3);
  }
  auto echo = sys.spawn(echo_fun, router, p.credit, max_batch);
  auto r = run_clients(cctx, endpoint, p);
  const char* who = max_batch <= 1 ? "monocoque ROUTER, per-message send"
                                   : "monocoque ROUTER, batched send";
  if (!r.ok) {
    print_failure(who, r);
    self->request(router, seconds(2), mq::stats_atom::value)
      .receive(
        [&](mq::socket_stats& st) {
          std::printf("  router stats: dropped %" PRIu64 ", refused %" PRIu64
                      ", pending %" PRIu64 "\n",
                      st.dropped, st.refused, st.pending);
          for (auto& ps : st.peers)
            std::printf("  peer key %" PRIu64 " epoch %" PRIu64
                        " up %d: in %" PRIu64 " out %" PRIu64
                        " in_queue %" PRIu64 " out_queue %" PRIu64
                        " drops %" PRIu64 "\n",
                        ps.key, ps.epoch, ps.up ? 1 : 0, ps.msgs_in,
                        ps.msgs_out, ps.in_queue, ps.out_queue, ps.drops);
        },
        [&](caf::error& e) {
          std::printf("  router stats: %s\n", sys.render(e).c_str());
        });
    std::fflush(stdout);
    std::_Exit(3); // the actors may be stuck: do not wait for them
  }
  self->request(echo, seconds(2), caf::get_atom::value)
    .receive(
      [&](uint64_t msgs, uint64_t sends) {
        r.avg_batch = sends > 0 ? static_cast<double>(msgs) / sends : 0;
      },
      [&](caf::error&) {});
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  bool closed = false;
  self->request(router, seconds(5), mq::close_atom::value)
    .receive([&](caf::ok_atom) { closed = true; },
             [&](caf::error& e) { err = sys.render(e); });
  if (!closed) {
    std::printf("%s: close failed: %s\n", who, err.c_str());
    std::fflush(stdout);
    std::_Exit(3);
  }
  return {r.rate, r.cpu_us, r.avg_batch};
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  params p;
  p.n = env_or("BENCH_N", p.n);
  p.dealers = std::max<size_t>(1, env_or("BENCH_DEALERS", p.dealers));
  p.window = std::max<size_t>(1, env_or("BENCH_W", p.window));
  p.credit = std::max<size_t>(1, env_or("BENCH_CREDIT", p.credit));
  p.batch = std::max<size_t>(2, env_or("BENCH_BATCH", p.batch));
  p.stall = seconds(env_or("BENCH_STALL", 10));
  size_t rounds = env_or("BENCH_ROUNDS", 5);
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  zmq::context_t cctx; // the clients' context, the same for every server
  std::string only = std::getenv("BENCH_ONLY") ? std::getenv("BENCH_ONLY") : "";
  struct series {
    const char* key;
    const char* label;
    std::vector<double> rate, cpu, batch;
  };
  series zr{"zr", "libzmq ROUTER", {}, {}, {}};
  series mr{"mr", "monocoque ROUTER, per-message send", {}, {}, {}};
  series mb{"mb", "monocoque ROUTER, batched send", {}, {}, {}};
  auto run = [&](series& s, auto f) {
    run_result r;
    if (only.empty() || only == s.key)
      r = f();
    s.rate.push_back(r.rate);
    s.cpu.push_back(r.cpu_us);
    s.batch.push_back(r.avg_batch);
  };
  std::printf("%zu DEALERs x %zu in flight, %zu B echo, %zu messages per "
              "run, credit %" PRIu64 ", batches up to %zu\n",
              p.dealers, p.window, msg_size, p.n / p.dealers * p.dealers,
              p.credit, p.batch);
  std::fflush(stdout);
  for (size_t i = 0; i < rounds; ++i) {
    run(zr, [&] { return libzmq_router(cctx, p); });
    run(mr, [&] { return monocoque_router(sys, cctx, p, 1); });
    run(mb, [&] { return monocoque_router(sys, cctx, p, p.batch); });
    std::printf("round %zu: libzmq %.0f msg/s, monocoque %.0f msg/s, "
                "batched %.0f msg/s (%.1f messages per send)\n",
                i + 1, zr.rate.back(), mr.rate.back(), mb.rate.back(),
                mb.batch.back());
    std::fflush(stdout);
  }
  std::printf("\nmedians of %zu interleaved rounds, ROUTER echo, %zu "
              "DEALERs x %zu in flight, 64 B, tcp loopback\n",
              rounds, p.dealers, p.window);
  std::printf("%-36s %10s %7s %14s %7s\n", "", "msg/s", "ratio",
              "CPU us/msg [1]", "ratio");
  auto base = median(zr.rate);
  auto base_cpu = median(zr.cpu);
  for (auto* s : {&zr, &mr, &mb}) {
    auto rate = median(s->rate);
    auto cpu = median(s->cpu);
    std::printf("%-36s %10.0f %7.2f %14.2f %7.2f\n", s->label, rate,
                base > 0 ? rate / base : 0.0, cpu,
                base_cpu > 0 ? cpu / base_cpu : 0.0);
  }
  std::printf("[1] CPU time of the whole process (the same libzmq DEALERs "
              "included) per echoed message\n");
  return 0;
}
