#include "caf/monocoque/endpoint.hpp"

#include "caf/monocoque/errc.hpp"

#include <sys/un.h>

#include <charconv>

namespace caf::monocoque {

namespace {

error bad(std::string_view str, const char* why) {
  return make_error(errc::invalid_endpoint,
                    std::string{str} + ": " + why);
}

} // namespace

expected<endpoint> endpoint::parse(std::string_view str) {
  auto sep = str.find("://");
  if (sep == std::string_view::npos)
    return bad(str, "expected transport://address");
  auto scheme = str.substr(0, sep);
  auto rest = str.substr(sep + 3);
  endpoint result;
  if (scheme == "ipc") {
    result.proto = transport::ipc;
    if (!rest.empty() && rest[0] == '@') {
      result.abstract = true;
      rest.remove_prefix(1);
    }
    if (rest.empty())
      return bad(str, "empty ipc path");
    // sun_path holds 108 bytes; abstract names lose one to the leading NUL.
    if (rest.size() + 1 > sizeof(sockaddr_un::sun_path))
      return bad(str, "ipc path too long");
    result.path = std::string{rest};
    return result;
  }
  if (scheme == "inproc") {
    // As libzmq: any non-empty name; no wildcard.
    result.proto = transport::inproc;
    if (rest.empty())
      return bad(str, "empty inproc name");
    result.path = std::string{rest};
    return result;
  }
  if (scheme != "tcp")
    return make_error(errc::unsupported_transport,
                      std::string{str} + ": transport '" + std::string{scheme}
                        + "' is not supported (tcp, ipc, inproc)");
  result.proto = transport::tcp;
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size()
        || rest[close + 1] != ':')
      return bad(str, "expected [ipv6]:port");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos)
      return bad(str, "missing port");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return bad(str, "IPv6 addresses need brackets");
  }
  if (host.empty())
    return bad(str, "empty host");
  result.host = std::string{host};
  if (port == "*" || port == "0") {
    result.port = 0;
    return result;
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(),
                                   value);
  if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0
      || value > 65535)
    return bad(str, "invalid port");
  result.port = static_cast<uint16_t>(value);
  return result;
}

std::string endpoint::to_string() const {
  if (proto == transport::inproc)
    return "inproc://" + path;
  if (proto == transport::ipc)
    return "ipc://" + std::string{abstract ? "@" : ""} + path;
  auto h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "tcp://" + h + ":" + std::to_string(port);
}

} // namespace caf::monocoque
