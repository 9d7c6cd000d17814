// dealer-demo: a CAF application whose dealer_actor talks ZeroMQ to real
// libzmq sockets (libzmq is only the peer here, never part of the plugin).
//
// 1. A libzmq ROUTER (cppzmq, in a thread of this program) binds; our
//    dealer_actor connects and exchanges three multipart messages with it.
// 2. Our dealer_actor binds; a libzmq DEALER connects and says hello.
//
// Exit code 0 on success, 1 with a message on any failure.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

namespace {

std::string show(const mq::multipart& msg) {
  std::string out = "[";
  for (size_t i = 0; i < msg.size(); ++i) {
    out += i == 0 ? "\"" : ", \"";
    out += msg[i].to_string();
    out += "\"";
  }
  return out + "]";
}

// A libzmq ROUTER that answers every message with "echo:" + last frame.
void run_router(zmq::socket_t& router, int count) {
  for (int i = 0; i < count; ++i) {
    std::vector<zmq::message_t> parts;
    if (!zmq::recv_multipart(router, std::back_inserter(parts)))
      return;
    std::printf("  libzmq ROUTER <- id '%s', %zu frame(s), last '%s'\n",
                parts.front().to_string().c_str(), parts.size() - 1,
                parts.back().to_string().c_str());
    auto reply = "echo:" + parts.back().to_string();
    parts.back() = zmq::message_t{reply.data(), reply.size()};
    zmq::send_multipart(router, parts);
  }
}

int fail(const char* what, const std::string& why) {
  std::fprintf(stderr, "dealer-demo: %s: %s\n", what, why.c_str());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv))
    return fail("bad option", cfg.render(err));
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  if (auto* mod = mq::module::from(sys); mod == nullptr || mod->status())
    return fail("io_uring backend", sys.render(mod->status()));
  caf::scoped_actor self{sys};
  zmq::context_t ctx;
  int rc = 0;
  auto on_error = [&](const char* what) {
    return [&, what](caf::error& err) { rc = fail(what, sys.render(err)); };
  };

  std::puts("== 1. our dealer_actor connects to a libzmq ROUTER");
  zmq::socket_t router{ctx, zmq::socket_type::router};
  router.set(zmq::sockopt::rcvtimeo, 5000);
  router.bind("tcp://127.0.0.1:*");
  auto router_ep = router.get(zmq::sockopt::last_endpoint);
  std::thread router_thread{[&] { run_router(router, 3); }};
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.identity = "caf-dealer";
  auto dealer = mq::spawn_dealer(sys, opts);
  self->request(dealer, 5s, mq::connect_atom::value, router_ep)
    .receive([&](caf::ok_atom) { std::printf("  connected to %s\n",
                                             router_ep.c_str()); },
             on_error("connect"));
  for (int i = 1; i <= 3 && rc == 0; ++i) {
    auto msg = mq::make_message({"request", std::to_string(i)});
    std::printf("  dealer_actor -> %s\n", show(msg).c_str());
    self->request(dealer, 5s, mq::send_atom::value, msg)
      .receive([](caf::ok_atom) {}, on_error("send"));
    self->request(dealer, 5s, mq::recv_atom::value)
      .receive(
        [&](mq::multipart& reply) {
          std::printf("  dealer_actor <- %s\n", show(reply).c_str());
        },
        on_error("recv"));
  }
  router_thread.join();

  std::puts("== 2. a libzmq DEALER connects to our bound dealer_actor");
  auto server = mq::spawn_dealer(sys);
  std::string bound;
  self->request(server, 5s, mq::bind_atom::value,
                std::string{"tcp://127.0.0.1:*"})
    .receive([&](std::string& ep) { bound = ep; }, on_error("bind"));
  if (rc == 0) {
    std::printf("  dealer_actor bound to %s\n", bound.c_str());
    zmq::socket_t client{ctx, zmq::socket_type::dealer};
    client.set(zmq::sockopt::rcvtimeo, 5000);
    client.connect(bound);
    client.send(zmq::str_buffer("hello from libzmq"), zmq::send_flags::none);
    self->request(server, 5s, mq::recv_atom::value)
      .receive(
        [&](mq::multipart& msg) {
          std::printf("  dealer_actor <- %s\n", show(msg).c_str());
          self->request(server, 5s, mq::send_atom::value,
                        mq::make_message({"hello from CAF"}))
            .receive([](caf::ok_atom) {}, on_error("send"));
        },
        on_error("recv"));
    zmq::message_t answer;
    if (rc == 0 && client.recv(answer))
      std::printf("  libzmq DEALER <- '%s'\n", answer.to_string().c_str());
    else if (rc == 0)
      rc = fail("libzmq DEALER", "no answer within 5 s");
  }
  for (auto& hdl : {dealer, server})
    self->request(hdl, 5s, mq::close_atom::value)
      .receive([](caf::ok_atom) {}, on_error("close"));
  std::puts(rc == 0 ? "== done" : "== failed");
  return rc;
}
