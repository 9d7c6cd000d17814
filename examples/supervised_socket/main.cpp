// supervised_socket: a supervisor monitors a socket actor, sees it fail with
// a typed reason, replaces it, and traffic with a libzmq peer resumes.
//
// main() is the supervisor. A handler actor linked to our router_actor answers
// "job-N" with "done job-N"; "poison" makes it quit with the typed error
// app_errc::poison_message, and the link takes the socket down with it. The
// down_msg shows that reason; the supervisor binds a new socket + handler to
// the same port, and the libzmq DEALER peer reconnects by itself.
// Exits 0 on success; 1 with a message on failure or 5 s without progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <thread>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

// An application error code; make_error turns it into a typed caf::error.
enum class app_errc : uint8_t { poison_message = 1 };
caf::error make_error(app_errc x) {
  return {static_cast<uint8_t>(x), caf::atom("app")};
}

// The application's handler, linked: if one of the two fails, both do.
caf::behavior handler(caf::event_based_actor* self, mq::router_actor sock) {
  self->link_to(sock);
  self->send(sock, mq::deliver_atom::value, caf::actor_cast<caf::actor>(self),
             uint64_t{8}); // push delivery, 8 messages of credit
  return {[=](mq::message_atom, mq::multipart& msg) { // [routing id, body]
    auto body = msg.back().to_string();
    if (body == "poison")
      return self->quit(app_errc::poison_message);
    msg.back() = mq::frame::from_string("done " + body);
    self->request(sock, 5s, mq::send_atom::value, std::move(msg))
      .then([](caf::ok_atom) {});
    self->send(sock, mq::credit_atom::value, uint64_t{1});
  }};
}

int main() { // hello_dealer shows command-line parsing too
  mq::config cfg;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys}; // the supervisor
  std::string failure, ep = "tcp://127.0.0.1:*"; // the real port once bound
  mq::router_actor sock; // held: CAF kills an actor that nobody references
  caf::actor app;        // the current handler
  auto start = [&] { // a fresh socket + handler pair, monitored, then bound
    sock = mq::spawn_router(sys);
    app = sys.spawn(handler, sock);
    self->monitor(sock);
    caf::error err = mq::errc::bind_failed;
    for (int tries = 0; tries < 40 && err == mq::errc::bind_failed; ++tries) {
      std::this_thread::sleep_for(50ms); // an old listener may hold the port
      err = caf::none;
      self->request(sock, 5s, mq::bind_atom::value, ep)
        .receive([&](std::string& bound) { ep = bound; },
                 [&](caf::error& e) { err = e; });
    }
    if (err)
      failure = "bind: " + to_string(err);
  };
  zmq::context_t ctx;
  zmq::socket_t peer{ctx, zmq::socket_type::dealer};
  peer.set(zmq::sockopt::rcvtimeo, 200);
  peer.set(zmq::sockopt::linger, 0);
  auto job = [&](int i) { // sends job-i until answered: 25 times, 200 ms each
    auto body = "job-" + std::to_string(i), want = "done " + body;
    for (int attempt = 1; attempt <= 25; ++attempt) {
      peer.send(zmq::buffer(body), zmq::send_flags::none);
      for (zmq::message_t reply; peer.recv(reply);) // skips stale answers
        if (reply.to_string() == want)
          return (void) std::printf("libzmq DEALER <- %s (attempt %d)\n",
                                    want.c_str(), attempt);
    }
    failure = body + ": no answer within 5 s";
  };
  start();
  if (failure.empty())
    peer.connect(ep);
  for (int i = 1; i <= 3 && failure.empty(); ++i)
    job(i);
  if (failure.empty()) { // the handler fails, and its socket with it
    peer.send(zmq::str_buffer("poison"), zmq::send_flags::none);
    self->receive(
      [&](caf::down_msg& dm) {
        std::printf("supervisor: down: %s\n", to_string(dm.reason).c_str());
        if (dm.reason != app_errc::poison_message)
          failure = "unexpected down reason";
        else
          start(); // replace the pair: same port, so the peer reconnects
      },
      caf::after(5s) >> [&] { failure = "no failure seen within 5 s"; });
  }
  for (int i = 4; i <= 6 && failure.empty(); ++i)
    job(i);
  self->send_exit(app, caf::exit_reason::user_shutdown); // + its socket
  if (failure.empty())
    std::puts("traffic resumed: the new socket answered jobs 4 to 6");
  else
    std::fprintf(stderr, "supervised_socket: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
