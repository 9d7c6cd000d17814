// bench-dealer: DEALER <-> ROUTER round-trip latency and one-way throughput
// at 64 B over tcp loopback, through caf::monocoque::dealer_actor and, in the
// same run, between two libzmq sockets. The ROUTER peer is a libzmq socket in
// both cases. Runs interleave (libzmq, monocoque, libzmq, ...) and the
// summary reports medians and ratios. CAF options pass through, e.g.
//   bench-dealer --scheduler.max-threads=2
// Environment: BENCH_ROUNDS (5), BENCH_N round trips (5000), BENCH_T
// messages per throughput run (500000).
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono;
namespace mq = caf::monocoque;

namespace {

using clk = steady_clock;

struct echo_router {
  zmq::socket_t sock;
  std::string endpoint;
  std::thread thr;
  echo_router(zmq::context_t& ctx) : sock(ctx, zmq::socket_type::router) {
    sock.set(zmq::sockopt::sndhwm, 0);
    sock.set(zmq::sockopt::rcvhwm, 0);
    sock.bind("tcp://127.0.0.1:0");
    endpoint = sock.get(zmq::sockopt::last_endpoint);
  }
  // Echoes `n` messages back to their sender.
  void echo(size_t n) {
    thr = std::thread{[this, n] {
      for (size_t i = 0; i < n; ++i) {
        std::vector<zmq::message_t> parts;
        if (!zmq::recv_multipart(sock, std::back_inserter(parts)))
          return;
        zmq::send_multipart(sock, parts);
      }
    }};
  }
  // Swallows `n` messages.
  void sink(size_t n) {
    thr = std::thread{[this, n] {
      for (size_t i = 0; i < n; ++i) {
        std::vector<zmq::message_t> parts;
        if (!zmq::recv_multipart(sock, std::back_inserter(parts)))
          return;
      }
    }};
  }
  void join() {
    if (thr.joinable())
      thr.join();
  }
};

double libzmq_latency(zmq::context_t& ctx, size_t n) {
  echo_router r{ctx};
  zmq::socket_t d{ctx, zmq::socket_type::dealer};
  d.connect(r.endpoint);
  std::string payload(64, 'x');
  // warm-up: the connection
  r.echo(n + 1);
  d.send(zmq::buffer(payload));
  zmq::message_t m;
  (void) d.recv(m);
  auto t0 = clk::now();
  for (size_t i = 0; i < n; ++i) {
    d.send(zmq::buffer(payload));
    (void) d.recv(m);
  }
  auto t1 = clk::now();
  r.join();
  return duration<double, std::micro>(t1 - t0).count() / n;
}

double libzmq_throughput(zmq::context_t& ctx, size_t n) {
  echo_router r{ctx};
  zmq::socket_t d{ctx, zmq::socket_type::dealer};
  d.set(zmq::sockopt::sndhwm, 0);
  d.connect(r.endpoint);
  std::string payload(64, 'x');
  r.sink(n + 1);
  d.send(zmq::buffer(payload)); // connect before timing
  std::this_thread::sleep_for(milliseconds(50));
  auto t0 = clk::now();
  for (size_t i = 0; i < n; ++i)
    d.send(zmq::buffer(payload));
  r.join();
  auto t1 = clk::now();
  return n / duration<double>(t1 - t0).count();
}

// Round trips through a dealer_actor: a ping-pong actor sends, waits for
// the pushed reply (credit 1), sends again.
double monocoque_latency(caf::actor_system& sys, zmq::context_t& ctx,
                         size_t n) {
  echo_router r{ctx};
  r.echo(n + 1);
  auto d = mq::spawn_dealer(sys);
  caf::scoped_actor self{sys};
  self->request(d, seconds(5), mq::connect_atom::value, r.endpoint)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  auto payload = mq::frame::from_string(std::string(64, 'x'));
  caf::actor me = self;
  sys.spawn([=](caf::event_based_actor* p) -> caf::behavior {
    auto left = std::make_shared<size_t>(n + 1);
    auto t0 = std::make_shared<clk::time_point>();
    p->send(d, mq::deliver_atom::value, caf::actor{p}, uint64_t{1});
    p->request(d, caf::infinite, mq::send_atom::value, mq::multipart{payload})
      .then([](caf::ok_atom) {}, [](caf::error&) {});
    return {
      [=](mq::message_atom, mq::multipart&) {
        if (*left == n + 1)
          *t0 = clk::now(); // first reply: the connection is warm
        if (--*left == 0) {
          p->send(me, duration<double, std::micro>(clk::now() - *t0).count()
                        / static_cast<double>(n));
          p->quit();
          return;
        }
        p->send(d, mq::credit_atom::value, uint64_t{1});
        p->request(d, caf::infinite, mq::send_atom::value,
                   mq::multipart{payload})
          .then([](caf::ok_atom) {}, [](caf::error&) {});
      },
    };
  });
  double result = -1;
  self->receive([&](double x) { result = x; },
                caf::after(seconds(60)) >> [] {});
  r.join();
  self->request(d, seconds(5), mq::close_atom::value)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  return result;
}

// One-way throughput: a sender actor keeps `window` send requests in flight
// (the reply is the backpressure signal), each with one message or, with
// `batch` > 1, `(send_atom, std::vector<multipart>)` of `batch` messages; a
// libzmq ROUTER counts what arrives and stops the clock.
double monocoque_throughput(caf::actor_system& sys, zmq::context_t& ctx,
                            size_t n, size_t batch, size_t window) {
  auto requests = n / batch;
  n = requests * batch; // whole batches only
  echo_router r{ctx};
  r.sink(n + 1);
  auto d = mq::spawn_dealer(sys);
  caf::scoped_actor self{sys};
  self->request(d, seconds(5), mq::connect_atom::value, r.endpoint)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  auto payload = mq::frame::from_string(std::string(64, 'x'));
  self->request(d, seconds(5), mq::send_atom::value, mq::multipart{payload})
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  std::this_thread::sleep_for(milliseconds(50));
  auto t0 = clk::now();
  caf::actor me = self;
  sys.spawn([=](caf::event_based_actor* p) -> caf::behavior {
    auto sent = std::make_shared<size_t>(0);
    auto acked = std::make_shared<size_t>(0);
    auto push = std::make_shared<std::function<void()>>();
    *push = [=] {
      while (*sent < requests && *sent - *acked < window) {
        ++*sent;
        auto on_ok = [=](caf::ok_atom) {
          if (++*acked == requests) {
            p->send(me, caf::ok_atom::value);
            p->quit();
            return;
          }
          (*push)();
        };
        auto on_err = [=](caf::error&) { p->quit(); };
        if (batch == 1)
          p->request(d, caf::infinite, mq::send_atom::value,
                     mq::multipart{payload})
            .then(on_ok, on_err);
        else
          p->request(d, caf::infinite, mq::send_atom::value,
                     std::vector<mq::multipart>(batch, mq::multipart{payload}))
            .then(on_ok, on_err);
      }
    };
    (*push)();
    // The closure refers to itself: break the cycle when the actor ends.
    p->attach_functor([push] { *push = nullptr; });
    return {[](caf::tick_atom) {}}; // stay alive for the replies
  });
  self->receive([](caf::ok_atom) {}, caf::after(seconds(60)) >> [] {});
  r.join();
  auto t1 = clk::now();
  self->request(d, seconds(5), mq::close_atom::value)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  return n / duration<double>(t1 - t0).count();
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  size_t rounds = 5;
  size_t lat_n = 5000;
  if (auto* env = std::getenv("BENCH_N"))
    lat_n = std::stoul(env);
  size_t thr_n = 500000;
  if (auto* env = std::getenv("BENCH_T"))
    thr_n = std::stoul(env);
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (auto* env = std::getenv("BENCH_ROUNDS"))
    rounds = std::stoul(env);
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  zmq::context_t ctx;
  std::vector<double> zl, ml, zt, mt, mb;
  // BENCH_ONLY=NAME runs one measurement (zl, ml, zt, mt, mb), e.g. to count
  // its syscalls with strace -c; the others report 0.
  std::string only = std::getenv("BENCH_ONLY") ? std::getenv("BENCH_ONLY") : "";
  auto run = [&](const char* name, std::vector<double>& xs, auto f) {
    xs.push_back(only.empty() || only == name ? f() : 0.0);
  };
  for (size_t i = 0; i < rounds; ++i) {
    run("zl", zl, [&] { return libzmq_latency(ctx, lat_n); });
    run("ml", ml, [&] { return monocoque_latency(sys, ctx, lat_n); });
    run("zt", zt, [&] { return libzmq_throughput(ctx, thr_n); });
    run("mt", mt, [&] { return monocoque_throughput(sys, ctx, thr_n, 1, 1000); });
    run("mb", mb, [&] {
      return monocoque_throughput(sys, ctx, thr_n, 64, 16);
    });
    std::printf("round %zu: rtt libzmq %.1f us, monocoque %.1f us | "
                "thr libzmq %.0f msg/s, monocoque %.0f msg/s, "
                "batched %.0f msg/s\n",
                i + 1, zl.back(), ml.back(), zt.back(), mt.back(),
                mb.back());
  }
  auto a = median(zl), b = median(ml), c = median(zt), e = median(mt);
  auto f = median(mb);
  std::printf("\nmedians of %zu interleaved rounds, 64 B, tcp loopback\n",
              rounds);
  std::printf("%-28s %12s %12s %8s\n", "", "libzmq", "monocoque", "ratio");
  std::printf("%-28s %12.1f %12.1f %8.2f\n", "round trip (us, lower=better)",
              a, b, b / a);
  std::printf("%-28s %12.0f %12.0f %8.2f\n", "one-way (msg/s, higher=better)",
              c, e, e / c);
  std::printf("%-28s %12.0f %12.0f %8.2f\n", "one-way, 64-message batches",
              c, f, f / c);
  return 0;
}
