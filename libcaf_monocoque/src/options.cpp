#include "caf/monocoque/options.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

namespace caf::monocoque {

namespace {

template <class T>
void read_into(const actor_system_config& cfg, const char* key, T& dst) {
  dst = get_or(content(cfg), key, dst);
}

} // namespace

options options::read(const actor_system_config& cfg) {
  options x;
  read_into(cfg, "monocoque.ring-entries", x.ring_entries);
  read_into(cfg, "monocoque.io-threads", x.io_threads);
  read_into(cfg, "monocoque.recv-buffer-size", x.recv_buffer_size);
  read_into(cfg, "monocoque.recv-buffers", x.recv_buffers);
  read_into(cfg, "monocoque.tune-scheduler", x.tune_scheduler);
  read_into(cfg, "monocoque.wake", x.wake);
  auto& d = x.defaults;
  read_into(cfg, "monocoque.sndhwm", d.sndhwm);
  read_into(cfg, "monocoque.rcvhwm", d.rcvhwm);
  read_into(cfg, "monocoque.max-message-size", d.max_message_size);
  read_into(cfg, "monocoque.max-handshake-size", d.max_handshake_size);
  read_into(cfg, "monocoque.handshake-timeout", d.handshake_timeout);
  read_into(cfg, "monocoque.max-connections", d.max_connections);
  read_into(cfg, "monocoque.reconnect-ivl", d.reconnect_ivl);
  read_into(cfg, "monocoque.reconnect-ivl-max", d.reconnect_ivl_max);
  read_into(cfg, "monocoque.linger", d.linger);
  read_into(cfg, "monocoque.heartbeat-ivl", d.heartbeat_ivl);
  read_into(cfg, "monocoque.heartbeat-ttl", d.heartbeat_ttl);
  read_into(cfg, "monocoque.heartbeat-timeout", d.heartbeat_timeout);
  read_into(cfg, "monocoque.connect-timeout", d.connect_timeout);
  read_into(cfg, "monocoque.tcp-keepalive", d.tcp_keepalive);
  read_into(cfg, "monocoque.tcp-keepalive-idle", d.tcp_keepalive_idle);
  read_into(cfg, "monocoque.tcp-keepalive-intvl", d.tcp_keepalive_intvl);
  read_into(cfg, "monocoque.tcp-keepalive-cnt", d.tcp_keepalive_cnt);
  read_into(cfg, "monocoque.tcp-maxrt", d.tcp_maxrt);
  read_into(cfg, "monocoque.socket-on-ring", d.on_ring);
  read_into(cfg, "monocoque.max-subscription-bytes",
            d.max_subscription_bytes);
  if (x.io_threads == 0)
    x.io_threads = 1;
  if (x.ring_entries < 8)
    x.ring_entries = 8;
  if (x.recv_buffer_size < 256)
    x.recv_buffer_size = 256;
  // A provided buffer's length is a 32-bit field.
  if (x.recv_buffer_size > (size_t{1} << 30))
    x.recv_buffer_size = size_t{1} << 30;
  return x;
}

config::config() {
  opt_group{custom_options_, "monocoque"}
    .add<size_t>("ring-entries", "submission queue entries per io_uring ring")
    .add<size_t>("io-threads", "number of I/O threads (one ring each)")
    .add<size_t>("recv-buffer-size", "bytes read per recv")
    .add<size_t>("recv-buffers",
                 "shared receive buffers per ring (0: one per connection)")
    .add<bool>("tune-scheduler",
               "skip the scheduler's 50 us sleep-poll phase (default true)")
    .add<std::string>("wake",
                      "how other threads wake an idle ring: msg-ring "
                      "(default) or eventfd")
    .add<size_t>("sndhwm", "default send high-water mark (messages)")
    .add<size_t>("rcvhwm", "default receive high-water mark (messages)")
    .add<uint64_t>("max-message-size", "largest accepted message (bytes)")
    .add<uint64_t>("max-handshake-size",
                   "largest command before the handshake completed (bytes)")
    .add<timespan>("handshake-timeout", "greeting + handshake deadline")
    .add<size_t>("max-connections",
                 "live connections per socket beyond which accepted ones are "
                 "closed at once (0: no limit)")
    .add<timespan>("reconnect-ivl", "first reconnect delay")
    .add<timespan>("reconnect-ivl-max", "maximum reconnect delay (0: fixed)")
    .add<timespan>("linger", "flush time on close (negative: until sent)")
    .add<timespan>("heartbeat-ivl", "PING interval (0: off)")
    .add<timespan>("heartbeat-ttl", "TTL announced in PINGs")
    .add<timespan>("heartbeat-timeout", "PING timeout (negative: = ivl)")
    .add<timespan>("connect-timeout",
                   "connect attempt deadline (0: OS default)")
    .add<int>("tcp-keepalive", "SO_KEEPALIVE: 1 on, 0 off, -1 OS default")
    .add<int>("tcp-keepalive-idle",
              "seconds idle before keepalive probes (-1: OS default)")
    .add<int>("tcp-keepalive-intvl",
              "seconds between keepalive probes (-1: OS default)")
    .add<int>("tcp-keepalive-cnt",
              "unanswered keepalive probes that drop a connection "
              "(-1: OS default)")
    .add<timespan>("tcp-maxrt",
                   "TCP_USER_TIMEOUT: unacknowledged data drops a connection "
                   "after this long (0: OS default)")
    .add<bool>("socket-on-ring",
               "run each socket (its hub engine) on an io_uring thread "
               "(default true)")
    .add<uint64_t>("max-subscription-bytes",
                   "index memory one subscriber may hold (0: no limit)");
}

} // namespace caf::monocoque
