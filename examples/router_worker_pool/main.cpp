// router_worker_pool: a ROUTER whose requests are served by a pool of CAF
// worker actors, each reply routed back to the client that asked.
//
// Our router_actor pushes each request to a dispatcher actor, which hands it
// to four workers in turn. Three libzmq DEALER clients (threads) each send 25
// requests "client-K:i" and check that they get back exactly their answers
// "client-K:i=<i*i>". Exits 0; 1 with a message on failure or 5 s of silence.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <future>
#include <set>
#include <string>
#include <vector>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;
using work_atom = caf::atom_constant<caf::atom("work")>;
constexpr int clients = 3, requests = 25, pool_size = 4;

// A worker turns [routing id, "client-K:i"] into [routing id, "...=<i*i>"].
caf::behavior worker(caf::event_based_actor*, int /* index */) {
  return {[](work_atom, mq::multipart& msg) {
    auto body = msg.back().to_string();
    auto i = std::stoll(body.substr(body.find(':') + 1));
    msg.back() = mq::frame::from_string(body + "=" + std::to_string(i * i));
    return msg; // the routing id frame stays in front
  }};
}

struct dispatcher_state {
  std::vector<caf::actor> workers;
  size_t next = 0; // round robin: the worker that gets the next request
};

caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self,
                         mq::router_actor router) {
  self->link_to(router); // the router and the pool die with the dispatcher
  for (int i = 0; i < pool_size; ++i)
    self->state.workers.push_back(self->spawn<caf::linked>(worker, i));
  // Push delivery: the router sends (message_atom, multipart) while we hold
  // credit; each answered request gives one credit back.
  self->send(router, mq::deliver_atom::value,
             caf::actor_cast<caf::actor>(self), uint64_t{16});
  return {[=](mq::message_atom, mq::multipart& request) {
    auto& chosen = self->state.workers[self->state.next++ % pool_size];
    self->request(chosen, 5s, work_atom::value, request)
      .then([=](mq::multipart& reply) {
        self->request(router, 5s, mq::send_atom::value, reply)
          .then([](caf::ok_atom) {});
        self->send(router, mq::credit_atom::value, uint64_t{1});
      });
  }};
}

// A libzmq DEALER client; returns an empty string on success.
std::string client(zmq::context_t& ctx, const std::string& ep, int k) {
  auto name = "client-" + std::to_string(k);
  zmq::socket_t s{ctx, zmq::socket_type::dealer};
  s.set(zmq::sockopt::rcvtimeo, 5000);
  s.set(zmq::sockopt::linger, 0);
  s.connect(ep);
  std::set<std::string> expected;
  for (long i = 0; i < requests; ++i) {
    auto req = name + ":" + std::to_string(i);
    s.send(zmq::buffer(req), zmq::send_flags::none);
    expected.insert(req + "=" + std::to_string(i * i));
  }
  for (zmq::message_t reply; !expected.empty();) {
    if (!s.recv(reply))
      return name + ": no answer within 5 s";
    if (expected.erase(reply.to_string()) != 1)
      return name + ": foreign answer " + reply.to_string();
  }
  std::printf("%s: got exactly its %d answers\n", name.c_str(), requests);
  return {};
}

int main() { // hello_dealer shows command-line parsing too
  mq::config cfg;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::string failure, ep = "tcp://127.0.0.1:*"; // *: any free port
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };
  auto router = mq::spawn_router(sys);
  self->request(router, 5s, mq::bind_atom::value, ep)
    .receive([&](std::string& bound) { ep = bound; }, on_error);
  auto disp = sys.spawn(dispatcher, router);
  zmq::context_t ctx;
  std::vector<std::future<std::string>> clients_done;
  for (int k = 1; k <= clients && failure.empty(); ++k)
    clients_done.push_back(
      std::async(std::launch::async, client, std::ref(ctx), ep, k));
  for (auto& done : clients_done)
    if (auto err = done.get(); !err.empty())
      failure = err;
  self->send_exit(disp, caf::exit_reason::user_shutdown); // + router, pool
  if (!failure.empty())
    std::fprintf(stderr, "router_worker_pool: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
