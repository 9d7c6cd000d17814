#pragma once

// Shared parts of hosts-peer (hosts_peer.cpp, hosts_peer_dealers.cpp): the
// key=value arguments, libzmq options, stdout reports, stdin commands.

#include <zmq.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace hosts_peer {

/// The clock of every time stamp (the test process's too).
using clock_type = std::chrono::steady_clock;

/// Now, in nanoseconds of `clock_type`.
inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           clock_type::now().time_since_epoch())
    .count();
}

/// Prints one report line and flushes it.
inline void say(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

/// key=value arguments (a key may repeat).
using args_map = std::multimap<std::string, std::string>;

/// The integer argument `key`, or `fallback`.
inline int num(const args_map& args, const std::string& key, int fallback) {
  auto i = args.find(key);
  return i == args.end() ? fallback : std::stoi(i->second);
}

/// The argument `key`, or an empty string.
inline std::string str(const args_map& args, const std::string& key) {
  auto i = args.find(key);
  return i == args.end() ? std::string{} : i->second;
}

/// Applies the liveness and queue options of `args` to `s`.
inline void configure(zmq::socket_t& s, const args_map& args) {
  s.set(zmq::sockopt::linger, 0);
  auto opt = [&](const char* key, int zopt) {
    auto i = args.find(key);
    if (i != args.end()) {
      int v = std::stoi(i->second);
      zmq_setsockopt(s.handle(), zopt, &v, sizeof(v));
    }
  };
  opt("sndhwm", ZMQ_SNDHWM);
  opt("rcvhwm", ZMQ_RCVHWM);
  opt("hb_ivl", ZMQ_HEARTBEAT_IVL);
  opt("hb_timeout", ZMQ_HEARTBEAT_TIMEOUT);
  opt("hb_ttl", ZMQ_HEARTBEAT_TTL);
  opt("reconnect_ivl", ZMQ_RECONNECT_IVL);
  opt("connect_timeout", ZMQ_CONNECT_TIMEOUT);
  opt("tcp_keepalive", ZMQ_TCP_KEEPALIVE);
  opt("tcp_keepalive_idle", ZMQ_TCP_KEEPALIVE_IDLE);
  opt("tcp_keepalive_intvl", ZMQ_TCP_KEEPALIVE_INTVL);
  opt("tcp_keepalive_cnt", ZMQ_TCP_KEEPALIVE_CNT);
  opt("tcp_maxrt", ZMQ_TCP_MAXRT);
}

/// Reads stdin lines without blocking; returns false at end of input.
inline bool read_commands(std::string& partial, std::vector<std::string>& out) {
  char buf[4096];
  auto n = ::read(STDIN_FILENO, buf, sizeof(buf));
  if (n <= 0)
    return n < 0 && errno == EINTR;
  partial.append(buf, static_cast<size_t>(n));
  size_t pos;
  while ((pos = partial.find('\n')) != std::string::npos) {
    out.push_back(partial.substr(0, pos));
    partial.erase(0, pos + 1);
  }
  return true;
}

/// The words of `line`.
inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> result;
  std::istringstream in{line};
  std::string w;
  while (in >> w)
    result.push_back(w);
  return result;
}

/// The `dealers` role (hosts_peer_dealers.cpp).
int run_dealers(const args_map& args);

} // namespace hosts_peer
