// monocoque-demo: a CAF application whose socket actors speak ZeroMQ to real
// libzmq sockets (libzmq runs in this process through cppzmq, as the peer
// only: it is never part of the plugin). One pattern after the other:
//
//   DEALER/ROUTER  dealer_router.cpp  request-reply, our DEALER and ROUTER
//   REQ/REP        req_rep.cpp        strict request-reply
//   PUB->SUB       pub_sub.cpp        prefix filtering, both directions
//   PUSH->PULL     push_pull.cpp      load balancing, both directions
//   INPROC         inproc.cpp         our sockets to each other, no kernel
//
// Each pattern prints what flows, checks its counts and ends with a one-line
// summary. Exit code 0 when every pattern passed, 1 otherwise. Every step
// gives up after 3 s, so the demo never hangs. The helpers of common.hpp
// (bind_local, connect, send, recv, stats ...) are the plain requests of
// docs/api.md on our socket actors, made from a scoped_actor. Command-line
// options are the plugin's (`--monocoque.NAME=VALUE`, see docs/api.md).
#include "common.hpp"

namespace {

using namespace demo;

struct pattern {
  const char* name;
  const char* title;
  std::string (*run)(env&);
};

const pattern patterns[] = {
    {"DEALER/ROUTER", "request-reply with our DEALER and our ROUTER",
     dealer_router},
    {"REQ/REP", "strict request-reply", req_rep},
    {"PUB->SUB", "publish-subscribe with prefix filters", pub_sub},
    {"PUSH->PULL", "load-balanced pipeline", push_pull},
    {"INPROC", "our sockets to each other over inproc://, zero copy",
     inproc},
};

/// Closes every socket the pattern opened: close flushes what was queued,
/// then the actor exits. Quiet: a socket may be gone already.
void close_all(env& e) {
  for (auto& sock : e.opened)
    e.self->request(sock, 2 * timeout, mq::close_atom::value)
        .receive([](caf::ok_atom) {}, [](caf::error&) {});
  e.opened.clear();
}

} // namespace

int main(int argc, char** argv) {
  // Load the plugin as every application does (see docs/api.md, "The module").
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "monocoque-demo: bad option: %s\n",
                 cfg.render(err).c_str());
    return 1;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  if (auto* mod = mq::module::from(sys); mod == nullptr || mod->status()) {
    std::fprintf(stderr, "monocoque-demo: io_uring backend unavailable: %s\n",
                 mod ? sys.render(mod->status()).c_str() : "no module");
    return 1;
  }
  caf::scoped_actor self{sys};
  zmq::context_t zmq_ctx;
  env e{sys, self, zmq_ctx, {}};
  std::vector<std::string> failed;
  for (auto& p : patterns) {
    std::printf("== %s: %s\n", p.name, p.title);
    bool ok = true;
    std::string summary;
    try {
      summary = p.run(e);
    } catch (const std::exception& ex) {
      ok = false;
      summary = ex.what();
      failed.emplace_back(p.name);
    }
    close_all(e);
    std::printf("%-14s %s  %s\n\n", p.name, ok ? "ok" : "FAILED",
                summary.c_str());
  }
  if (!failed.empty()) {
    std::string names;
    for (auto& n : failed)
      names += " " + n;
    std::fflush(stdout);
    std::fprintf(stderr, "monocoque-demo: FAILED:%s (see above)\n",
                 names.c_str());
    return 1;
  }
  auto [major, minor, patch] = zmq::version();
  // Every pattern but INPROC runs against libzmq sockets; INPROC connects
  // two of ours (libzmq's inproc cannot cross into another library).
  std::printf("monocoque-demo: all %zu patterns ok (%zu against libzmq "
              "%d.%d.%d, INPROC between our sockets)\n",
              std::size(patterns), std::size(patterns) - 1, major, minor,
              patch);
  return 0;
}
