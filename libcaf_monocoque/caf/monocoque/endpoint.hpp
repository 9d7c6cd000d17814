#pragma once

#include <caf/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace caf::monocoque {

/// A parsed ZeroMQ endpoint: `tcp://host:port` (IPv4, `[IPv6]`, names, `*`
/// as host for "all interfaces", `*` or `0` as port for "any free port") or
/// `ipc://path` (`ipc://@name` for the abstract namespace) or `inproc://name`
/// (sockets of one actor system, no kernel: see docs/api.md, "inproc").
struct endpoint {
  /// The transport.
  enum class transport : uint8_t {
    /// TCP over IPv4 or IPv6.
    tcp,
    /// Unix domain stream socket.
    ipc,
    /// Between sockets of one actor system: messages are handed over by
    /// reference, no ZMTP encoding, no kernel.
    inproc,
  };

  /// Which transport.
  transport proto = transport::tcp;

  /// TCP: host name or literal address, without brackets; "*" for any.
  std::string host;

  /// TCP: port; 0 means "any free port" (bind only).
  uint16_t port = 0;

  /// IPC: file system path, or the name after `@` when `abstract`.
  /// inproc: the name (any non-empty string).
  std::string path;

  /// IPC: whether the path lives in Linux's abstract namespace.
  bool abstract = false;

  /// Parses `str`; fails with `errc::invalid_endpoint` or
  /// `errc::unsupported_transport`.
  static expected<endpoint> parse(std::string_view str);

  /// Returns the canonical string, e.g. "tcp://127.0.0.1:5555".
  std::string to_string() const;
};

/// Returns the canonical string of `x`.
inline std::string to_string(const endpoint& x) {
  return x.to_string();
}

} // namespace caf::monocoque
