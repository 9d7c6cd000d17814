// mqcat: netcat for ZeroMQ sockets, on caf-monocoque. `mqcat --help` has the
// interface; cli.hpp parses it, session.hpp drives the socket, and
// frame_text.hpp turns frames into lines and back; sockets.hpp spawns and
// sets up sockets; `mqcat proxy ...` runs proxy_main.hpp instead.
//
// Threads: the main thread sets the socket up through a scoped_actor, then
// reads stdin (poll(2) on stdin and on an eventfd the session writes when it
// stops) and hands each read's lines to the session in one request, waiting
// for the acknowledgement before reading on: that is the backpressure. Our
// own main() rather than CAF_MAIN, because CAF's exec_main always returns
// EXIT_SUCCESS. SIGINT and SIGTERM are blocked in every thread and taken
// by a signal thread (sigwait), which tells the session to stop: the main
// thread may be blocked waiting for a batch's acknowledgement meanwhile.

#include "cli.hpp"
#include "events.hpp"
#include "frame_text.hpp"
#include "proxy_main.hpp"
#include "session.hpp"
#include "signals.hpp"
#include "sockets.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace mq = caf::monocoque;

namespace {

using mqcat::complain;
using mqcat::exit_failure;
using mqcat::exit_ok;
using mqcat::exit_usage;

mqcat::pattern pattern_of(const std::string& type) {
  if (type == "req")
    return mqcat::pattern::request;
  if (type == "rep")
    return mqcat::pattern::reply;
  return mqcat::pattern::stream;
}

// Reads stdin until its end or until the session stops; returns false if
// reading failed.
bool pump_stdin(caf::scoped_actor& self, const caf::actor& session,
                int wake_fd, std::optional<char> delimiter) {
  std::string pending; // a line without its newline yet
  std::vector<char> chunk(size_t{64} * 1024);
  std::vector<mq::multipart> lines;
  auto add_line = [&](std::string_view text) {
    mq::multipart msg;
    for (auto& bytes : mqcat::parse_line(text, delimiter))
      msg.push_back(mq::frame::from_string(bytes));
    lines.push_back(std::move(msg));
  };
  // Sends the collected lines; false once the session stopped.
  auto flush = [&] {
    if (lines.empty())
      return true;
    bool ok = false;
    self->request(session, caf::infinite, mqcat::line_atom::value,
                  std::move(lines))
      .receive([&](caf::ok_atom) { ok = true; }, [](caf::error&) {});
    lines.clear();
    return ok;
  };
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_fd, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      complain(exit_failure, std::string{"poll: "} + std::strerror(errno));
      return false;
    }
    if (fds[1].revents != 0)
      return true; // the session stopped
    if (fds[0].revents == 0)
      continue;
    auto n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      complain(exit_failure,
               std::string{"cannot read stdin: "} + std::strerror(errno));
      return false;
    }
    if (n == 0) { // end of input: a last line may lack its newline
      if (!pending.empty())
        add_line(pending);
      flush();
      return true;
    }
    std::string_view data{chunk.data(), static_cast<size_t>(n)};
    for (auto nl = data.find('\n'); nl != std::string_view::npos;
         nl = data.find('\n')) {
      if (pending.empty()) {
        add_line(data.substr(0, nl));
      } else {
        pending.append(data.data(), nl);
        add_line(pending);
        pending.clear();
      }
      data.remove_prefix(nl + 1);
    }
    pending.append(data.data(), data.size());
    if (!flush())
      return true;
  }
}

int run(caf::actor_system& sys, const mqcat::args& args,
        const sigset_t& signals) {
  auto defaults = mqcat::backend_options(sys);
  if (!defaults)
    return exit_failure;
  auto opts = std::move(*defaults);
  if (args.identity)
    opts.identity = *args.identity;
  if (args.linger)
    opts.linger = *args.linger;
  if (auto err = mqcat::apply_security(sys, args.security, opts.security))
    return complain(exit_failure,
                    "cannot start the authenticator: " + sys.render(err));
  // A bad `--monocoque.*` value is a usage error, said before any socket
  // exists (the socket would refuse to start with it).
  if (auto err = opts.validate())
    return complain(exit_usage, "invalid option: " + sys.render(err));
  auto socket = mqcat::spawn_socket(sys, args.type, std::move(opts));
  caf::scoped_actor self{sys};
  // Subscribed before any bind or connect: `listening`, `bind_failed` and
  // the first connect's events print too.
  std::vector<caf::actor> printers;
  if (args.events) {
    printers.push_back(mqcat::watch_events(sys, self, socket));
    if (!printers.back()) {
      self->send_exit(socket, caf::exit_reason::user_shutdown);
      return exit_failure;
    }
  }
  auto rc = mqcat::set_up(sys, self, socket, args.endpoints);
  if (rc == exit_ok)
    rc = mqcat::subscribe(sys, self, socket, args.type, args.subscriptions);
  if (rc != exit_ok) {
    self->send_exit(socket, caf::exit_reason::user_shutdown);
    mqcat::await_printers(self, printers);
    return rc;
  }
  auto wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0)
    return complain(exit_failure,
                    std::string{"eventfd: "} + std::strerror(errno));
  mqcat::session_config cfg;
  cfg.socket = std::move(socket);
  cfg.kind = pattern_of(args.type);
  cfg.listener = caf::actor{self};
  cfg.wake_fd = wake_fd;
  cfg.send = args.send;
  cfg.recv = args.recv;
  cfg.echo = args.echo;
  cfg.verbose = args.verbose;
  cfg.count = args.count;
  cfg.delimiter = args.delimiter;
  cfg.timeout = args.timeout;
  auto session = mqcat::spawn_session(sys, std::move(cfg));
  self->monitor(session);
  mqcat::watch_signals(signals, session);
  bool stdin_ok = true;
  if (args.send) {
    stdin_ok = pump_stdin(self, session, wake_fd, args.delimiter);
    self->send(session, mqcat::eof_atom::value);
  }
  rc = exit_failure;
  std::string why;
  self->receive(
    [&](mqcat::done_atom, int code, std::string& what) {
      rc = code;
      why = std::move(what);
    },
    [&](caf::down_msg& dm) {
      why = "internal error: the session died: " + sys.render(dm.reason);
    });
  ::close(wake_fd);
  mqcat::await_printers(self, printers); // the socket is closing or gone
  if (rc != exit_ok)
    return complain(rc, why);
  return stdin_ok ? exit_ok : exit_failure;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view{argv[1]} == "proxy")
    return mqcat::proxy_main(argc, argv);
  if (argc > 1 && std::string_view{argv[1]} == "keygen")
    return mqcat::keygen_main(argc, argv);
  mqcat::args args;
  if (auto err = mqcat::parse_args(argc, argv, args)) {
    std::fprintf(stderr, "mqcat: %s\nTry 'mqcat --help'.\n", err->c_str());
    return exit_usage;
  }
  if (args.help) {
    std::fputs(mqcat::usage().c_str(), stdout);
    return exit_ok;
  }
  mq::config cfg;
  if (auto err = cfg.parse(args.caf_options))
    return complain(exit_usage, "bad plugin option: " + caf::to_string(err));
  cfg.load<mq::module>();
  // Blocked before any thread starts, so that every thread inherits it and
  // only the signal thread takes them.
  auto signals = mqcat::stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  caf::actor_system sys{cfg};
  return run(sys, args, signals);
}
