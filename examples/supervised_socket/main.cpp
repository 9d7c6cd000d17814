// supervised_socket: a supervisor watches a socket's events and its life: it
// logs who connects, who leaves and why, and which handshakes fail; it sees
// the socket fail with a typed reason, replaces it, and traffic with a
// libzmq peer resumes.
//
// main() is the supervisor. A handler actor linked to our router_actor answers
// "job-N" with "done job-N"; "poison" makes it quit with the typed error
// app_errc::poison_message, and the link takes the socket down with it. The
// down_msg shows that reason; the supervisor binds a new socket + handler to
// the same port, and the libzmq DEALER peer reconnects by itself.
// A watcher actor is subscribed to each socket's events (monitor_atom, with a
// mask): it logs them and passes them on to the supervisor, which checks that
// a libzmq PLAIN client (the wrong security mechanism) fails its handshake
// and that a visiting libzmq DEALER that closes is reported as disconnected,
// "peer closed", with the key its handshake had.
// Exits 0 on success; 1 with a message on failure or 5 s without progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <memory>
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

// Logs each event of the sockets it watches ("to_string" renders the
// endpoint, the peer's address, key and epoch, and the reason) and passes
// it on to the supervisor.
caf::behavior watcher(caf::event_based_actor*, caf::actor supervisor) {
  return {[=](mq::event_atom, const mq::socket_event& ev) {
    std::printf("events: %s\n", to_string(ev).c_str());
    caf::anon_send(supervisor, mq::event_atom::value, ev);
  }};
}

// The events the watcher asks for: connections, handshakes, departures.
constexpr mq::socket_event_mask watched
  = bit(mq::socket_event_type::accepted)
    | bit(mq::socket_event_type::handshake_succeeded)
    | bit(mq::socket_event_type::handshake_failed_protocol)
    | bit(mq::socket_event_type::handshake_failed_auth)
    | bit(mq::socket_event_type::handshake_failed_no_detail)
    | bit(mq::socket_event_type::disconnected)
    | bit(mq::socket_event_type::monitor_stopped);

int main() { // hello_dealer shows command-line parsing too
  mq::config cfg;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys}; // the supervisor
  std::string failure, ep = "tcp://127.0.0.1:*"; // the real port once bound
  mq::router_actor sock; // held: CAF kills an actor that nobody references
  caf::actor app;        // the current handler
  auto events = sys.spawn(watcher, caf::actor{self});
  auto start = [&] { // a fresh socket + handler pair, monitored, watched, bound
    sock = mq::spawn_router(sys);
    app = sys.spawn(handler, sock);
    self->monitor(sock);
    self->request(sock, 5s, mq::monitor_atom::value, events, watched)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) { failure = "monitor: " + to_string(e); });
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
  // Waits (5 s at most) for an event of type `type` that `pred` accepts,
  // skipping others.
  auto await_event = [&](mq::socket_event_type type, auto pred) {
    mq::socket_event found;
    for (bool done = false; !done && failure.empty();)
      self->receive(
        [&](mq::event_atom, const mq::socket_event& ev) {
          if (ev.type == type && pred(ev)) {
            found = ev;
            done = true;
          }
        },
        caf::after(5s) >> [&] { failure = "no " + to_string(type); });
    return found;
  };
  auto any = [](const mq::socket_event&) { return true; };
  start();
  if (failure.empty())
    peer.connect(ep);
  for (int i = 1; i <= 3 && failure.empty(); ++i)
    job(i);
  await_event(mq::socket_event_type::handshake_succeeded, any);
  if (failure.empty()) { // a PLAIN client meets our NULL socket: it fails
    zmq::socket_t intruder{ctx, zmq::socket_type::dealer};
    intruder.set(zmq::sockopt::linger, 0);
    intruder.set(zmq::sockopt::plain_username, "guest");
    intruder.set(zmq::sockopt::plain_password, "guest");
    intruder.connect(ep);
    auto ev = await_event(mq::socket_event_type::handshake_failed_protocol,
                          any);
    if (failure.empty())
      std::printf("supervisor: refused a peer: %s\n", ev.reason.c_str());
  }
  if (failure.empty()) { // a visitor comes and goes: why did it leave?
    auto visitor = std::make_unique<zmq::socket_t>(ctx,
                                                   zmq::socket_type::dealer);
    visitor->set(zmq::sockopt::linger, 0);
    visitor->connect(ep);
    auto up = await_event(mq::socket_event_type::handshake_succeeded, any);
    visitor.reset(); // closes its connection
    auto left = await_event(mq::socket_event_type::disconnected,
                            [&](const mq::socket_event& ev) {
                              return ev.key == up.key && ev.epoch == up.epoch;
                            });
    if (failure.empty() && left.reason != "peer closed")
      failure = "visitor left for '" + left.reason + "', not 'peer closed'";
    if (failure.empty())
      std::printf("supervisor: peer %s left: %s\n",
                  left.remote_address.c_str(), left.reason.c_str());
  }
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
  self->send_exit(events, caf::exit_reason::user_shutdown);
  if (failure.empty())
    std::puts("traffic resumed: the new socket answered jobs 4 to 6");
  else
    std::fprintf(stderr, "supervised_socket: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
