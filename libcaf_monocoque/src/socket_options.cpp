#include "caf/monocoque/socket_options.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/security_setup.hpp"
#include "caf/monocoque/options.hpp"

#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/session_config.hpp"

#include <strings.h>

#include <chrono>

namespace caf::monocoque {

namespace {

error invalid(std::string what) {
  return make_error(errc::invalid_option, std::move(what));
}

bool reserved_property(const std::string& name) {
  return strcasecmp(name.c_str(), "Socket-Type") == 0
         || strcasecmp(name.c_str(), "Identity") == 0;
}

} // namespace

socket_options socket_options::from(const options& opts) {
  return opts.defaults;
}

error socket_options::validate() const {
  using namespace std::chrono_literals;
  if (identity.size() > ::monocoque::zmtp::max_identity_size)
    return invalid("identity: " + std::to_string(identity.size())
                   + " bytes, at most 255");
  if (sndhwm == 0)
    return invalid("sndhwm: 0 (no limit) is not supported, queues are "
                   "bounded");
  if (rcvhwm == 0)
    return invalid("rcvhwm: 0 (no limit) is not supported, queues are "
                   "bounded");
  if (heartbeat_ivl < timespan{0})
    return invalid("heartbeat_ivl: negative");
  if (heartbeat_ttl < timespan{0} || heartbeat_ttl >= 6553600ms)
    return invalid("heartbeat_ttl: outside 0..6553.5 s");
  for (auto& [name, value] : properties) {
    if (!::monocoque::zmtp::metadata::valid_name(name))
      return invalid("property name '" + name
                     + "': 1..255 characters of [A-Za-z0-9.+_-]");
    if (reserved_property(name))
      return invalid("property name '" + name + "': set by the socket");
    if (value.size() >= (size_t{1} << 31))
      return invalid("property '" + name + "': value of 2 GiB or more");
  }
  return detail::check_security(security);
}

} // namespace caf::monocoque
