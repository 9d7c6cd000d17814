#include "caf/monocoque/socket_event.hpp"

#include <chrono>
#include <cstdio>

namespace caf::monocoque {

std::string to_string(socket_event_type x) {
  switch (x) {
    case socket_event_type::connected:
      return "connected";
    case socket_event_type::connect_delayed:
      return "connect_delayed";
    case socket_event_type::connect_retried:
      return "connect_retried";
    case socket_event_type::listening:
      return "listening";
    case socket_event_type::bind_failed:
      return "bind_failed";
    case socket_event_type::accepted:
      return "accepted";
    case socket_event_type::accept_failed:
      return "accept_failed";
    case socket_event_type::closed:
      return "closed";
    case socket_event_type::close_failed:
      return "close_failed";
    case socket_event_type::disconnected:
      return "disconnected";
    case socket_event_type::monitor_stopped:
      return "monitor_stopped";
    case socket_event_type::handshake_failed_no_detail:
      return "handshake_failed_no_detail";
    case socket_event_type::handshake_succeeded:
      return "handshake_succeeded";
    case socket_event_type::handshake_failed_protocol:
      return "handshake_failed_protocol";
    case socket_event_type::handshake_failed_auth:
      return "handshake_failed_auth";
  }
  return "unknown";
}

std::string to_string(const socket_event& x) {
  std::string out = to_string(x.type);
  out += ' ';
  out += x.endpoint.empty() ? std::string{"-"} : x.endpoint;
  std::string detail;
  auto add = [&detail](const std::string& part) {
    if (part.empty())
      return;
    if (!detail.empty())
      detail += ' ';
    detail += part;
  };
  if (!x.remote_address.empty())
    add("peer=" + x.remote_address);
  if (x.key != 0)
    add("key=" + std::to_string(x.key) + " epoch=" + std::to_string(x.epoch));
  if (x.type == socket_event_type::connect_retried) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(x.retry_in);
    add("retry_in=" + std::to_string(ms.count()) + "ms");
  }
  if (x.status != 0 && x.type == socket_event_type::handshake_failed_protocol) {
    // libzmq's ZMQ_PROTOCOL_ERROR_* values read in hex (0x11000002).
    char buf[16];
    std::snprintf(buf, sizeof(buf), "0x%08x", static_cast<unsigned>(x.status));
    add(std::string{"status="} + buf);
  } else if (x.status != 0) {
    add("status=" + std::to_string(x.status));
  }
  if (x.peer != nullptr && !x.peer->user_id.empty())
    add("user=" + x.peer->user_id);
  if (!x.reason.empty())
    add("reason=" + x.reason);
  if (!detail.empty()) {
    out += ' ';
    out += detail;
  }
  return out;
}

} // namespace caf::monocoque
