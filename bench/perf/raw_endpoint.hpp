// raw_endpoint.hpp: plain blocking sockets for the raw_* reference tools:
// endpoint parsing (tcp://HOST:PORT, tcp://*:PORT, ipc:///path), accepting
// one peer, connecting with retries, and exact reads / writes.
#pragma once

#include "perf_args.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

namespace perf {

struct endpoint {
  bool ipc = false;
  std::string host; // tcp only; "*" means any address
  std::string port; // tcp only
  std::string path; // ipc only
};

inline endpoint parse_endpoint(const std::string& str) {
  endpoint ep;
  if (str.rfind("ipc://", 0) == 0) {
    ep.ipc = true;
    ep.path = str.substr(6);
    if (ep.path.empty() || ep.path.size() >= sizeof(sockaddr_un::sun_path))
      die("endpoint", "bad ipc path in " + str);
    return ep;
  }
  auto colon = str.rfind(':');
  if (str.rfind("tcp://", 0) != 0 || colon == std::string::npos || colon < 6)
    die("endpoint", "expected tcp://HOST:PORT or ipc:///path, got " + str);
  ep.host = str.substr(6, colon - 6);
  ep.port = str.substr(colon + 1);
  return ep;
}

inline std::string errno_str() {
  return std::strerror(errno);
}

inline void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

inline sockaddr_un ipc_address(const endpoint& ep) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, ep.path.c_str(), ep.path.size() + 1);
  return addr;
}

inline addrinfo* tcp_address(const endpoint& ep, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  const char* host = ep.host == "*" ? nullptr : ep.host.c_str();
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host, ep.port.c_str(), &hints, &res); rc != 0)
    die("getaddrinfo", gai_strerror(rc));
  return res;
}

// Binds, accepts exactly one peer and returns its (blocking) socket.
inline int accept_one(const std::string& str) {
  auto ep = parse_endpoint(str);
  int lfd = -1;
  if (ep.ipc) {
    auto addr = ipc_address(ep);
    ::unlink(ep.path.c_str());
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)))
      die("bind", errno_str());
  } else {
    auto* ai = tcp_address(ep, true);
    lfd = socket(ai->ai_family, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (lfd < 0 || bind(lfd, ai->ai_addr, ai->ai_addrlen) != 0)
      die("bind", errno_str());
    freeaddrinfo(ai);
  }
  if (listen(lfd, 1) != 0)
    die("listen", errno_str());
  int fd = accept(lfd, nullptr, nullptr);
  if (fd < 0)
    die("accept", errno_str());
  close(lfd);
  if (ep.ipc)
    ::unlink(ep.path.c_str());
  else
    set_nodelay(fd);
  return fd;
}

// Connects, retrying for up to 10 s while the peer is not listening yet.
inline int connect_to(const std::string& str) {
  auto ep = parse_endpoint(str);
  for (int attempt = 0;; ++attempt) {
    int fd = -1;
    int rc = -1;
    if (ep.ipc) {
      auto addr = ipc_address(ep);
      fd = socket(AF_UNIX, SOCK_STREAM, 0);
      rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    } else {
      auto* ai = tcp_address(ep, false);
      fd = socket(ai->ai_family, SOCK_STREAM, 0);
      rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
      freeaddrinfo(ai);
    }
    if (rc == 0) {
      if (!ep.ipc)
        set_nodelay(fd);
      return fd;
    }
    bool retry = errno == ECONNREFUSED || errno == ENOENT;
    close(fd);
    if (!retry || attempt == 1000)
      die("connect", errno_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Writes all of [data, data + len).
inline void write_all(int fd, const void* data, size_t len) {
  auto* ptr = static_cast<const char*>(data);
  while (len > 0) {
    auto n = ::write(fd, ptr, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      die("write", errno_str());
    ptr += n;
    len -= static_cast<size_t>(n);
  }
}

// Writes both buffers completely, with as few system calls as possible.
inline void writev_all(int fd, const void* a, size_t a_len, const void* b,
                       size_t b_len) {
  iovec iov[2] = {{const_cast<void*>(a), a_len}, {const_cast<void*>(b), b_len}};
  auto n = ::writev(fd, iov, 2);
  if (n < 0 && errno != EINTR)
    die("writev", errno_str());
  size_t done = n < 0 ? 0 : static_cast<size_t>(n);
  if (done < a_len) {
    write_all(fd, static_cast<const char*>(a) + done, a_len - done);
    done = a_len;
  }
  write_all(fd, static_cast<const char*>(b) + (done - a_len),
            b_len - (done - a_len));
}

// Reads exactly len bytes; dies on EOF.
inline void read_all(int fd, void* data, size_t len) {
  auto* ptr = static_cast<char*>(data);
  while (len > 0) {
    auto n = ::read(fd, ptr, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die("read", errno_str());
    if (n == 0)
      die("read", "connection closed by peer");
    ptr += n;
    len -= static_cast<size_t>(n);
  }
}

} // namespace perf
