// mt_server: the ZeroMQ guide's multithreaded server ("mtserver", chapter 2),
// with CAF actors in place of threads.
//
//   libzmq REQ clients --tcp--> ROUTER --proxy--> DEALER --inproc--> N x REP
//                                (frontend)        (backend)        (workers)
//
// - The frontend is our router_actor, bound on tcp (the port given on the
//   command line, or a free one). Clients are any ZeroMQ REQ (or DEALER)
//   sockets: libzmq, pyzmq, JeroMQ, ours.
// - The backend is our dealer_actor, bound on `inproc://workers`: sockets of
//   this actor system reach it without the kernel, and frames cross as the
//   same refcounted buffers (no copy, no encoding).
// - Each worker is an ordinary CAF actor on CAF's scheduler (not a thread)
//   holding its own rep_actor, connected to `inproc://workers`.
// - `spawn_proxy` moves requests frontend -> backend and replies back, like
//   `zmq_proxy`. The DEALER hands requests to the workers round robin; the
//   ROUTER's routing id and the REQ's empty delimiter travel in front of
//   each request, the REP keeps them and puts them back on its reply, so
//   the ROUTER returns each reply to the client that asked.
//
// Usage: mt_server [PORT] [WORKERS] [--monocoque.NAME=VALUE ...]
//   PORT     tcp port on 127.0.0.1 (0: a free one, the default); a full
//            endpoint (tcp://*:5555) works too. The bound endpoint is printed.
//   WORKERS  number of REP workers (default 5, as in the guide).
// Runs until SIGINT or SIGTERM, then stops the proxy, closes its sockets,
// prints what the proxy moved and exits 0 (1 on a setup error).
//
// Try it: `build/bin/mt_server 5555`, then in another terminal
//   /usr/bin/python3 -c 'import zmq; s=zmq.Context().socket(zmq.REQ);
//     s.connect("tcp://127.0.0.1:5555"); s.send(b"Hello"); print(s.recv())'
// CTest `example_mt_server` runs it against concurrent pyzmq REQ clients
// (examples/mt_server/clients_test.py).
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

namespace {

/// The name the backend binds and the workers connect to. Any non-empty
/// string; it is known only inside this actor system.
const std::string workers_ep = "inproc://workers";

/// A worker tells itself that its "work" on a request is done.
using done_atom = caf::atom_constant<caf::atom("done")>;

/// Socket options: the configured defaults (`--monocoque.*`) with a bounded
/// linger, so that shutting down never waits for a client that went away.
mq::socket_options options(caf::actor_system& sys) {
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.linger = 1s;
  return opts;
}

// -- the workers --------------------------------------------------------------

struct worker_state {
  mq::rep_actor rep;
  static inline const char* name = "mt_server.worker";
};

/// A REP worker: receives "REQUEST", and after a moment of "work" (a
/// delayed message to itself: an actor never sleeps, so its thread serves
/// other actors meanwhile) replies "REQUEST -> worker ID". The REP socket
/// hides the envelope: it yields the body and routes the next send back.
caf::behavior worker(caf::stateful_actor<worker_state>* self, int id) {
  auto& rep = self->state.rep =
      mq::spawn_rep(self->system(), options(self->system()));
  // The socket is ours alone: when this actor exits, its handle goes and the
  // socket closes (with its linger). If the socket dies, so does the worker.
  self->monitor(rep);
  self->set_down_handler([self](caf::down_msg& dm) { self->quit(dm.reason); });
  // inproc connects like tcp, and may even come before the bind.
  self->request(rep, 5s, mq::connect_atom::value, workers_ep)
      .then([](caf::ok_atom) {}, [self](caf::error& err) { self->quit(err); });
  // Push delivery: the socket sends us (message_atom, multipart) while we
  // hold credit. A REP hands out the next request only after our reply.
  self->send(rep, mq::deliver_atom::value, caf::actor_cast<caf::actor>(self),
             uint64_t{1});
  return {
      [self](mq::message_atom, mq::multipart& request) {
        auto body =
            request.empty() ? std::string{} : request.back().to_string();
        self->delayed_send(self, 1ms, done_atom::value, body);
      },
      [self, id](done_atom, const std::string& body) {
        auto reply =
            mq::make_message({body + " -> worker " + std::to_string(id)});
        // The reply to send_atom is the backpressure signal; then one more
        // credit: we are ready for the next request.
        self->request(self->state.rep, 5s, mq::send_atom::value,
                      std::move(reply))
            .then(
                [self](caf::ok_atom) {
                  self->send(self->state.rep, mq::credit_atom::value,
                             uint64_t{1});
                },
                [self](caf::error& err) { self->quit(err); });
      },
  };
}

// -- small helpers for main ---------------------------------------------------

/// Blocks SIGINT and SIGTERM in this thread and every thread started after
/// (CAF's and the plugin's), so that main() can wait for them with sigwait.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

/// Waits (at most `limit`) until `sock` has `n` peers whose handshake is
/// done: inproc peers count like tcp ones.
bool wait_for_peers(caf::scoped_actor& self, const mq::dealer_actor& sock,
                    uint64_t n, caf::timespan limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    uint64_t up = 0;
    self->request(sock, 1s, mq::status_atom::value)
        .receive([&](uint64_t x) { up = x; }, [](caf::error&) {});
    if (up >= n)
      return true;
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
}

} // namespace

int main(int argc, char** argv) {
  // Our positional arguments; the options (--...) are CAF's and the plugin's.
  std::vector<std::string> args, caf_args;
  for (int i = 1; i < argc; ++i)
    (argv[i][0] == '-' ? caf_args : args).emplace_back(argv[i]);
  std::string frontend_ep = "tcp://127.0.0.1:*"; // *: any free port
  int workers = 5;
  try {
    if (!args.empty())
      frontend_ep =
          args[0].find("://") != std::string::npos
              ? args[0]
              : "tcp://127.0.0.1:" + std::to_string(std::stoi(args[0]));
    if (args.size() > 1)
      workers = std::stoi(args[1]);
  } catch (const std::exception&) {
    workers = 0;
  }
  if (args.size() > 2 || workers < 1) {
    std::fprintf(stderr, "usage: mt_server [PORT] [WORKERS] [--monocoque.*]\n");
    return 1;
  }
  auto stop_signals = block_stop_signals(); // before any thread starts

  mq::config cfg;
  if (auto err = cfg.parse(caf_args)) {
    std::fprintf(stderr, "mt_server: %s\n", cfg.render(err).c_str());
    return 1;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  if (auto err = mq::module::from(sys)->status()) {
    std::fprintf(stderr, "mt_server: %s\n", sys.render(err).c_str());
    return 1;
  }
  caf::scoped_actor self{sys};
  std::string failure;
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };

  // 1. The frontend, for the clients: a ROUTER on tcp.
  auto frontend = mq::spawn_router(sys, options(sys));
  self->request(frontend, 5s, mq::bind_atom::value, frontend_ep)
      .receive([&](std::string& bound) { frontend_ep = bound; }, on_error);

  // 2. The backend, for the workers: a DEALER on inproc.
  auto backend = mq::spawn_dealer(sys, options(sys));
  if (failure.empty())
    self->request(backend, 5s, mq::bind_atom::value, workers_ep)
        .receive([](std::string&) {}, on_error);

  // 3. The workers connect to the backend. Waiting for all of them is not
  //    needed (a DEALER queues until a peer is up), but it spreads the very
  //    first requests over all of them.
  std::vector<caf::actor> pool;
  for (int i = 1; i <= workers && failure.empty(); ++i)
    pool.push_back(sys.spawn(worker, i));
  if (failure.empty() && !wait_for_peers(self, backend, pool.size(), 5s))
    failure = "the workers did not connect to " + workers_ep + " within 5 s";

  // 4. The proxy between them (zmq_proxy).
  mq::proxy_actor proxy;
  if (failure.empty()) {
    if (auto spawned = mq::spawn_proxy(sys, frontend, backend))
      proxy = *spawned;
    else
      failure = sys.render(spawned.error());
  }
  if (!failure.empty()) {
    std::fprintf(stderr, "mt_server: %s\n", failure.c_str());
    for (auto& w : pool) // the sockets close when their last handle goes
      self->send_exit(w, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::printf("mt_server: ROUTER on %s, DEALER on %s, %d REP workers "
              "(SIGINT or SIGTERM stops)\n",
              frontend_ep.c_str(), workers_ep.c_str(), workers);
  std::fflush(stdout);

  // 5. Serve until told to stop.
  int signo = 0;
  sigwait(&stop_signals, &signo);

  // 6. Shut down: the proxy first (it hands on what it holds), then the
  //    frontend (replies still queued go out within the linger), the
  //    workers (each one's REP socket closes with it) and the backend.
  mq::proxy_stats moved;
  self->request(proxy, 5s, mq::stats_atom::value)
      .receive([&](mq::proxy_stats& x) { moved = x; }, [](caf::error&) {});
  self->request(proxy, 5s, mq::terminate_atom::value)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  self->request(frontend, 5s, mq::close_atom::value)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  for (auto& w : pool)
    self->send_exit(w, caf::exit_reason::user_shutdown);
  self->request(backend, 5s, mq::close_atom::value)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  std::printf("mt_server: stopped by %s: the proxy forwarded %llu request(s) "
              "and %llu reply(ies)\n",
              signo == SIGINT ? "SIGINT" : "SIGTERM",
              static_cast<unsigned long long>(moved.frontend.msgs_in),
              static_cast<unsigned long long>(moved.backend.msgs_in));
  return 0; // ~actor_system waits for every actor to finish
}
