// hosts-peer's `dealers` role (see hosts_peer.cpp): N DEALERs in one
// process, each keeping one request out.

#include "hosts_peer.hpp"

#include <algorithm>

namespace hosts_peer {

int run_dealers(const args_map& args) {
  struct dealer {
    dealer(zmq::socket_t s, std::string name)
      : sock(std::move(s)), id(std::move(name)) {
      // nop
    }
    zmq::socket_t sock;
    std::string id;
    uint64_t seq = 0;
    bool waiting = false;
    clock_type::time_point sent;
    clock_type::time_point next_send;
    clock_type::time_point last_reply;
    std::chrono::milliseconds max_gap{0};
    bool progressed = false;
  };
  zmq::context_t ctx;
  auto n = num(args, "n", 10);
  auto pace = std::chrono::milliseconds{num(args, "pace", 50)};
  auto resend = std::chrono::milliseconds{num(args, "resend", 1000)};
  auto ep = str(args, "connect");
  auto prefix = str(args, "prefix");
  std::vector<dealer> ds;
  auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    dealer d{zmq::socket_t{ctx, zmq::socket_type::dealer},
             prefix + "-" + std::to_string(i)};
    configure(d.sock, args);
    d.sock.set(zmq::sockopt::routing_id, d.id);
    if (auto b = str(args, "bind"); !b.empty()) {
      d.sock.bind(b);
      say("endpoint " + d.sock.get(zmq::sockopt::last_endpoint));
    } else {
      d.sock.connect(ep);
    }
    d.next_send = start;
    d.last_reply = start;
    ds.push_back(std::move(d));
  }
  say("ready " + ep);
  uint64_t replies = 0;
  std::string partial;
  for (;;) {
    auto now = clock_type::now();
    for (auto& d : ds) {
      if ((!d.waiting && now >= d.next_send)
          || (d.waiting && now - d.sent >= resend)) {
        auto body = d.id + " " + std::to_string(d.seq + 1);
        // Without a peer yet (a bound DEALER) the send fails: try later.
        if (!d.sock.send(zmq::buffer(body), zmq::send_flags::dontwait)) {
          d.waiting = false;
          d.next_send = now + std::chrono::milliseconds{10};
          continue;
        }
        ++d.seq;
        d.waiting = true;
        d.sent = now;
      }
    }
    std::vector<zmq::pollitem_t> items;
    for (auto& d : ds)
      items.push_back({d.sock.handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({nullptr, STDIN_FILENO, ZMQ_POLLIN, 0});
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds{10});
    } catch (const zmq::error_t&) {
      continue;
    }
    now = clock_type::now();
    for (size_t i = 0; i < ds.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN))
        continue;
      auto& d = ds[i];
      zmq::message_t msg;
      while (d.sock.recv(msg, zmq::recv_flags::dontwait)) {
        // Only the reply to the request out counts (older ones were resent).
        if (msg.to_string() != d.id + " " + std::to_string(d.seq))
          continue;
        ++replies;
        d.waiting = false;
        d.next_send = now + pace;
        auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(
          now - d.last_reply);
        d.max_gap = std::max(d.max_gap, gap);
        d.last_reply = now;
        d.progressed = true;
      }
    }
    if (items.back().revents & ZMQ_POLLIN) {
      std::vector<std::string> cmds;
      if (!read_commands(partial, cmds))
        return 0;
      for (auto& cmd : cmds) {
        if (cmd == "quit")
          return 0;
        if (cmd != "report")
          continue;
        int progressed = 0;
        std::chrono::milliseconds gap{0};
        for (auto& d : ds) {
          progressed += d.progressed ? 1 : 0;
          auto open = std::chrono::duration_cast<std::chrono::milliseconds>(
            now - d.last_reply);
          gap = std::max({gap, d.max_gap, open});
          d.progressed = false;
          d.max_gap = std::chrono::milliseconds{0};
        }
        say("report " + std::to_string(progressed) + " "
            + std::to_string(replies) + " " + std::to_string(gap.count()));
        replies = 0;
      }
    }
  }
}

} // namespace hosts_peer
