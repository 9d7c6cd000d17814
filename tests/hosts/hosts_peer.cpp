// hosts-peer: the libzmq side of the host suites (tests/hosts/), one
// process per host, run inside the host's namespace by `ip netns exec`.
//
//   hosts-peer socket type=T (bind=EP | connect=EP) [options]
//   hosts-peer dealers n=N (connect=EP | bind=EP) prefix=P [options]
//
// `socket`: one libzmq socket of type T (dealer, router, pub, sub, push,
// pull). `echo=1` sends every received message back as it came (a ROUTER's
// reply goes to the routing id it came from); otherwise each one is reported
// as `msg <first frame> <bytes>` (`quiet=1`: only counted). `subscribe=X`
// (SUB, repeatable) subscribes to prefix X.
//
// `socket` may connect= several endpoints.
// `dealers`: N DEALERs with routing ids P-0 .. P-(N-1), each connecting to
// EP or binding its own port of EP (reported as `endpoint <ep>`); each keeps one
// request `<id> <seq>` out, sends the next one `pace` ms after the reply
// and sends again when no reply came within `resend` ms.
//
// Options: id=, sndhwm=, rcvhwm=, hb_ivl=, hb_timeout=, hb_ttl=,
// reconnect_ivl=, connect_timeout=, tcp_keepalive=, tcp_keepalive_idle=,
// tcp_keepalive_intvl=, tcp_keepalive_cnt=, tcp_maxrt= (libzmq's options,
// times in ms), pace=, resend=.
//
// Stdout, one line each: `ready <endpoint>` once bound/connected; `event
// <NAME> <t_ns> <value> <endpoint>` for each monitor event (steady clock,
// comparable with the test's); `msg ...`; answers to stdin commands:
//   send F1 F2 ...   sends a multipart message (frames split at spaces)
//   count            -> `count <messages> <bytes>`
//   report           -> `report <dealers with a reply since the last report>
//                       <replies> <longest gap between replies in ms>`
//   quit             exits
#include "hosts_peer.hpp"

#include <cstring>

using namespace hosts_peer;

namespace {

const char* event_name(uint16_t ev) {
  switch (ev) {
    case ZMQ_EVENT_CONNECTED:
      return "CONNECTED";
    case ZMQ_EVENT_CONNECT_DELAYED:
      return "CONNECT_DELAYED";
    case ZMQ_EVENT_CONNECT_RETRIED:
      return "CONNECT_RETRIED";
    case ZMQ_EVENT_LISTENING:
      return "LISTENING";
    case ZMQ_EVENT_BIND_FAILED:
      return "BIND_FAILED";
    case ZMQ_EVENT_ACCEPTED:
      return "ACCEPTED";
    case ZMQ_EVENT_ACCEPT_FAILED:
      return "ACCEPT_FAILED";
    case ZMQ_EVENT_CLOSED:
      return "CLOSED";
    case ZMQ_EVENT_CLOSE_FAILED:
      return "CLOSE_FAILED";
    case ZMQ_EVENT_DISCONNECTED:
      return "DISCONNECTED";
    case ZMQ_EVENT_MONITOR_STOPPED:
      return "MONITOR_STOPPED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      return "HANDSHAKE_FAILED_NO_DETAIL";
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
      return "HANDSHAKE_SUCCEEDED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      return "HANDSHAKE_FAILED_PROTOCOL";
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return "HANDSHAKE_FAILED_AUTH";
    default:
      return "UNKNOWN";
  }
}

/// Reports the monitor events of one socket.
struct monitor {
  zmq::socket_t pair;

  monitor(zmq::context_t& ctx, zmq::socket_t& s, const std::string& addr)
    : pair(ctx, zmq::socket_type::pair) {
    zmq_socket_monitor(s.handle(), addr.c_str(), ZMQ_EVENT_ALL);
    pair.set(zmq::sockopt::linger, 0);
    pair.connect(addr);
  }

  void drain() {
    for (;;) {
      zmq::message_t head;
      zmq::message_t addr;
      if (!pair.recv(head, zmq::recv_flags::dontwait))
        return;
      if (head.more())
        (void) pair.recv(addr);
      if (head.size() < 6)
        continue;
      uint16_t ev = 0;
      uint32_t value = 0;
      std::memcpy(&ev, head.data(), 2);
      std::memcpy(&value, static_cast<const char*>(head.data()) + 2, 4);
      say(std::string{"event "} + event_name(ev) + " "
          + std::to_string(now_ns()) + " " + std::to_string(value) + " "
          + addr.to_string());
    }
  }
};

zmq::socket_type type_of(const std::string& name) {
  if (name == "dealer")
    return zmq::socket_type::dealer;
  if (name == "router")
    return zmq::socket_type::router;
  if (name == "pub")
    return zmq::socket_type::pub;
  if (name == "sub")
    return zmq::socket_type::sub;
  if (name == "push")
    return zmq::socket_type::push;
  if (name == "pull")
    return zmq::socket_type::pull;
  say("error unknown socket type " + name);
  std::exit(2);
}

void send_parts(zmq::socket_t& s, const std::vector<std::string>& parts,
                size_t first) {
  for (auto i = first; i < parts.size(); ++i) {
    auto flags = i + 1 < parts.size() ? zmq::send_flags::sndmore
                                      : zmq::send_flags::dontwait;
    (void) s.send(zmq::buffer(parts[i]), flags);
  }
}

int run_socket(const args_map& args) {
  zmq::context_t ctx;
  zmq::socket_t s{ctx, type_of(str(args, "type"))};
  configure(s, args);
  if (auto id = str(args, "id"); !id.empty())
    s.set(zmq::sockopt::routing_id, id);
  auto [lo, hi] = args.equal_range("subscribe");
  for (auto i = lo; i != hi; ++i)
    s.set(zmq::sockopt::subscribe, i->second);
  monitor mon{ctx, s, "inproc://monitor"};
  std::string ep;
  if (auto b = str(args, "bind"); !b.empty()) {
    s.bind(b);
    ep = s.get(zmq::sockopt::last_endpoint);
  } else {
    // Several connect= arguments: one socket connected to each.
    auto [first, last] = args.equal_range("connect");
    for (auto i = first; i != last; ++i) {
      ep = i->second;
      s.connect(ep);
    }
  }
  say("ready " + ep);
  bool echo = num(args, "echo", 0) != 0;
  bool quiet = num(args, "quiet", 0) != 0;
  bool can_recv = str(args, "type") != "pub" && str(args, "type") != "push";
  uint64_t count = 0;
  uint64_t bytes = 0;
  std::string partial;
  for (;;) {
    zmq::pollitem_t items[] = {
      {s.handle(), 0, static_cast<short>(can_recv ? ZMQ_POLLIN : 0), 0},
      {mon.pair.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, STDIN_FILENO, ZMQ_POLLIN, 0},
    };
    try {
      zmq::poll(items, 3, std::chrono::milliseconds{100});
    } catch (const zmq::error_t&) {
      continue; // EINTR (SIGSTOP / SIGCONT)
    }
    if (items[1].revents & ZMQ_POLLIN)
      mon.drain();
    if (items[0].revents & ZMQ_POLLIN) {
      for (int k = 0; k < 256; ++k) {
        std::vector<zmq::message_t> parts;
        zmq::message_t part;
        if (!s.recv(part, zmq::recv_flags::dontwait))
          break;
        parts.push_back(std::move(part));
        while (parts.back().more()) {
          zmq::message_t next;
          (void) s.recv(next);
          parts.push_back(std::move(next));
        }
        ++count;
        size_t n = 0;
        for (auto& p : parts)
          n += p.size();
        bytes += n;
        if (echo) {
          for (size_t i = 0; i < parts.size(); ++i)
            (void) s.send(parts[i], i + 1 < parts.size()
                                      ? zmq::send_flags::sndmore
                                      : zmq::send_flags::dontwait);
        } else if (!quiet) {
          // ROUTER: the first frame is the routing id; report the next.
          auto& first = parts.size() > 1 && str(args, "type") == "router"
                          ? parts[1]
                          : parts[0];
          auto text = first.to_string().substr(0, 64);
          for (auto& c : text)
            if (c == '\n' || c == '\0')
              c = '.';
          say("msg " + text + " " + std::to_string(n));
        }
      }
    }
    if (items[2].revents & ZMQ_POLLIN) {
      std::vector<std::string> cmds;
      if (!read_commands(partial, cmds))
        return 0;
      for (auto& cmd : cmds) {
        auto w = split(cmd);
        if (w.empty())
          continue;
        if (w[0] == "send")
          send_parts(s, w, 1);
        else if (w[0] == "count")
          say("count " + std::to_string(count) + " " + std::to_string(bytes));
        else if (w[0] == "quit")
          return 0;
      }
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hosts-peer socket|dealers key=value...\n");
    return 2;
  }
  args_map args;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (eq == std::string::npos)
      args.emplace(a, "1");
    else
      args.emplace(a.substr(0, eq), a.substr(eq + 1));
  }
  try {
    std::string role = argv[1];
    if (role == "socket")
      return run_socket(args);
    if (role == "dealers")
      return run_dealers(args);
    std::fprintf(stderr, "hosts-peer: unknown role %s\n", role.c_str());
    return 2;
  } catch (const std::exception& ex) {
    say(std::string{"error "} + ex.what());
    return 1;
  }
}
