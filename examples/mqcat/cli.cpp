#include "cli.hpp"

#include "frame_text.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace mqcat {

const std::vector<std::string_view> socket_types = {
  "dealer", "router", "pub",  "sub",  "req",  "rep",
  "push",   "pull",   "pair", "xpub", "xsub",
};

namespace {

constexpr std::string_view caf_prefix = "--monocoque.";

template <class T>
std::optional<T> to_number(std::string_view str) {
  T result{};
  auto* first = str.data();
  auto* last = first + str.size();
  auto [end, ec] = std::from_chars(first, last, result);
  if (str.empty() || ec != std::errc{} || end != last)
    return std::nullopt;
  return result;
}

// Walks argv; options take their value from `--name=value` or the next
// argument. Its copies of the arguments are wiped when it goes away: some
// hold passwords.
class arg_reader {
public:
  arg_reader(int argc, char** argv) : args_(argv + 1, argv + argc) {
    // nop
  }

  arg_reader(const arg_reader&) = delete;
  arg_reader& operator=(const arg_reader&) = delete;

  ~arg_reader() {
    for (auto& arg : args_)
      wipe(arg);
    wipe(current_);
    if (inline_value_)
      wipe(*inline_value_);
  }

  bool done() const noexcept {
    return pos_ >= args_.size();
  }

  // Splits off the next argument; `name` is the part before any '='.
  void next() {
    wipe(current_);
    if (inline_value_)
      wipe(*inline_value_);
    current_ = args_[pos_++];
    inline_value_.reset();
    name_ = current_;
    if (current_.rfind("--", 0) == 0) {
      if (auto eq = current_.find('='); eq != std::string::npos) {
        name_ = current_.substr(0, eq);
        inline_value_ = current_.substr(eq + 1);
      }
    } else if (current_.size() > 2 && current_[0] == '-'
               && current_[1] != '-') {
      // Short option with its value attached: -n3, -d,
      name_ = current_.substr(0, 2);
      inline_value_ = current_.substr(2);
    }
  }

  const std::string& name() const noexcept {
    return name_;
  }

  const std::string& current() const noexcept {
    return current_;
  }

  bool has_inline_value() const noexcept {
    return inline_value_.has_value();
  }

  // Returns the option's value, or nullopt if the command line ends.
  std::optional<std::string> value() {
    auto result = value_at();
    if (!result)
      return std::nullopt;
    return std::move(result->first);
  }

  // Returns the option's value and where it is in argv.
  std::optional<std::pair<std::string, arg_origin>> value_at() {
    if (inline_value_) {
      // --name=value: the value follows the '=' in the current argument.
      auto offset = name_.size() + (name_.rfind("--", 0) == 0 ? 1 : 0);
      arg_origin where{static_cast<int>(pos_), offset};
      // Copied, then wiped: a moved-from short string keeps its bytes.
      std::string result = *inline_value_;
      wipe(*inline_value_);
      inline_value_.reset();
      return std::make_pair(std::move(result), where);
    }
    if (done())
      return std::nullopt;
    arg_origin where{static_cast<int>(pos_ + 1), 0};
    return std::make_pair(args_[pos_++], where);
  }

private:
  static void wipe(std::string& str) {
    ::monocoque::zmtp::secure_wipe(str.data(), str.size());
  }

  std::vector<std::string> args_;
  size_t pos_ = 0;
  std::string current_;
  std::string name_;
  std::optional<std::string> inline_value_;
};

// What each socket type can do with --send, --recv and --echo.
std::optional<std::string> check_directions(const args& out) {
  auto& type = out.type;
  if (type == "push" && (out.recv || out.echo))
    return "push sockets only send: use --send alone";
  if (type == "pull" && (out.send || out.echo))
    return "pull sockets only receive: use --recv alone";
  if (type == "req" && (!out.send || !out.recv || out.echo))
    return "req sockets alternate: use --send --recv (each line is a "
           "request, its reply prints), without --echo";
  if (type == "rep" && out.send == out.echo)
    return out.send ? "rep answers with --echo or with --send, not both"
                    : "rep must answer each request before the next one: add "
                      "--echo (reply with the request) or --send (reply with "
                      "the next stdin line)";
  if (type == "pub" && (out.recv || out.echo))
    return "pub sockets only send: use --send alone";
  if (type == "sub" && (out.send || out.echo))
    return "sub sockets only receive: use --recv alone";
  if (type == "sub" && out.subscriptions.empty())
    return "sub sockets receive only what they subscribed to: add "
           "--subscribe P (--subscribe '' for everything)";
  if (type == "router" && out.send && !out.delimiter)
    return "router --send needs -d C: each line's first field is the routing "
           "id of its destination";
  return std::nullopt;
}

std::optional<std::string> check(const args& out) {
  if (out.type.empty())
    return "missing socket TYPE";
  if (std::find(socket_types.begin(), socket_types.end(), out.type)
      == socket_types.end()) {
    std::string names;
    for (auto name : socket_types)
      names += (names.empty() ? "" : " ") + std::string{name};
    return "unknown socket type '" + out.type + "' (one of: " + names + ")";
  }
  if (out.endpoints.empty())
    return "give at least one --bind EP or --connect EP";
  if (!out.send && !out.recv && !out.echo)
    return "nothing to do: give --send, --recv and/or --echo";
  if (!out.subscriptions.empty() && out.type != "sub" && out.type != "xsub")
    return "--subscribe applies to sub and xsub sockets only";
  if (auto err = check_security(out.security))
    return err;
  return check_directions(out);
}

} // namespace

std::optional<std::string> parse_args(int argc, char** argv, args& out) {
  arg_reader in{argc, argv};
  while (!in.done()) {
    in.next();
    auto& name = in.name();
    auto flag = [&](bool& dst) -> std::optional<std::string> {
      if (in.has_inline_value())
        return name + " takes no value";
      dst = true;
      return std::nullopt;
    };
    std::optional<std::string> err;
    if (name == "-h" || name == "--help") {
      out.help = true;
      return std::nullopt;
    } else if (name == "--send") {
      err = flag(out.send);
    } else if (name == "--recv") {
      err = flag(out.recv);
    } else if (name == "--echo") {
      err = flag(out.echo);
    } else if (name == "-v" || name == "--verbose") {
      err = flag(out.verbose);
    } else if (name == "--events") {
      err = flag(out.events);
    } else if (name == "--bind" || name == "--connect") {
      auto ep = in.value();
      if (!ep || ep->empty())
        return name + " needs an endpoint, e.g. tcp://127.0.0.1:5555";
      out.endpoints.push_back({name == "--bind", std::move(*ep)});
    } else if (name == "-n" || name == "--count") {
      auto str = in.value();
      auto n = str ? to_number<uint64_t>(*str) : std::nullopt;
      if (!n || *n == 0)
        return name + " needs a positive number of messages";
      out.count = *n;
    } else if (name == "-d" || name == "--delimiter") {
      auto str = in.value();
      if (!str || str->size() != 1)
        return name + " needs exactly one character";
      if (!is_valid_delimiter((*str)[0]))
        return name + " cannot be a hex digit, 'x', a newline or NUL "
                      "(they would make hex frames ambiguous)";
      out.delimiter = (*str)[0];
    } else if (name == "--identity") {
      auto str = in.value();
      if (!str)
        return "--identity needs a routing id";
      auto id = parse_frame(*str);
      if (id.empty() || id.size() > 255)
        return "--identity needs 1 to 255 bytes";
      if (id[0] == '\0')
        return "--identity cannot start with a zero byte (reserved by ZMTP)";
      out.identity = std::move(id);
    } else if (name == "--subscribe") {
      auto str = in.value();
      if (!str)
        return "--subscribe needs a prefix (\"\" subscribes to everything)";
      out.subscriptions.push_back(parse_frame(*str));
    } else if (name == "--timeout") {
      auto str = in.value();
      auto ms = str ? to_number<int64_t>(*str) : std::nullopt;
      if (!ms || *ms <= 0)
        return "--timeout needs a positive number of milliseconds";
      out.timeout = std::chrono::milliseconds{*ms};
    } else if (name == "--linger") {
      auto str = in.value();
      auto ms = str ? to_number<int64_t>(*str) : std::nullopt;
      if (!ms || *ms < -1)
        return "--linger needs milliseconds (0: drop unsent messages, "
               "-1: wait until sent)";
      out.linger = std::chrono::milliseconds{*ms};
    } else if (name.rfind(caf_prefix, 0) == 0) {
      if (!in.has_inline_value())
        return "write " + name + "=VALUE";
      out.caf_options.push_back(in.current());
    } else if (auto sec = parse_security_option(
                 name, in.has_inline_value(), [&] { return in.value_at(); },
                 argv, out.security)) {
      if (!sec->empty())
        return sec;
    } else if (!name.empty() && name[0] == '-' && name != "-") {
      return "unknown option '" + name + "'";
    } else if (out.type.empty()) {
      out.type = in.current();
    } else {
      return "unexpected argument '" + in.current() + "'";
    }
    if (err)
      return err;
  }
  return check(out);
}

std::string usage() {
  return R"(usage: mqcat TYPE (--bind EP | --connect EP)... [options]

A netcat for ZeroMQ sockets, speaking ZMTP through caf-monocoque.

  TYPE               dealer router req rep push pull pair pub sub xpub xsub
  --bind EP          listen on EP (tcp://HOST:PORT, tcp://HOST:* or ipc://PATH)
  --connect EP       connect to EP (reconnects after failures)
  --send             send each stdin line as one message
  --recv             print each received message as one stdout line
  --echo             send every received message straight back
                     (router: to its sender; rep: as the reply)
  -n, --count N      exit 0 after N messages received (or sent, with --send
                     only; rep: after N requests were answered)
  -d, --delimiter C  a line holds several frames separated by C
                     (default: one frame)
  --identity ID      routing id announced to peers
  --subscribe P      sub/xsub prefix, repeatable
  --timeout MS       exit 1 with a message if nothing arrives for MS
                     (with --send only: if no message is acknowledged;
                     req: if a request gets no reply within MS)
  --linger MS        how long to flush on exit (default: until sent)
  -v, --verbose      on exit, print the socket's statistics to stderr: one
                     line for the socket, one per peer (routing id, endpoint,
                     epoch, security mechanism and user id, queue depths,
                     messages and bytes in and out, drops)
  --events           print each event of the socket to stderr as one line:
                     event NAME ENDPOINT [DETAIL] (NAME as libzmq's
                     ZMQ_EVENT_*, in lower case: listening, accepted,
                     connected, connect_retried, handshake_succeeded,
                     handshake_failed_auth, disconnected, ...; DETAIL:
                     peer=ADDR key=K epoch=E ... reason=WHY)
  --monocoque.NAME=VALUE
                     a plugin option, e.g. --monocoque.sndhwm=10
  -h, --help         show this text

)" + security_usage() + R"(
Socket types:
  dealer, pair       any of --send, --recv and --echo.
  router             a received message prints its sender's routing id as
                     the first frame, and --echo sends it back there.
                     --send needs -d: a line's first field is the routing id
                     of its destination (a line for an unknown id is
                     dropped, as in libzmq; -v counts it).
  req                --send --recv only: sends one line, prints its reply,
                     then sends the next line. Stdin's end exits 0 once the
                     last reply printed.
  rep                --echo replies with the request; --send replies with
                     the next stdin line (stdin's end exits 0 once the last
                     line went out as a reply). Add --recv to print the
                     requests. --recv alone is bad usage: a REP socket gets
                     its next request only after it replied.
  push               --send only.
  pull               --recv only.
  pub                --send only: each line goes to every subscriber whose
                     prefix matches its first frame.
  sub                --recv only, with at least one --subscribe P.
  xpub               --send publishes; --recv prints what subscribers send:
                     subscriptions as 0x01 + prefix (hex), cancels as
                     0x00 + prefix.
  xsub               --recv prints what the publishers send; --send sends
                     lines to them (0x0141 subscribes to "A", 0x0041
                     cancels it); --subscribe P sends 0x01 + P at start.

  mqcat proxy FRONTEND BACKEND [--capture SPEC] [-v] [--events]
                     [--monocoque.NAME=VALUE]
                     runs a proxy (mqcat proxy --help).
  mqcat keygen [FILE]
                     prints a new CURVE keypair as a certificate, or saves
                     it as FILE and FILE_secret.

Frames print as text when printable ASCII, free of the delimiter and not
starting with "0x"; otherwise as 0x + hex. Without -d, the frames of a
multipart message print separated by a tab. Input fields that are valid
0x + hex are decoded, so printed lines can be sent back as they are.

With --send only, stdin's end flushes (see --linger) and exits 0. With
--recv or --echo, mqcat runs until -n, --timeout or a signal ends it.
SIGINT and SIGTERM stop mqcat without flushing (after -v's statistics) and
exit 128 + the signal number.

Exit status: 0 success, 1 timeout or runtime failure, 2 bad usage.
)";
}

} // namespace mqcat
