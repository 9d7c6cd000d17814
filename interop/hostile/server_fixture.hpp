#pragma once

// Fixture of the hostile_server_* suites (issue 21 §5, the other
// direction): our CONNECTING sockets (DEALER, REQ, SUB, PUSH, PAIR) against
// a malicious server, a raw TCP listener on a thread of this process that
// runs one attack on every connection it accepts, from small fixed buffers.
// For each type the suite checks that the connecting socket stays bounded
// (RSS, at most one connection and one connect entry at any time, always
// the same connect slot), reports each failure (socket events) and
// reconnects: the server sees `cycles` connections.

#include "hostile/event_recorder.hpp"
#include "hostile/fixture.hpp"

#include <functional>
#include <poll.h>
#include <set>

namespace hostile {

/// One connection of the hostile server: the accepted connection and the
/// socket type it pretends to be (the counterpart of our client).
using server_attack = std::function<void(connection&, const std::string&)>;

/// A raw listener that runs an attack on each accepted connection, one
/// connection at a time, until stopped.
class hostile_server {
public:
  explicit hostile_server(server_attack attack) : attack_(std::move(attack)) {
    listener_ = interop::raw_tcp::listen(port_);
  }

  ~hostile_server() { stop(); }

  /// Starts accepting; the attackers announce `peer_type`.
  void start(std::string peer_type) {
    stop();
    stop_ = false;
    accepted_ = 0;
    finished_ = 0;
    thread_ = std::thread{[this, t = std::move(peer_type)] { run(t); }};
  }

  /// Stops accepting and ends the current attack (at its next write).
  void stop() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }

  /// Whether the listener is up.
  bool valid() const { return listener_.valid(); }

  /// The endpoint our client connects to.
  std::string endpoint() const {
    return "tcp://127.0.0.1:" + std::to_string(port_);
  }

  /// Connections accepted since `start`.
  size_t accepted() const { return accepted_; }

  /// Attacks that ran to their end since `start`.
  size_t finished() const { return finished_; }

  /// Whether `stop` was called (attacks poll it while they hold).
  bool stopping() const { return stop_; }

private:
  void run(const std::string& peer_type) {
    while (!stop_) {
      pollfd pfd{listener_.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0)
        continue;
      int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      ++accepted_;
      auto c = connection::adopt(fd, 500ms);
      attack_(c, peer_type);
      ++finished_;
    }
  }

  server_attack attack_;
  interop::raw_tcp listener_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{true};
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> finished_{0};
};

/// What one client type did against the hostile server.
struct client_tally {
  /// Attacks the server ran to their end (one per connection).
  size_t cycles = 0;
  /// Most connection incarnations the socket listed at once.
  size_t max_peers = 0;
  /// Most connect entries (connecting / retrying) it listed at once.
  size_t max_connecting = 0;
  /// Distinct connect slots (`peer_stats::key`, `socket_event::key`) seen.
  size_t keys = 0;
  /// Distinct incarnations (`peer_stats::epoch`) seen.
  size_t epochs = 0;
  /// Failures it reported (events matching the suite's expectation).
  size_t reported = 0;
  /// Most received messages it held at once (all incarnations).
  uint64_t max_in_queue = 0;
};

/// Our connecting sockets against a `hostile_server`.
struct server_fixture : fixture {
  /// The client types the suites run (libzmq's counterpart each: what the
  /// server announces).
  static std::vector<std::pair<std::string, std::string>> client_types() {
    return {{"DEALER", "ROUTER"},
            {"REQ", "REP"},
            {"SUB", "PUB"},
            {"PUSH", "PULL"},
            {"PAIR", "PAIR"}};
  }

  /// Spawns our connecting socket of `type` with `opts`.
  mq::socket_base_actor spawn_client(const std::string& type,
                                     mq::socket_options opts) {
    auto as_base = [](auto h) {
      return caf::actor_cast<mq::socket_base_actor>(h);
    };
    if (type == "DEALER")
      return as_base(mq::spawn_dealer(sys, std::move(opts)));
    if (type == "REQ")
      return as_base(mq::spawn_req(sys, std::move(opts)));
    if (type == "SUB") {
      auto sub = mq::spawn_sub(sys, std::move(opts));
      self->request(sub, interop::timeout, mq::subscribe_to_atom::value,
                    std::string{})
          .receive([](caf::ok_atom) {}, [](caf::error&) {});
      return as_base(sub);
    }
    if (type == "PUSH")
      return as_base(mq::spawn_push(sys, std::move(opts)));
    return as_base(mq::spawn_pair(sys, std::move(opts)));
  }

  /// Connects a client of each type to a server running `attack`, waits
  /// for `cycles` attacks to end and `cycles - 1` failures to be reported
  /// (events of `reported` kinds whose reason contains `reason`), samples
  /// the client's stats meanwhile. Checks the bounds for each type (at most
  /// one connection and one connect entry at once, one connect slot, at
  /// most RCVHWM plus the reads in flight of messages held); RSS +<=
  /// `bound_mib` over all of them.
  void run_clients(server_attack attack, mq::socket_event_mask reported,
                   const std::string& reason, size_t cycles = 3,
                   mq::socket_options opts = {}, int64_t bound_mib = 16) {
    hostile_server server{std::move(attack)};
    CAF_REQUIRE(server.valid());
    rss.start();
    for (auto& [type, peer_type] : client_types()) {
      server.start(peer_type);
      auto client = spawn_client(type, opts);
      auto t = run_client(server, client, reported, reason, cycles);
      close(client); // first: an attack may hold until the client leaves
      server.stop();
      CAF_MESSAGE(type << ": " << t.cycles << " connections, at most "
                       << t.max_peers << " peer(s) and " << t.max_connecting
                       << " connect entr(y/ies) at once, " << t.keys
                       << " slot(s), " << t.epochs << " incarnation(s), "
                       << t.reported << " failure(s) reported");
      CAF_CHECK_GREATER_OR_EQUAL(t.cycles, cycles);
      CAF_CHECK_GREATER_OR_EQUAL(t.reported, cycles - 1);
      CAF_CHECK_LESS_OR_EQUAL(t.max_peers, 1u);
      CAF_CHECK_LESS_OR_EQUAL(t.max_connecting, 1u);
      CAF_CHECK_EQUAL(t.keys, 1u);
      // RCVHWM plus what the reads in flight carry: the socket actor reads
      // on until the connection's "stop reading" reaches it (seen: up to
      // ~3 receive buffers). 4 buffers of 64 KiB in 1 KiB messages: 256.
      CAF_CHECK_LESS_OR_EQUAL(t.max_in_queue, opts.rcvhwm + 256);
    }
    auto peak = rss.peak_growth();
    CAF_MESSAGE("RSS peak +" << peak / 1024.0 << " MiB (bound +" << bound_mib
                             << " MiB)");
    if (rss_bounds_apply)
      CAF_CHECK_LESS_OR_EQUAL(peak, bound_mib * 1024);
  }

  /// The module defaults with a short reconnect interval.
  mq::socket_options client_options() {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{50};
    return opts;
  }

private:
  client_tally run_client(hostile_server& server,
                          const mq::socket_base_actor& client,
                          mq::socket_event_mask reported,
                          const std::string& reason, size_t cycles) {
    client_tally t;
    event_recorder events{*this, client, reported};
    connect(client, server.endpoint());
    std::set<uint64_t> keys;
    std::set<uint64_t> epochs;
    auto count = [&] {
      size_t n = 0;
      for (auto& ev : events.all())
        n += ev.reason.find(reason) != std::string::npos ? 1 : 0;
      return n;
    };
    // Each cycle needs one reported failure after it; the last one may
    // still be running.
    await(
        [&] {
          auto st = stats(client);
          t.max_peers = std::max(t.max_peers, st.peers.size());
          t.max_connecting = std::max(t.max_connecting, st.connecting.size());
          uint64_t held = 0;
          for (auto& p : st.peers) {
            keys.insert(p.key);
            epochs.insert(p.epoch);
            held += p.in_queue;
          }
          t.max_in_queue = std::max(t.max_in_queue, held);
          return server.finished() >= cycles && count() >= cycles - 1;
        },
        20s);
    t.cycles = server.finished();
    // The reports name their connection too: reconnects come and go faster
    // than the samples above.
    for (auto& ev : events.all())
      if (ev.key != 0) {
        keys.insert(ev.key);
        epochs.insert(ev.epoch);
      }
    t.keys = keys.size();
    t.epochs = epochs.size();
    t.reported = count();
    if (t.reported < cycles - 1)
      CAF_MESSAGE("events:\n" << events.lines());
    return t;
  }
};

} // namespace hostile
