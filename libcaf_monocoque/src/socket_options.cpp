#include "caf/monocoque/socket_options.hpp"

namespace caf::monocoque {

socket_options socket_options::from(const options& opts) {
  socket_options x;
  x.sndhwm = opts.sndhwm;
  x.rcvhwm = opts.rcvhwm;
  x.max_message_size = opts.max_message_size;
  x.handshake_timeout = opts.handshake_timeout;
  x.reconnect_ivl = opts.reconnect_ivl;
  x.reconnect_ivl_max = opts.reconnect_ivl_max;
  x.linger = opts.linger;
  x.heartbeat_ivl = opts.heartbeat_ivl;
  x.heartbeat_ttl = opts.heartbeat_ttl;
  x.heartbeat_timeout = opts.heartbeat_timeout;
  return x;
}

} // namespace caf::monocoque
