// Package test program: built against an installed caf-monocoque (by
// find_package and by pkg-config, see package_test.sh). It loads the module,
// spawns our dealer_actor, connects it to a libzmq DEALER (C API, this
// thread) and checks one round trip: ours sends "ping", libzmq answers
// "pong:ping". Exit 0 only if that worked; 1 with a message otherwise.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "package-test app: %s\n", what.c_str());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv))
    return fail("bad option: " + cfg.render(err));
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  auto* mod = mq::module::from(sys);
  if (mod == nullptr || mod->status())
    return fail("io_uring backend unavailable");

  // The libzmq peer: a DEALER bound to an ephemeral port, 5 s timeouts.
  void* ctx = zmq_ctx_new();
  void* peer = zmq_socket(ctx, ZMQ_DEALER);
  int timeout_ms = 5000;
  zmq_setsockopt(peer, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
  zmq_setsockopt(peer, ZMQ_SNDTIMEO, &timeout_ms, sizeof(timeout_ms));
  char endpoint[256] = {};
  size_t endpoint_len = sizeof(endpoint);
  int rc = 1;
  std::string error;
  if (zmq_bind(peer, "tcp://127.0.0.1:*") != 0
      || zmq_getsockopt(peer, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_len) != 0)
    error = std::string{"libzmq bind: "} + zmq_strerror(zmq_errno());

  caf::scoped_actor self{sys};
  auto on_error = [&](const char* what) {
    return [&, what](caf::error& err) {
      error = std::string{what} + ": " + sys.render(err);
    };
  };
  auto dealer = mq::spawn_dealer(sys);
  if (error.empty())
    self->request(dealer, 5s, mq::connect_atom::value, std::string{endpoint})
      .receive([](caf::ok_atom) {}, on_error("connect"));
  if (error.empty())
    self->request(dealer, 5s, mq::send_atom::value, mq::make_message({"ping"}))
      .receive([](caf::ok_atom) {}, on_error("send"));
  if (error.empty()) {
    // libzmq receives "ping" and answers "pong:ping".
    char buf[64];
    int n = zmq_recv(peer, buf, sizeof(buf), 0);
    if (n != 4 || std::string(buf, 4) != "ping")
      error = "libzmq peer did not receive \"ping\"";
    else if (zmq_send(peer, "pong:ping", 9, 0) != 9)
      error = std::string{"libzmq send: "} + zmq_strerror(zmq_errno());
  }
  if (error.empty())
    self->request(dealer, 5s, mq::recv_atom::value)
      .receive(
        [&](mq::multipart& reply) {
          if (reply.size() == 1 && reply[0].to_string() == "pong:ping")
            rc = 0;
          else
            error = "unexpected reply from libzmq";
        },
        on_error("recv"));
  self->request(dealer, 5s, mq::close_atom::value)
    .receive([](caf::ok_atom) {}, [](caf::error&) {});
  int linger = 0;
  zmq_setsockopt(peer, ZMQ_LINGER, &linger, sizeof(linger));
  zmq_close(peer);
  zmq_ctx_term(ctx);
  if (rc != 0)
    return fail(error.empty() ? "no reply" : error);
  std::puts("package-test app: dealer_actor <-> libzmq DEALER round trip ok");
  return 0;
}
