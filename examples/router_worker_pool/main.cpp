// router_worker_pool: a ROUTER whose requests are served by a pool of CAF
// worker actors, each reply routed back to the client that asked.
//
// Our router_actor binds. A dispatcher actor takes the requests from it (push
// delivery, with credit as flow control) and hands each to the least busy of
// four workers: ordinary CAF actors on CAF's scheduler. Three libzmq DEALER
// clients (threads) send "client-K:i" at once and expect exactly their own
// answers "client-K:i=i*i" back. It prints, for example:
//
//   client-1: all 25 answers are its own
//   ...
//   requests served per worker: 19 18 19 19 (75 in all)
//
// Exit code 0 on success; 1 with a message on failure or after 5 s without
// an answer.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;
using work_atom = caf::atom_constant<caf::atom("work")>;

constexpr int clients = 3, requests = 25, pool_size = 4;

// A worker answers [routing id, "client-K:i"] with [routing id, "...=i*i"].
caf::behavior worker(caf::event_based_actor*, int /* index */) {
  return {[](work_atom, mq::multipart& msg) {
    auto body = msg.back().to_string();
    auto i = std::stoll(body.substr(body.find(':') + 1));
    msg.back() = mq::frame::from_string(body + "=" + std::to_string(i * i));
    return msg; // the routing id frame stays in front
  }};
}

struct dispatcher_state {
  std::vector<int> busy, served; // per worker
  static inline const char* name = "dispatcher";
};

caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self,
                         mq::router_actor router,
                         std::vector<caf::actor> workers) {
  self->state.busy.resize(workers.size());
  self->state.served.resize(workers.size());
  // Push style: the router sends us (message_atom, multipart) while we hold
  // credit; we return one credit per answered request.
  self->send(router, mq::deliver_atom::value,
             caf::actor_cast<caf::actor>(self), uint64_t{16});
  return {
    [=](mq::message_atom, mq::multipart& request) {
      auto& busy = self->state.busy;
      auto w = size_t(std::min_element(busy.begin(), busy.end()) - busy.begin());
      ++busy[w];
      self->request(workers[w], 5s, work_atom::value, std::move(request))
        .then([=](mq::multipart& reply) {
          --self->state.busy[w];
          ++self->state.served[w];
          self->request(router, 5s, mq::send_atom::value, std::move(reply))
            .then([](caf::ok_atom) {});
          self->send(router, mq::credit_atom::value, uint64_t{1});
        });
    },
    [=](caf::get_atom) { return self->state.served; },
  };
}

// A libzmq DEALER client; returns an empty string on success.
std::string client(zmq::context_t& ctx, const std::string& ep, int k) {
  auto name = "client-" + std::to_string(k);
  zmq::socket_t s{ctx, zmq::socket_type::dealer};
  s.set(zmq::sockopt::routing_id, name);
  s.set(zmq::sockopt::rcvtimeo, 5000);
  s.set(zmq::sockopt::linger, 0);
  s.connect(ep);
  std::set<std::string> expected;
  for (long i = 0; i < requests; ++i) {
    s.send(zmq::buffer(name + ":" + std::to_string(i)), zmq::send_flags::none);
    expected.insert(name + ":" + std::to_string(i) + "=" + std::to_string(i * i));
  }
  for (zmq::message_t reply; !expected.empty();) {
    if (!s.recv(reply))
      return name + ": no answer within 5 s";
    if (expected.erase(reply.to_string()) != 1)
      return name + ": unexpected answer '" + reply.to_string() + "'";
  }
  std::printf("%s: all %d answers are its own\n", name.c_str(), requests);
  return {};
}

int main(int argc, char** argv) {
  mq::config cfg;
  if (cfg.parse(argc, argv) || cfg.cli_helptext_printed)
    return cfg.cli_helptext_printed ? 0 : 1;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::string failure, ep;
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };
  auto router = mq::spawn_router(sys);
  self->request(router, 5s, mq::bind_atom::value, std::string{"tcp://127.0.0.1:*"})
    .receive([&](std::string& bound) { ep = bound; }, on_error);
  std::vector<caf::actor> workers;
  for (int i = 0; i < pool_size; ++i)
    workers.push_back(sys.spawn(worker, i));
  auto disp = sys.spawn(dispatcher, router, workers);
  zmq::context_t ctx;
  std::vector<std::string> results(clients);
  std::vector<std::thread> threads;
  for (int k = 1; k <= clients && failure.empty(); ++k)
    threads.emplace_back([&, k] { results[k - 1] = client(ctx, ep, k); });
  for (auto& t : threads)
    t.join();
  for (auto& r : results)
    if (!r.empty() && failure.empty())
      failure = r;
  self->request(disp, 5s, caf::get_atom::value)
    .receive([&](std::vector<int>& served) {
      int sum = 0;
      std::printf("requests served per worker:");
      for (auto n : served)
        sum += n, std::printf(" %d", n);
      std::printf(" (%d in all)\n", sum);
      if (failure.empty() && sum != clients * requests)
        failure = "the workers served " + std::to_string(sum) + " requests";
    }, on_error);
  self->request(router, 5s, mq::close_atom::value)
    .receive([](caf::ok_atom) {}, on_error);
  self->send_exit(disp, caf::exit_reason::user_shutdown);
  for (auto& w : workers)
    self->send_exit(w, caf::exit_reason::user_shutdown);
  if (!failure.empty())
    std::fprintf(stderr, "router_worker_pool: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
