#include "caf/monocoque/socket_options.hpp"

#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/security_setup.hpp"
#include "caf/monocoque/options.hpp"

#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/session_config.hpp"

#include <strings.h>

#include <chrono>
#include <limits>

namespace caf::monocoque {

namespace {

error invalid(std::string what) {
  return make_error(errc::invalid_option, std::move(what));
}

// A duration in milliseconds as libzmq takes it (an int).
bool fits_int_ms(timespan x) {
  return std::chrono::ceil<std::chrono::milliseconds>(x).count()
         <= std::numeric_limits<int>::max();
}

// -1 (the OS default) or `lo..hi`, the range the kernel accepts.
error check_tcp_int(const char* name, int value, int lo, int hi) {
  if (value == -1 || (value >= lo && value <= hi))
    return none;
  return invalid(std::string{name} + ": " + std::to_string(value) + ", -1 or "
                 + std::to_string(lo) + ".." + std::to_string(hi));
}

error check_liveness(const socket_options& x) {
  if (x.connect_timeout < timespan{0} || !fits_int_ms(x.connect_timeout))
    return invalid("connect_timeout: outside 0..INT_MAX ms");
  if (x.tcp_maxrt < timespan{0} || !fits_int_ms(x.tcp_maxrt))
    return invalid("tcp_maxrt: outside 0..INT_MAX ms");
  if (x.tcp_keepalive < -1 || x.tcp_keepalive > 1)
    return invalid("tcp_keepalive: " + std::to_string(x.tcp_keepalive)
                   + ", -1 (OS default), 0 or 1");
  if (auto err = check_tcp_int("tcp_keepalive_idle", x.tcp_keepalive_idle, 1,
                               32767))
    return err;
  if (auto err = check_tcp_int("tcp_keepalive_intvl", x.tcp_keepalive_intvl,
                               1, 32767))
    return err;
  return check_tcp_int("tcp_keepalive_cnt", x.tcp_keepalive_cnt, 1, 127);
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
  if (auto err = check_liveness(*this))
    return err;
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
