// hello_dealer: the smallest complete caf-monocoque program.
//
// A libzmq ROUTER (cppzmq, in a thread of this program) plays the server and
// answers one request with "world". Our dealer_actor connects to it, sends
// "hello", waits for the reply and prints it:
//
//   libzmq ROUTER got 'hello' from 'hello-dealer'
//   dealer_actor got 'world'
//
// Exit code 0 on success; 1 with a message on failure or after 5 s without
// a reply.
//
// Why a plain main() and not CAF_MAIN(mq::module)? In CAF 0.17, CAF_MAIN
// ignores what caf_main returns and always exits with 0, so a failed run
// would look like a success. Loading the module by hand takes three lines.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  // 1. An actor system with the plugin loaded.
  mq::config cfg; // declares the --monocoque.* options
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "hello_dealer: %s\n", cfg.render(err).c_str());
    return 1;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  if (auto err = mq::module::from(sys)->status()) { // e.g. no io_uring
    std::fprintf(stderr, "hello_dealer: %s\n", sys.render(err).c_str());
    return 1;
  }

  // 2. The peer: a libzmq ROUTER on a free port, answering one request.
  zmq::context_t ctx;
  zmq::socket_t router{ctx, zmq::socket_type::router};
  router.set(zmq::sockopt::rcvtimeo, 5000); // never wait forever
  router.set(zmq::sockopt::linger, 0);
  router.bind("tcp://127.0.0.1:*");
  std::string endpoint = router.get(zmq::sockopt::last_endpoint);
  std::thread server{[&router] {
    std::vector<zmq::message_t> msg; // [routing id, "hello"]
    if (!zmq::recv_multipart(router, std::back_inserter(msg)))
      return; // timed out: the client reports the failure
    std::printf("libzmq ROUTER got '%s' from '%s'\n",
                msg.back().to_string().c_str(),
                msg.front().to_string().c_str());
    msg.back() = zmq::message_t{std::string{"world"}};
    zmq::send_multipart(router, msg); // the routing id picks the peer
  }};

  // 3. Our dealer_actor. Every verb is a CAF request; errors come back as
  //    caf::error of the "monocoque" category.
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.identity = "hello-dealer"; // the ROUTER sees this routing id
  auto dealer = mq::spawn_dealer(sys, opts);
  caf::scoped_actor self{sys};
  std::string failure;
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };
  self->request(dealer, 5s, mq::connect_atom::value, endpoint)
    .receive([](caf::ok_atom) {}, on_error);
  if (failure.empty()) // ok = queued; it leaves once the connection is up
    self->request(dealer, 5s, mq::send_atom::value, mq::make_message({"hello"}))
      .receive([](caf::ok_atom) {}, on_error);
  if (failure.empty()) // recv with a timeout, not a CAF request timeout
    self->request(dealer, caf::infinite, mq::recv_atom::value,
                  caf::timespan{5s})
      .receive(
        [&](mq::multipart& reply) {
          std::printf("dealer_actor got '%s'\n",
                      reply.back().to_string().c_str());
          if (reply.back().to_string() != "world")
            failure = "unexpected reply";
        },
        on_error);
  server.join();

  // 4. Close the socket (flushes, then the actor exits) and report.
  self->request(dealer, 5s, mq::close_atom::value)
    .receive([](caf::ok_atom) {}, on_error);
  if (!failure.empty()) {
    std::fprintf(stderr, "hello_dealer: %s\n", failure.c_str());
    return 1;
  }
  return 0;
}
