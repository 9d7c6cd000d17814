#pragma once

// Shared by our perf tools (local_thr, remote_thr, local_lat, remote_lat,
// handshake, inproc_thr, inproc_lat): libzmq's argument order and output
// lines, our extra flags, and the actor system set-up. Usage of every tool:
//   TOOL <endpoint> <message-size> <count> [--mode=M] [--ring] [--curve]
//        [CAF options]
// (the inproc tools, as libzmq's, take no endpoint: `<message-size>
// <count>`, both sockets in one actor system on a fixed inproc:// name).
// `--mode` picks the public API flavour to stream with (see each tool),
// `--ring` spawns the tool's own actor on a ring thread (`spawn_on_ring`),
// `--curve` secures the socket with CURVE (the bind side is the server, the
// connect side the client, both with the fixed keys of
// ../perf/curve_keys.hpp, no authenticator: any client key is accepted);
// other `--key=value` arguments go to CAF (`--monocoque.sndhwm=...`).

#include "caf/monocoque/all.hpp"

#include "curve_keys.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace perf {

namespace mq = caf::monocoque;

/// The command line of a perf tool.
struct args {
  std::string endpoint;
  bool bind = false; ///< the role binds `endpoint` (else connects)
  size_t size = 0;
  uint64_t count = 0;
  std::string mode;
  bool ring = false;
  bool curve = false;
  std::vector<std::string> caf_options;
};

/// Parses `argv` (`positionals` of them: 3 with the endpoint first, or 2
/// without); prints libzmq's usage line and exits 1 on bad input.
inline args parse(int argc, char** argv, const char* usage,
                  const char* default_mode, size_t positionals = 3) {
  args res;
  res.mode = default_mode;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--mode=", 0) == 0)
      res.mode = arg.substr(7);
    else if (arg == "--ring")
      res.ring = true;
    else if (arg == "--curve")
      res.curve = true;
    else if (arg.rfind("--", 0) == 0)
      res.caf_options.push_back(std::move(arg));
    else
      positional.push_back(std::move(arg));
  }
  if (positional.size() != positionals || positionals < 2) {
    std::fprintf(stderr, "usage: %s\n", usage);
    std::exit(1);
  }
  auto first = positional.size() - 2;
  if (first > 0)
    res.endpoint = positional[0];
  res.size = std::strtoull(positional[first].c_str(), nullptr, 10);
  res.count = std::strtoull(positional[first + 1].c_str(), nullptr, 10);
  if (res.count == 0) {
    std::fprintf(stderr, "usage: %s\n", usage);
    std::exit(1);
  }
  return res;
}

/// The actor system configuration of a tool: the module loaded, CAF and
/// `monocoque.*` options from the command line.
class config : public mq::config {
public:
  explicit config(const args& a) {
    load<mq::module>();
    if (auto err = parse(a.caf_options)) {
      std::fprintf(stderr, "bad option: %s\n", caf::to_string(err).c_str());
      std::exit(1);
    }
  }
};

/// A fresh payload of `size` bytes (allocated per message, as libzmq's tools
/// do with `zmq_msg_init_size`).
inline mq::multipart make_payload(size_t size) {
  mq::multipart msg;
  msg.push_back(mq::frame::allocate(size));
  return msg;
}

/// Exits 1 with libzmq's message unless `msg` is one frame of `size` bytes.
inline void check_size(const mq::multipart& msg, size_t size) {
  if (msg.size() != 1 || msg[0].size() != size) {
    std::fprintf(stderr, "message of incorrect size received\n");
    std::_Exit(1);
  }
}

/// Returns the socket options of a tool: the module's defaults (the
/// `monocoque.*` options), plus with `--curve` the CURVE server role
/// (`server`, the bind side) or the client role with the fixed keys.
inline mq::socket_options socket_options(caf::actor_system& sys,
                                         const args& a, bool server) {
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  if (!a.curve)
    return opts;
  auto raw = [](const curve::key& key) {
    return mq::secret{::monocoque::zmtp::byte_span{key.data(), key.size()}};
  };
  auto text = [](const curve::key& key) {
    return std::string{key.begin(), key.end()};
  };
  auto& sec = opts.security;
  if (server) {
    sec.curve_server = true;
    sec.curve_secret_key = raw(curve::server_secret);
    sec.curve_public_key = text(curve::server_public);
  } else {
    sec.curve_server_key = text(curve::server_public);
    sec.curve_secret_key = raw(curve::client_secret);
    sec.curve_public_key = text(curve::client_public);
  }
  return opts;
}

/// Spawns a tool's role `fun(self, sock, a)` on the scheduler (or, with
/// `--ring`, on a ring).
template <class F, class Socket>
void spawn_role(caf::actor_system& sys, F fun, const Socket& sock,
                const args& a) {
  if (a.ring)
    mq::spawn_on_ring(sys, fun, sock, a);
  else
    sys.spawn(fun, sock, a);
}

/// Runs a tool: the actor system, the socket from `spawn_socket(sys, opts)`
/// (`opts` from `socket_options`, the CURVE server role if `server`), and
/// `fun(self, socket, args)` spawned on the scheduler (or, with `--ring`, on
/// a ring); returns once every actor is done. `a.bind` becomes `server`.
template <class SpawnSocket, class F>
int run(args a, bool server, SpawnSocket spawn_socket, F fun) {
  a.bind = server;
  config cfg{a};
  caf::actor_system sys{cfg};
  auto sock = spawn_socket(sys, socket_options(sys, a, server));
  spawn_role(sys, fun, sock, a);
  sys.await_all_actors_done();
  return 0;
}

/// Runs an inproc tool: one actor system, a socket from `spawn_binder(sys,
/// opts)` with its role `binder(self, sock, binder_args)` (binds), and a
/// socket from `spawn_connector(sys, opts)` with its role `connector(self,
/// sock, connector_args)` (connects), both on `endpoint`; returns once every
/// actor is done. Security options do not apply to inproc (as in libzmq):
/// `--curve` is refused.
template <class SpawnBinder, class Binder, class SpawnConnector,
          class Connector>
int run_inproc(const char* endpoint, args binder_args,
               SpawnBinder spawn_binder, Binder binder, args connector_args,
               SpawnConnector spawn_connector, Connector connector) {
  if (binder_args.curve || connector_args.curve) {
    std::fprintf(stderr, "--curve: security does not apply to inproc\n");
    return 1;
  }
  binder_args.endpoint = connector_args.endpoint = endpoint;
  binder_args.bind = true;
  connector_args.bind = false;
  config cfg{binder_args};
  caf::actor_system sys{cfg};
  auto opts = socket_options(sys, binder_args, false);
  auto bsock = spawn_binder(sys, opts);
  auto csock = spawn_connector(sys, opts);
  spawn_role(sys, binder, bsock, binder_args);
  spawn_role(sys, connector, csock, connector_args);
  sys.await_all_actors_done();
  return 0;
}

/// Prints an error and exits 1 (the tools are one-shot programs).
[[noreturn]] inline void fail(const caf::error& err, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, caf::to_string(err).c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

/// Binds (`a.bind`) or connects `sock` to `a.endpoint`, then calls
/// `on_open()`; exits 1 on an error.
template <class Self, class Socket, class F>
void open(Self* self, const Socket& sock, const args& a, F on_open) {
  if (a.bind)
    self->request(sock, caf::infinite, mq::bind_atom::value, a.endpoint)
      .then([on_open](const std::string&) mutable { on_open(); },
            [](caf::error& err) { fail(err, "bind"); });
  else
    self->request(sock, caf::infinite, mq::connect_atom::value, a.endpoint)
      .then([on_open](caf::ok_atom) mutable { on_open(); },
            [](caf::error& err) { fail(err, "connect"); });
}

/// Microseconds between two time points.
inline double micros(std::chrono::steady_clock::time_point t0,
                     std::chrono::steady_clock::time_point t1) {
  return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

} // namespace perf
