// The words of socket events (see event_reasons.hpp).
#include "caf/monocoque/internal/event_reasons.hpp"

#include "caf/monocoque/errc.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace caf::monocoque::detail {

namespace {

std::string context_of(const error& err) {
  auto& ctx = err.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                           : std::string{};
}

bool is_errc(const error& err) {
  // (A CAF 0.17 `error` without code has no category to read.)
  return static_cast<bool>(err) && err.category() == errc_category;
}

errc code_of(const error& err) {
  return is_errc(err) ? static_cast<errc>(err.code()) : errc::none;
}

// Whether the context of a SocketActor's failure ("recv: <strerror>") names
// the system error `code`.
bool names(const std::string& ctx, int code) {
  auto text = std::string{": "} + std::strerror(code);
  return ctx.size() >= text.size()
         && ctx.compare(ctx.size() - text.size(), text.size(), text) == 0;
}

std::string render_addr(const sockaddr_storage& ss, socklen_t len) {
  char buf[INET6_ADDRSTRLEN] = {};
  switch (ss.ss_family) {
    case AF_INET: {
      auto& in = reinterpret_cast<const sockaddr_in&>(ss);
      ::inet_ntop(AF_INET, &in.sin_addr, buf, sizeof(buf));
      return std::string{buf} + ":" + std::to_string(ntohs(in.sin_port));
    }
    case AF_INET6: {
      auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
      ::inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof(buf));
      return "[" + std::string{buf} + "]:"
             + std::to_string(ntohs(in6.sin6_port));
    }
    case AF_UNIX: {
      auto& un = reinterpret_cast<const sockaddr_un&>(ss);
      auto off = offsetof(sockaddr_un, sun_path);
      if (len <= off)
        return {};
      auto n = static_cast<size_t>(len) - off;
      if (un.sun_path[0] == '\0') // abstract name
        return "@" + std::string{un.sun_path + 1, n - 1};
      return std::string{un.sun_path, strnlen(un.sun_path, n)};
    }
    default:
      return {};
  }
}

} // namespace

std::string describe_end(const error& reason) {
  if (!reason)
    return {};
  if (!is_errc(reason))
    return to_string(reason);
  auto ctx = context_of(reason);
  switch (code_of(reason)) {
    case errc::connection_closed:
      return "peer closed";
    case errc::heartbeat_timeout:
      return "heartbeat timeout";
    case errc::ttl_expired:
      return "heartbeat timeout (the peer's ttl expired)";
    case errc::handshake_timeout:
      return "handshake timeout";
    case errc::connect_failed:
      return "connect failed: " + ctx;
    case errc::io_failure:
      if (names(ctx, ECONNRESET) || names(ctx, EPIPE))
        return "connection reset";
      if (names(ctx, ETIMEDOUT))
        return "connection timed out";
      return ctx.empty() ? std::string{"io_failure"} : ctx;
    default: {
      auto name = to_string(code_of(reason));
      return ctx.empty() ? name : name + ": " + ctx;
    }
  }
}

bool is_connect_failure(const error& reason) {
  return code_of(reason) == errc::connect_failed;
}

socket_event_type handshake_failure_kind(const error& reason) {
  auto code = code_of(reason);
  if (code == errc::auth_failed)
    return socket_event_type::handshake_failed_auth;
  auto value = static_cast<uint8_t>(code);
  // Peer violations (1..31) except silence, which says nothing about the
  // protocol (libzmq: a timeout is "no detail").
  if (value >= 1 && value < 32 && code != errc::handshake_timeout
      && code != errc::heartbeat_timeout && code != errc::ttl_expired)
    return socket_event_type::handshake_failed_protocol;
  return socket_event_type::handshake_failed_no_detail;
}

uint32_t protocol_status(const error& reason) {
  switch (code_of(reason)) {
    case errc::unexpected_command:
      return 0x10000001; // ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND
    case errc::invalid_sequence:
      return 0x10000002; // ..._ZMTP_INVALID_SEQUENCE
    case errc::key_exchange:
      return 0x10000003; // ..._ZMTP_KEY_EXCHANGE
    case errc::malformed_command:
      return 0x10000011; // ..._ZMTP_MALFORMED_COMMAND_UNSPECIFIED
    case errc::malformed_command_hello:
      return 0x10000013; // ..._ZMTP_MALFORMED_COMMAND_HELLO
    case errc::malformed_command_initiate:
      return 0x10000014; // ..._ZMTP_MALFORMED_COMMAND_INITIATE
    case errc::error_command:
      return 0x10000015; // ..._ZMTP_MALFORMED_COMMAND_ERROR
    case errc::malformed_command_welcome:
      return 0x10000017; // ..._ZMTP_MALFORMED_COMMAND_WELCOME
    case errc::invalid_metadata:
    case errc::socket_type_mismatch:
      return 0x10000018; // ..._ZMTP_INVALID_METADATA (as libzmq)
    case errc::cryptographic:
      return 0x11000001; // ..._ZMTP_CRYPTOGRAPHIC
    case errc::mechanism_mismatch:
      return 0x11000002; // ..._ZMTP_MECHANISM_MISMATCH
    case errc::unversioned_peer:
    case errc::unsupported_version:
    case errc::malformed_greeting:
    case errc::reserved_flags:
    case errc::invalid_frame_size:
    case errc::message_too_large:
      return 0x10000000; // ..._ZMTP_UNSPECIFIED
    default:
      return 0;
  }
}

std::string socket_address(int fd, bool local) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  auto rc = local ? ::getsockname(fd, sa, &len) : ::getpeername(fd, sa, &len);
  if (rc != 0)
    return {};
  return render_addr(ss, len);
}

std::string target_address(const connect_target& x) {
  return render_addr(x.addr, x.len);
}

} // namespace caf::monocoque::detail
