#pragma once

// The libzmq side of the zmq_* perf tools: a context and one socket, bound
// or connected, closed (with the default infinite linger) on destruction.

#include "perf_args.hpp"

#include <zmq.h>

#include <cerrno>

namespace perf {

/// A libzmq context with one socket of `type` on `endpoint`.
class zmq_peer {
public:
  zmq_peer(int type, const char* endpoint, bool bind) {
    ctx_ = zmq_ctx_new();
    if (ctx_ == nullptr)
      die("zmq_ctx_new", zmq_strerror(errno));
    sock_ = zmq_socket(ctx_, type);
    if (sock_ == nullptr)
      die("zmq_socket", zmq_strerror(errno));
    auto rc = bind ? zmq_bind(sock_, endpoint) : zmq_connect(sock_, endpoint);
    if (rc != 0)
      die(bind ? "zmq_bind" : "zmq_connect", zmq_strerror(errno));
  }

  ~zmq_peer() {
    zmq_close(sock_);
    zmq_ctx_term(ctx_);
  }

  zmq_peer(const zmq_peer&) = delete;
  zmq_peer& operator=(const zmq_peer&) = delete;

  /// Returns the socket.
  void* sock() const noexcept {
    return sock_;
  }

private:
  void* ctx_ = nullptr;
  void* sock_ = nullptr;
};

} // namespace perf
