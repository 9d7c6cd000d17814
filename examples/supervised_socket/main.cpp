// supervised_socket: a supervisor monitors a socket actor, sees it fail with
// a typed reason, replaces it, and traffic with a libzmq peer resumes.
// Our router_actor binds; its handler actor answers "job-N" with "done job-N"
// and is *linked* to it. A "poison" message makes the handler fail with the
// typed error app_errc::poison_message, and the link takes the socket down
// with that same reason. The supervisor's down_msg shows it; the supervisor
// spawns a new socket + handler and binds the same port again (retrying while
// the old listener still holds it). The libzmq DEALER (main thread) reconnects
// by itself and sends a job again if its answer does not come. Prints:
//   libzmq DEALER <- done job-1 (attempt 1)                   (job-2, job-3)
//   supervisor: socket down: category app, code 1: app: poison_message (...)
//   supervisor: bound tcp://127.0.0.1:40123
//   libzmq DEALER <- done job-4 (attempt 2)                   (job-5, job-6)
//   traffic resumed: the new socket answered jobs 4 to 6
// Exits 0 on success; 1 with a message on failure or 5 s without progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

// An application error category: codes, make_error, and a renderer that
// `cfg.add_error_category` registers so that sys.render() names it.
enum class app_errc : uint8_t { poison_message = 1 };
constexpr caf::atom_value app_category = caf::atom("app");
std::string render_app(uint8_t code, caf::atom_value, const caf::message& ctx) {
  return std::string{"app: "} + (code == 1 ? "poison_message" : "unknown")
         + " " + caf::to_string(ctx);
}
caf::error make_error(app_errc x, std::string context) {
  return {static_cast<uint8_t>(x), app_category,
          caf::make_message(std::move(context))};
}

// The application's handler, linked to its socket.
caf::behavior handler(caf::event_based_actor* self, mq::router_actor sock) {
  self->link_to(sock); // one dies with a non-normal reason: both die with it
  self->send(sock, mq::deliver_atom::value, caf::actor_cast<caf::actor>(self),
             uint64_t{8}); // push delivery, 8 messages of credit
  return {[=](mq::message_atom, mq::multipart& msg) { // [routing id, body]
    auto body = msg.back().to_string();
    if (body == "poison")
      return self->quit(make_error(app_errc::poison_message, "from the peer"));
    msg.back() = mq::frame::from_string("done " + body);
    self->request(sock, 5s, mq::send_atom::value, std::move(msg))
      .then([](caf::ok_atom) {});
    self->send(sock, mq::credit_atom::value, uint64_t{1});
  }};
}

using rebind_atom = caf::atom_constant<caf::atom("rebind")>;
using failure_atom = caf::atom_constant<caf::atom("failure")>;
struct supervisor_state {
  mq::router_actor sock;
  caf::actor handler;
  std::string ep = "tcp://127.0.0.1:*"; // becomes the real port on first bind
  int restarts = 0;
};
using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

void start(supervisor_ptr self) { // a fresh socket + handler pair
  auto& st = self->state;
  st.sock = mq::spawn_router(self->system());
  st.handler = self->system().spawn(handler, st.sock);
  self->monitor(st.sock);
  self->send(self, rebind_atom::value, 40); // bind, with 40 retries
}

caf::behavior supervisor(supervisor_ptr self, caf::actor parent) {
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& r = dm.reason;
    std::printf("supervisor: socket down: category %s, code %d: %s\n",
                to_string(r.category()).c_str(), r.code(),
                self->system().render(r).c_str());
    self->send(parent, failure_atom::value, r);
    if (++self->state.restarts > 3) // too many failures: give up
      return self->quit(r);
    start(self);
  });
  start(self);
  return {
    [=](rebind_atom, int retries) {
      self->request(self->state.sock, 5s, mq::bind_atom::value, self->state.ep)
        .then([=](std::string& ep) {
          std::printf("supervisor: bound %s\n", ep.c_str());
          self->state.ep = ep;
          self->send(parent, ep);
        }, [=](caf::error& err) { // the old listener may still hold the port
          if (retries == 0 || err != mq::errc::bind_failed)
            return self->quit(err);
          std::printf("supervisor: %s, retrying\n",
                      self->system().render(err).c_str());
          self->delayed_send(self, 50ms, rebind_atom::value, retries - 1);
        });
    },
    [=](mq::close_atom) { // a planned stop: no restart. Ending the handler
      self->demonitor(self->state.sock.address()); // ends its linked socket
      self->send_exit(self->state.handler, caf::exit_reason::user_shutdown);
      self->quit();
    },
  };
}

int main() { // hello_dealer shows command-line parsing too
  mq::config cfg;
  cfg.add_error_category(app_category, render_app);
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::string failure, ep;
  auto sup = sys.spawn(supervisor, caf::actor{self});
  self->receive([&](std::string& bound) { ep = bound; },
                caf::after(5s) >> [&] { failure = "no bind within 5 s"; });
  // The libzmq peer: each job is sent again until its answer comes.
  zmq::context_t ctx;
  zmq::socket_t peer{ctx, zmq::socket_type::dealer};
  peer.set(zmq::sockopt::rcvtimeo, 200);
  peer.set(zmq::sockopt::linger, 0);
  auto job = [&](int i) { // 25 attempts of 200 ms
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
  if (failure.empty()) {
    peer.connect(ep);
    for (int i = 1; i <= 3 && failure.empty(); ++i)
      job(i);
    peer.send(zmq::str_buffer("poison"), zmq::send_flags::none);
    self->receive( // the supervisor reports the failure with its reason
      [&](failure_atom, caf::error& r) {
        if (r != make_error(app_errc::poison_message, ""))
          failure = "unexpected down reason: " + sys.render(r);
      },
      caf::after(5s) >> [&] { failure = "no failure seen within 5 s"; });
    for (int i = 4; i <= 6 && failure.empty(); ++i)
      job(i);
    if (failure.empty())
      std::puts("traffic resumed: the new socket answered jobs 4 to 6");
  }
  self->send(sup, mq::close_atom::value);
  if (!failure.empty())
    std::fprintf(stderr, "supervised_socket: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
