#include "caf/monocoque/errc.hpp"

namespace caf::monocoque {

std::string to_string(errc x) {
  auto code = static_cast<uint8_t>(x);
  if (code >= 1 && code < 32)
    return ::monocoque::zmtp::to_string(
      static_cast<::monocoque::zmtp::peer_error>(code));
  switch (x) {
    case errc::none:
      return "none";
    case errc::invalid_endpoint:
      return "invalid_endpoint";
    case errc::unsupported_transport:
      return "unsupported_transport";
    case errc::resolve_failed:
      return "resolve_failed";
    case errc::bind_failed:
      return "bind_failed";
    case errc::connect_failed:
      return "connect_failed";
    case errc::connection_closed:
      return "connection_closed";
    case errc::io_failure:
      return "io_failure";
    case errc::backend_unavailable:
      return "backend_unavailable";
    case errc::socket_closed:
      return "socket_closed";
    case errc::invalid_option:
      return "invalid_option";
    case errc::invalid_operation:
      return "invalid_operation";
    case errc::timed_out:
      return "timed_out";
    case errc::wrong_state:
      return "wrong_state";
    case errc::host_unreachable:
      return "host_unreachable";
    default:
      return "unknown";
  }
}

error make_error(errc x) {
  return error{static_cast<uint8_t>(x), errc_category};
}

error make_error(errc x, std::string context) {
  return error{static_cast<uint8_t>(x), errc_category,
               caf::make_message(std::move(context))};
}

error to_error(const ::monocoque::zmtp::failure& x) {
  return make_error(static_cast<errc>(x.code), x.detail);
}

} // namespace caf::monocoque
