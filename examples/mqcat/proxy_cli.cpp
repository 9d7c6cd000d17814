#include "proxy_cli.hpp"

#include "sockets.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

#include <algorithm>
#include <utility>

namespace mqcat {

namespace {

constexpr std::string_view caf_prefix = "--monocoque.";

bool known_type(std::string_view type) {
  return std::find(socket_types.begin(), socket_types.end(), type)
         != socket_types.end();
}

std::optional<std::string> check(const proxy_args& out) {
  if (out.frontend.type.empty() || out.backend.type.empty())
    return "give a FRONTEND and a BACKEND socket";
  if (!type_receives(out.frontend.type))
    return "the frontend must receive: " + out.frontend.type
           + " sockets only send";
  if (!type_sends(out.backend.type))
    return "the backend must send: " + out.backend.type
           + " sockets only receive";
  if (out.capture && !type_sends(out.capture->type))
    return "the capture must send: " + out.capture->type
           + " sockets only receive";
  for (auto* spec : {&out.frontend, &out.backend}) {
    if (auto err = check_security(spec->security))
      return (spec == &out.frontend ? "frontend: " : "backend: ") + *err;
  }
  if (out.capture)
    if (auto err = check_security(out.capture->security))
      return "capture: " + *err;
  return std::nullopt;
}

} // namespace

std::optional<std::string> parse_socket_spec(std::string_view text,
                                             socket_spec& out) {
  auto bad = [&] {
    return "bad socket '" + std::string{text}
           + "': want TYPE,bind,ENDPOINT or TYPE,connect,ENDPOINT";
  };
  auto first = text.find(',');
  if (first == std::string_view::npos)
    return bad();
  auto second = text.find(',', first + 1);
  if (second == std::string_view::npos)
    return bad();
  auto type = text.substr(0, first);
  auto mode = text.substr(first + 1, second - first - 1);
  auto endpoint = text.substr(second + 1);
  if (mode != "bind" && mode != "connect")
    return bad();
  if (endpoint.empty())
    return bad();
  if (!known_type(type))
    return "unknown socket type '" + std::string{type} + "' in '"
           + std::string{text} + "'";
  out.type = std::string{type};
  out.endpoint = {mode == "bind", std::string{endpoint}};
  return std::nullopt;
}

std::optional<std::string> parse_proxy_args(int argc, char** argv,
                                            proxy_args& out) {
  int positional = 0;
  // Security options apply to the socket spec before them.
  socket_spec* last = nullptr;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    std::string name = arg;
    std::optional<std::string> value;
    size_t offset = 0;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0
                                 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      offset = eq + 1;
    }
    auto value_at = [&]() -> std::optional<std::pair<std::string, arg_origin>> {
      if (value) {
        // Copied, then wiped: a moved-from short string keeps its bytes.
        auto result = std::make_pair(*value, arg_origin{i, offset});
        ::monocoque::zmtp::secure_wipe(value->data(), value->size());
        value->clear();
        return result;
      }
      if (i + 1 >= argc)
        return std::nullopt;
      ++i;
      return std::make_pair(std::string{argv[i]}, arg_origin{i, 0});
    };
    security_args scratch;
    auto sec = parse_security_option(name, value.has_value(), value_at, argv,
                                     last != nullptr ? last->security
                                                     : scratch);
    if (sec) {
      // `arg` may hold a password (--plain-password=P).
      ::monocoque::zmtp::secure_wipe(arg.data(), arg.size());
      if (last == nullptr)
        return name + " must follow the socket it applies to (FRONTEND, "
                      "BACKEND or --capture SPEC)";
      if (!sec->empty())
        return sec;
      continue;
    }
    if (name == "-h" || name == "--help") {
      out.help = true;
      return std::nullopt;
    } else if (name == "-v" || name == "--verbose") {
      if (value)
        return name + " takes no value";
      out.verbose = true;
    } else if (name == "--events") {
      if (value)
        return name + " takes no value";
      out.events = true;
    } else if (name == "--capture") {
      if (!value && i + 1 < argc)
        value = argv[++i];
      if (!value)
        return "--capture needs a socket: TYPE,bind,ENDPOINT or "
               "TYPE,connect,ENDPOINT";
      socket_spec spec;
      if (auto err = parse_socket_spec(*value, spec))
        return err;
      out.capture = std::move(spec);
      last = &*out.capture;
    } else if (name.rfind(caf_prefix, 0) == 0) {
      if (!value)
        return "write " + name + "=VALUE";
      out.caf_options.push_back(arg);
    } else if (!name.empty() && name[0] == '-') {
      return "unknown option '" + name + "'";
    } else if (positional < 2) {
      auto& spec = positional++ == 0 ? out.frontend : out.backend;
      if (auto err = parse_socket_spec(arg, spec))
        return err;
      last = &spec;
    } else {
      return "unexpected argument '" + arg + "'";
    }
  }
  return check(out);
}

std::string proxy_usage() {
  return R"(usage: mqcat proxy FRONTEND BACKEND [--capture SPEC] [options]

Runs a caf-monocoque proxy (like zmq_proxy) until SIGINT or SIGTERM, then
exits 0. Each socket is TYPE,bind,ENDPOINT or TYPE,connect,ENDPOINT, e.g.

  mqcat proxy xsub,bind,tcp://*:5555 xpub,bind,tcp://*:5556
  mqcat proxy router,bind,tcp://*:5559 dealer,bind,tcp://*:5560
  mqcat proxy pull,bind,tcp://*:5557 push,bind,tcp://*:5558 \
    --capture pub,bind,tcp://*:5561

Messages go from FRONTEND (it must receive) to BACKEND (it must send), and
back as well when both sides send and receive (router/dealer: replies;
xsub/xpub: subscriptions). The capture (it must send) gets a copy of every
forwarded message; copies it has no room for are dropped, never waited for.
A bind to a `*` port prints "mqcat: bound ENDPOINT" to stderr.

  --capture SPEC     a capture socket
  --curve-*, --plain-*, --zap-domain
                     security options (see mqcat --help) of the socket
                     given before them, e.g.
                     router,bind,tcp://*:5559 --curve-server --curve-secret K
  -v, --verbose      on exit, print the proxy's statistics to stderr
  --events           print each socket's events to stderr, one line each:
                     event NAME ENDPOINT side=SIDE [DETAIL], SIDE being
                     frontend, backend or capture
  --monocoque.NAME=VALUE
                     a plugin option, e.g. --monocoque.sndhwm=10
  -h, --help         show this text

Exit status: 0 stopped by a signal, 1 runtime failure (e.g. bind failed),
2 bad usage.
)";
}

} // namespace mqcat
