#pragma once

#include "caf/monocoque/endpoint.hpp"
#include "caf/monocoque/socket_options.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>

#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

namespace caf::monocoque::detail {

/// A socket address to connect to.
struct connect_target {
  /// The address.
  sockaddr_storage addr{};
  /// Its length.
  socklen_t len = 0;
};

/// Owns a file descriptor until someone `release`s it: an fd in a message
/// that nobody handles is closed instead of leaked.
class fd_guard {
public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {
    // nop
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard();

  /// Gives up ownership and returns the fd (-1 if already released).
  int release() noexcept {
    auto fd = fd_;
    fd_ = -1;
    return fd;
  }

private:
  int fd_;
};

/// A shareable owned fd, for actor messages.
using owned_fd = std::shared_ptr<fd_guard>;

/// A listening socket and the endpoint it is bound to (with the real port).
struct listening_socket {
  /// The listening fd.
  int fd = -1;
  /// Where it listens, e.g. "tcp://127.0.0.1:40123".
  endpoint bound;
};

/// Creates, binds and listens on a socket for `ep`. A TCP host may be "*"
/// (all IPv4 interfaces), a literal address or a name (resolved here, with
/// the blocking resolver: bind names are local). An existing IPC path is
/// replaced, as libzmq does. Fails with `bind_failed` or `resolve_failed`.
expected<listening_socket> listen_on(const endpoint& ep);

/// Returns the connect targets of a literal address or IPC path without any
/// blocking call, or an empty list if `ep` names a host that needs DNS.
expected<std::vector<connect_target>> resolve_numeric(const endpoint& ep);

/// Resolves `ep` with getaddrinfo (blocking: call it off the ring thread and
/// off busy workers, e.g. in a detached actor).
expected<std::vector<connect_target>> resolve_blocking(const endpoint& ep);

/// Creates a non-blocking, close-on-exec stream socket for `target` (with
/// TCP_NODELAY for TCP).
expected<int> make_connect_socket(const connect_target& target);

/// Returns the remote address of a connected socket, e.g.
/// "tcp://127.0.0.1:40123" ("ipc://(peer)" for Unix sockets).
std::string remote_address(int fd);

/// Tunes an accepted TCP socket (TCP_NODELAY); harmless for IPC.
void tune_accepted(int fd);

/// Applies the TCP liveness settings of `opts` to a TCP socket, connected
/// or accepted, as libzmq's `tune_tcp_keepalives` and `tune_tcp_maxrt` do:
/// SO_KEEPALIVE unless `tcp_keepalive` is -1, then TCP_KEEPCNT, TCP_KEEPIDLE
/// and TCP_KEEPINTVL for each that is not -1; TCP_USER_TIMEOUT for a
/// non-zero `tcp_maxrt`. Does nothing for other sockets (IPC). Returns what
/// the kernel refused, or an empty string.
std::string tune_liveness(int fd, const socket_options& opts);

} // namespace caf::monocoque::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::detail::owned_fd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<caf::monocoque::detail::connect_target>)
