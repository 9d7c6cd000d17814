#pragma once

// The libzmq side of the zmq_* perf tools: a context and one socket, bound
// or connected, closed (with the default infinite linger) on destruction.
// With `curve`, the bind side is the CURVE server and the connect side the
// client, both with the fixed keys of curve_keys.hpp (no ZAP handler: the
// server accepts any client key).

#include "curve_keys.hpp"
#include "perf_args.hpp"

#include <zmq.h>

#include <cerrno>
#include <cstring>

namespace perf {

/// Sets the CURVE options of `sock`: server role if `server`, else client.
inline void set_curve(void* sock, bool server) {
  auto set = [sock](int option, const curve::key& key) {
    if (zmq_setsockopt(sock, option, key.data(), key.size()) != 0)
      die("zmq_setsockopt", zmq_strerror(errno));
  };
  if (server) {
    int on = 1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &on, sizeof(on)) != 0)
      die("zmq_setsockopt", zmq_strerror(errno));
    set(ZMQ_CURVE_SECRETKEY, curve::server_secret);
  } else {
    set(ZMQ_CURVE_SERVERKEY, curve::server_public);
    set(ZMQ_CURVE_PUBLICKEY, curve::client_public);
    set(ZMQ_CURVE_SECRETKEY, curve::client_secret);
  }
}

/// Opens a socket of `type` in `ctx` (CURVE if `curve`), binds or connects
/// it to `endpoint`; dies on any error.
inline void* open_socket(void* ctx, int type, const char* endpoint, bool bind,
                         bool curve) {
  void* sock = zmq_socket(ctx, type);
  if (sock == nullptr)
    die("zmq_socket", zmq_strerror(errno));
  if (curve)
    set_curve(sock, bind);
  auto rc = bind ? zmq_bind(sock, endpoint) : zmq_connect(sock, endpoint);
  if (rc != 0)
    die(bind ? "zmq_bind" : "zmq_connect", zmq_strerror(errno));
  return sock;
}

/// A libzmq context with one socket of `type` on `endpoint`.
class zmq_peer {
public:
  zmq_peer(int type, const char* endpoint, bool bind, bool curve = false) {
    ctx_ = zmq_ctx_new();
    if (ctx_ == nullptr)
      die("zmq_ctx_new", zmq_strerror(errno));
    sock_ = open_socket(ctx_, type, endpoint, bind, curve);
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

/// The latency client's loop (libzmq's remote_lat, inproc_lat): `count`
/// round trips of one `size`-byte message on `sock` (a REQ); returns the
/// elapsed microseconds.
inline double run_roundtrips(void* sock, size_t size, long count) {
  zmq_msg_t msg;
  if (zmq_msg_init_size(&msg, size) != 0)
    die("zmq_msg_init_size", zmq_strerror(errno));
  if (size > 0)
    std::memset(zmq_msg_data(&msg), 0, size);
  stopwatch watch;
  for (long i = 0; i != count; ++i) {
    if (zmq_msg_send(&msg, sock, 0) < 0)
      die("zmq_msg_send", zmq_strerror(errno));
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != size)
      die("zmq_msg_recv", "message of incorrect size received");
  }
  double elapsed = watch.elapsed_us();
  zmq_msg_close(&msg);
  return elapsed;
}

/// The throughput receiver's loop (libzmq's local_thr, inproc_thr): receives
/// `count` messages of `size` bytes on `sock`; returns the microseconds from
/// the first message to the last.
inline double receive_all(void* sock, size_t size, long count) {
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  auto recv_one = [&] {
    if (zmq_msg_recv(&msg, sock, 0) < 0)
      die("zmq_msg_recv", zmq_strerror(errno));
    if (zmq_msg_size(&msg) != size)
      die("zmq_msg_recv", "message of incorrect size received");
  };
  recv_one();
  stopwatch watch; // from the first message to the last
  for (long i = 1; i != count; ++i)
    recv_one();
  double elapsed = watch.elapsed_us();
  zmq_msg_close(&msg);
  return elapsed;
}

} // namespace perf
