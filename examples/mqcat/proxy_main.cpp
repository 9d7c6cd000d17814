#include "proxy_main.hpp"

#include "events.hpp"
#include "proxy_cli.hpp"
#include "security_cli.hpp"
#include "signals.hpp"
#include "sockets.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <cstdio>
#include <pthread.h>
#include <string>
#include <vector>

namespace mq = caf::monocoque;

namespace mqcat {

namespace {

// Bounds each step of the stop: the signal thread's alarm ends the process
// 3 s after the signal.
constexpr auto stop_step = std::chrono::milliseconds{500};

std::string render_side(const char* name, const mq::proxy_side_stats& x) {
  return std::string{"mqcat: proxy "} + name
         + " msgs_in=" + std::to_string(x.msgs_in)
         + " bytes_in=" + std::to_string(x.bytes_in)
         + " msgs_out=" + std::to_string(x.msgs_out)
         + " bytes_out=" + std::to_string(x.bytes_out)
         + " held=" + std::to_string(x.held) + "\n";
}

void print_stats(caf::scoped_actor& self, const mq::proxy_actor& proxy) {
  self->request(proxy, stop_step, mq::stats_atom::value)
    .receive(
      [](const mq::proxy_stats& st) {
        auto out = render_side("frontend", st.frontend)
                   + render_side("backend", st.backend)
                   + "mqcat: proxy captured=" + std::to_string(st.captured)
                   + " capture_dropped="
                   + std::to_string(st.capture_dropped) + "\n";
        std::fputs(out.c_str(), stderr);
      },
      [](caf::error&) {});
}

// Closes every socket (flushing within `stop_step`), then makes sure each
// is gone.
void close_all(caf::scoped_actor& self, const std::vector<caf::actor>& all) {
  for (auto& s : all) {
    self->request(s, stop_step, mq::close_atom::value)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
    self->send_exit(s, caf::exit_reason::user_shutdown);
  }
}

int run(caf::actor_system& sys, const proxy_args& args,
        const sigset_t& signals) {
  auto defaults = mqcat::backend_options(sys);
  if (!defaults)
    return exit_failure;
  auto opts = std::move(*defaults);
  // A bad `--monocoque.*` value is a usage error, said before any socket.
  if (auto err = opts.validate())
    return complain(exit_usage, "invalid option: " + sys.render(err));
  caf::scoped_actor self{sys};
  std::vector<caf::actor> sockets;
  int rc = exit_ok;
  std::vector<caf::actor> printers;
  auto make = [&](const socket_spec& spec, const char* side) {
    auto side_opts = opts;
    if (auto err = apply_security(sys, spec.security, side_opts.security)) {
      if (rc == exit_ok)
        rc = complain(exit_failure, "cannot start the authenticator: "
                                      + sys.render(err));
      return mq::proxy_socket{};
    }
    auto s = spawn_socket(sys, spec.type, std::move(side_opts));
    sockets.push_back(s);
    if (rc == exit_ok && args.events) {
      printers.push_back(watch_events(sys, self, s, side));
      if (!printers.back())
        rc = exit_failure;
    }
    if (rc == exit_ok)
      rc = set_up(sys, self, s, {spec.endpoint});
    return mq::proxy_socket{s, type_sends(spec.type),
                            type_receives(spec.type)};
  };
  auto frontend = make(args.frontend, "frontend");
  auto backend = make(args.backend, "backend");
  auto capture = args.capture ? make(*args.capture, "capture")
                              : mq::proxy_socket{};
  if (rc != exit_ok) {
    for (auto& s : sockets)
      self->send_exit(s, caf::exit_reason::user_shutdown);
    await_printers(self, printers);
    return rc;
  }
  auto proxy = mq::spawn_proxy(sys, frontend, backend, capture);
  if (!proxy) {
    close_all(self, sockets);
    await_printers(self, printers);
    return complain(exit_failure,
                    "cannot start the proxy: " + sys.render(proxy.error()));
  }
  self->monitor(*proxy);
  watch_signals(signals, caf::actor{self});
  std::fprintf(stderr, "mqcat: proxy running\n");
  self->receive(
    [&](signal_atom, int) {
      if (args.verbose)
        print_stats(self, *proxy);
      self->request(*proxy, stop_step, mq::terminate_atom::value)
        .receive([](caf::ok_atom) {}, [](caf::error&) {});
    },
    [&](caf::down_msg& dm) {
      if (args.verbose)
        std::fprintf(stderr, "mqcat: no statistics: the proxy is gone\n");
      rc = complain(exit_failure,
                    "the proxy stopped: " + sys.render(dm.reason));
    });
  close_all(self, sockets);
  await_printers(self, printers);
  return rc;
}

} // namespace

int proxy_main(int argc, char** argv) {
  proxy_args args;
  if (auto err = parse_proxy_args(argc, argv, args)) {
    std::fprintf(stderr, "mqcat: %s\n%s", err->c_str(),
                 proxy_usage().c_str());
    return exit_usage;
  }
  if (args.help) {
    std::fputs(proxy_usage().c_str(), stdout);
    return exit_ok;
  }
  caf::monocoque::config cfg;
  if (auto err = cfg.parse(args.caf_options))
    return complain(exit_usage, "bad plugin option: " + caf::to_string(err));
  cfg.load<mq::module>();
  // Blocked before any thread starts, so that every thread inherits it and
  // only the signal thread takes them.
  auto signals = stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  caf::actor_system sys{cfg};
  return run(sys, args, signals);
}

} // namespace mqcat
