#pragma once

// Shared pieces of the host suites: the actor system with our sockets (the
// interop client), the liveness settings under test (ours and libzmq's, the
// same values), a libzmq reference socket with a monitor in the test process
// (the libzmq <-> libzmq baseline in the same topology), detection-time
// measurement and the `DETECT` lines the closing table is made of.
//
// A suite file defines CAF_SUITE and then includes this header. Our socket
// runs in the root namespace, the libzmq peers in the hosts' namespaces.

#include "host.hpp"
#include "interop_fixture.hpp"
#include "peer_process.hpp"

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace hosts {

using namespace std::chrono_literals;
using interop::client;

// -- settings -----------------------------------------------------------------

/// One way to find a dead peer, for our sockets and the libzmq peers alike.
struct liveness {
  /// Name in the DETECT lines ("heartbeat", "keepalive", "tcp_maxrt").
  std::string name;
  /// Applies the setting to our socket options.
  std::function<void(mq::socket_options&)> ours;
  /// The same setting as hosts-peer arguments (libzmq options).
  std::vector<std::string> peer_args;
  /// Whether detection needs the connection idle at the cut (TCP keepalive
  /// probes only while nothing is in flight).
  bool idle_at_cut = false;
};

/// Heartbeats: a PING every 100 ms, the peer dead after 1 s of silence.
inline liveness heartbeat_liveness() {
  return {"heartbeat",
          [](mq::socket_options& o) {
            o.heartbeat_ivl = 100ms;
            o.heartbeat_timeout = 1000ms;
          },
          {"hb_ivl=100", "hb_timeout=1000"},
          false};
}

/// TCP keepalive, no heartbeats: probes after 1 s idle, every 1 s, dead
/// after 2 unanswered (~3 s). The kernel probes only while nothing is in
/// flight, so the cut comes when the connection is idle.
inline liveness keepalive_liveness() {
  return {"keepalive",
          [](mq::socket_options& o) {
            o.tcp_keepalive = 1;
            o.tcp_keepalive_idle = 1;
            o.tcp_keepalive_intvl = 1;
            o.tcp_keepalive_cnt = 2;
          },
          {"tcp_keepalive=1", "tcp_keepalive_idle=1", "tcp_keepalive_intvl=1",
           "tcp_keepalive_cnt=2"},
          true};
}

/// TCP_USER_TIMEOUT (`tcp_maxrt`) 1 s, no heartbeats: unacknowledged data
/// older than 1 s drops the connection. Plus the keepalive above, so the
/// end that has nothing in flight at the cut notices too (TCP_USER_TIMEOUT
/// alone never fires on an idle connection). Cut under traffic.
inline liveness tcp_maxrt_liveness() {
  return {"tcp_maxrt",
          [](mq::socket_options& o) {
            o.tcp_maxrt = 1000ms;
            o.tcp_keepalive = 1;
            o.tcp_keepalive_idle = 1;
            o.tcp_keepalive_intvl = 1;
            o.tcp_keepalive_cnt = 2;
          },
          {"tcp_maxrt=1000", "tcp_keepalive=1", "tcp_keepalive_idle=1",
           "tcp_keepalive_intvl=1", "tcp_keepalive_cnt=2"},
          false};
}

/// Peer arguments every libzmq peer gets: quick reconnects, and a connect
/// that gives up after 500 ms (a SYN into a cut link is never answered).
inline std::vector<std::string> peer_defaults() {
  return {"reconnect_ivl=100", "connect_timeout=500"};
}

/// Socket options of our sockets: no linger (a test ends at once), quick
/// reconnects, and `live` applied.
inline mq::socket_options our_options(client& c, const liveness& live) {
  auto opts = c.defaults();
  opts.linger = caf::timespan{0};
  opts.reconnect_ivl = 100ms;
  opts.handshake_timeout = 2s;
  opts.connect_timeout = 500ms; // as the libzmq peers (peer_defaults)
  if (live.ours)
    live.ours(opts);
  return opts;
}

/// Concatenates argument lists.
inline std::vector<std::string>
args(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> result;
  for (auto& p : parts)
    result.insert(result.end(), p.begin(), p.end());
  return result;
}

// -- measurement --------------------------------------------------------------

/// Milliseconds between two `now_ns` values.
inline double ms_between(int64_t from, int64_t to) {
  return static_cast<double>(to - from) / 1e6;
}

/// Prints one measurement as a `DETECT` line (collected into docs/hosts.md):
/// scenario, setting, our side of the cut, who detected, milliseconds.
inline void report(const std::string& scenario, const std::string& setting,
                   const std::string& side, const std::string& who,
                   std::optional<double> ms) {
  std::ostringstream line;
  line << "DETECT scenario=" << scenario << " setting=" << setting
       << " side=" << side << " who=" << who << " ms=";
  if (ms)
    line << std::fixed << std::setprecision(0) << *ms;
  else
    line << "none";
  std::cerr << line.str() << std::endl;
  CAF_MESSAGE(line.str());
}

/// Returns the peers of `st` that are up.
inline size_t up_peers(const mq::socket_stats& st) {
  size_t n = 0;
  for (auto& p : st.peers)
    n += p.up ? 1 : 0;
  return n;
}

// -- a libzmq reference socket in the test process ----------------------------

/// A libzmq socket in the root namespace with a monitor: the libzmq side of
/// the baseline (libzmq <-> libzmq across the same cut). A thread of its own
/// reads the monitor and stamps each event when it arrives.
class ref_socket {
public:
  ref_socket(zmq::context_t& ctx, zmq::socket_type type, const liveness& live,
             const std::string& name)
    : sock_(ctx, type) {
    sock_.set(zmq::sockopt::linger, 0);
    sock_.set(zmq::sockopt::reconnect_ivl, 100);
    sock_.set(zmq::sockopt::connect_timeout, 500);
    for (auto& a : live.peer_args) {
      auto eq = a.find('=');
      auto key = a.substr(0, eq);
      int v = std::stoi(a.substr(eq + 1));
      if (key == "hb_ivl")
        sock_.set(zmq::sockopt::heartbeat_ivl, v);
      else if (key == "hb_timeout")
        sock_.set(zmq::sockopt::heartbeat_timeout, v);
      else if (key == "tcp_keepalive")
        sock_.set(zmq::sockopt::tcp_keepalive, v);
      else if (key == "tcp_keepalive_idle")
        sock_.set(zmq::sockopt::tcp_keepalive_idle, v);
      else if (key == "tcp_keepalive_intvl")
        sock_.set(zmq::sockopt::tcp_keepalive_intvl, v);
      else if (key == "tcp_keepalive_cnt")
        sock_.set(zmq::sockopt::tcp_keepalive_cnt, v);
      else if (key == "tcp_maxrt")
        sock_.set(zmq::sockopt::tcp_maxrt, v);
    }
    auto addr = "inproc://ref-monitor-" + name;
    zmq_socket_monitor(sock_.handle(), addr.c_str(), ZMQ_EVENT_ALL);
    thread_ = std::thread{[this, &ctx, addr] { read_monitor(ctx, addr); }};
  }

  ~ref_socket() {
    stop_ = true;
    thread_.join();
  }

  ref_socket(const ref_socket&) = delete;
  ref_socket& operator=(const ref_socket&) = delete;

  /// The socket.
  zmq::socket_t& sock() noexcept {
    return sock_;
  }

  /// When the first DISCONNECTED at or after `since` came (`now_ns`).
  std::optional<int64_t> disconnected_after(int64_t since) {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto t : disconnects_)
      if (t >= since)
        return t;
    return std::nullopt;
  }

  /// Handshakes that succeeded so far.
  size_t handshakes() {
    std::lock_guard<std::mutex> guard{mtx_};
    return handshakes_.size();
  }

  /// When the first HANDSHAKE_SUCCEEDED at or after `since` came.
  std::optional<int64_t> handshake_after(int64_t since) {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto t : handshakes_)
      if (t >= since)
        return t;
    return std::nullopt;
  }

  /// Receives one message without waiting (its frames as strings).
  std::optional<std::vector<std::string>> try_recv() {
    std::vector<std::string> result;
    zmq::message_t part;
    if (!sock_.recv(part, zmq::recv_flags::dontwait))
      return std::nullopt;
    result.push_back(part.to_string());
    while (part.more()) {
      if (!sock_.recv(part))
        break;
      result.push_back(part.to_string());
    }
    return result;
  }

  /// Drains every received message; returns how many.
  size_t drain() {
    size_t n = 0;
    for (;;) {
      zmq::message_t part;
      if (!sock_.recv(part, zmq::recv_flags::dontwait))
        return n;
      if (!part.more())
        ++n;
    }
  }

private:
  void read_monitor(zmq::context_t& ctx, const std::string& addr) {
    zmq::socket_t mon{ctx, zmq::socket_type::pair};
    mon.set(zmq::sockopt::linger, 0);
    mon.set(zmq::sockopt::rcvtimeo, 20);
    mon.connect(addr);
    while (!stop_) {
      zmq::message_t head;
      zmq::message_t addr_part;
      try {
        if (!mon.recv(head))
          continue;
        if (head.more())
          (void) mon.recv(addr_part);
      } catch (const zmq::error_t&) {
        continue; // EINTR
      }
      auto t = now_ns();
      if (head.size() < 6)
        continue;
      uint16_t ev = 0;
      std::memcpy(&ev, head.data(), 2);
      std::lock_guard<std::mutex> guard{mtx_};
      if (ev == ZMQ_EVENT_DISCONNECTED)
        disconnects_.push_back(t);
      else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        handshakes_.push_back(t);
    }
  }

  zmq::socket_t sock_;
  std::atomic<bool> stop_{false};
  std::mutex mtx_;
  std::vector<int64_t> disconnects_;
  std::vector<int64_t> handshakes_;
  std::thread thread_;
};

// -- waiting ------------------------------------------------------------------

/// Polls `pred` every 5 ms until it holds or `limit` passes.
template <class Pred>
bool await(Pred pred, std::chrono::milliseconds limit) {
  return client::await(pred, limit);
}

/// The libzmq peer's `ready <endpoint>` line, or a failure.
inline std::string ready(peer_process& p) {
  auto ep = p.expect("ready ", 5s);
  if (!ep)
    CAF_FAIL("peer did not start");
  return *ep;
}

/// The port of "tcp://a.b.c.d:port".
inline std::string port_of(const std::string& ep) {
  return ep.substr(ep.rfind(':') + 1);
}

} // namespace hosts
