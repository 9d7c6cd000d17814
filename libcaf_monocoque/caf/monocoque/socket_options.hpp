#pragma once

#include "caf/monocoque/security_options.hpp"

#include <caf/error.hpp>
#include <caf/timespan.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

struct options;

/// Per-socket settings, named after their libzmq counterparts. Defaults come
/// from the `monocoque` option group (see `options`).
struct socket_options {
  /// Routing id announced to peers (ZMQ_ROUTING_ID), at most 255 bytes.
  std::string identity;

  /// Messages per peer between the application and the kernel
  /// (ZMQ_SNDHWM); a `send` is acknowledged once its message fits.
  size_t sndhwm = 1000;

  /// Messages per peer buffered before reading pauses (ZMQ_RCVHWM).
  size_t rcvhwm = 1000;

  /// Largest accepted message (ZMQ_MAXMSGSIZE, but for the whole message).
  uint64_t max_message_size = uint64_t{256} << 20;

  /// Largest command accepted before the handshake completed (READY and
  /// other mechanism commands of a peer nobody authenticated yet); a larger
  /// one drops the peer before anything is buffered.
  uint64_t max_handshake_size = uint64_t{64} << 10;

  /// Live connections of the socket (accepted and connected) beyond which
  /// an accepted connection is closed at once, before any greeting, and
  /// counted in `socket_stats::refused`; zero: no limit (libzmq has no
  /// per-socket limit).
  size_t max_connections = 0;

  /// Greeting plus handshake deadline (ZMQ_HANDSHAKE_IVL).
  timespan handshake_timeout = std::chrono::seconds{30};

  /// First reconnect delay (ZMQ_RECONNECT_IVL).
  timespan reconnect_ivl = std::chrono::milliseconds{100};

  /// Maximum reconnect delay; zero keeps the delay fixed
  /// (ZMQ_RECONNECT_IVL_MAX).
  timespan reconnect_ivl_max = timespan{0};

  /// How long `close` flushes; negative: until everything is sent
  /// (ZMQ_LINGER).
  timespan linger = timespan{-1};

  /// PING interval; zero: no heartbeats (ZMQ_HEARTBEAT_IVL).
  timespan heartbeat_ivl = timespan{0};

  /// TTL announced in PINGs (ZMQ_HEARTBEAT_TTL).
  timespan heartbeat_ttl = timespan{0};

  /// PING timeout; negative: same as the interval (ZMQ_HEARTBEAT_TIMEOUT).
  timespan heartbeat_timeout = timespan{-1};

  /// Connect attempt deadline (ZMQ_CONNECT_TIMEOUT): a TCP or IPC connect
  /// that has not completed within it is abandoned and counts as a failed
  /// attempt (the next one follows after the reconnect interval); zero: the
  /// OS decides (Linux gives up on a TCP connect after about two minutes).
  /// Milliseconds are enough; at most INT_MAX ms.
  timespan connect_timeout = timespan{0};

  /// SO_KEEPALIVE on every TCP connection, connected and accepted
  /// (ZMQ_TCP_KEEPALIVE): 1 on, 0 off, -1 the OS default (off on Linux).
  /// With -1 the three settings below are ignored too, as in libzmq.
  int tcp_keepalive = -1;

  /// Seconds of idleness before the first keepalive probe (TCP_KEEPIDLE,
  /// ZMQ_TCP_KEEPALIVE_IDLE): 1..32767, or -1 for the OS default.
  int tcp_keepalive_idle = -1;

  /// Seconds between keepalive probes (TCP_KEEPINTVL,
  /// ZMQ_TCP_KEEPALIVE_INTVL): 1..32767, or -1 for the OS default.
  int tcp_keepalive_intvl = -1;

  /// Unanswered probes before the connection is dropped (TCP_KEEPCNT,
  /// ZMQ_TCP_KEEPALIVE_CNT): 1..127, or -1 for the OS default.
  int tcp_keepalive_cnt = -1;

  /// How long sent data may stay unacknowledged before the kernel drops the
  /// connection (TCP_USER_TIMEOUT on connected and accepted TCP sockets,
  /// ZMQ_TCP_MAXRT); zero: the OS default (retransmissions decide, about 15
  /// minutes). Rounded up to whole milliseconds, at most INT_MAX.
  timespan tcp_maxrt = timespan{0};

  /// ROUTER: a send to an unknown routing id fails with
  /// `errc::host_unreachable` and a send to a full peer waits, instead of
  /// dropping the message silently (ZMQ_ROUTER_MANDATORY).
  bool router_mandatory = false;

  /// ROUTER: a new connection with a routing id already in use takes it
  /// over and the old one is closed, instead of being refused
  /// (ZMQ_ROUTER_HANDOVER).
  bool router_handover = false;

  /// REQ: a send while waiting for a reply starts a new request instead of
  /// failing with `errc::wrong_state` (ZMQ_REQ_RELAXED).
  bool req_relaxed = false;

  /// REQ: prefix each request with a request id and accept only the reply
  /// that carries it back (ZMQ_REQ_CORRELATE).
  bool req_correlate = false;

  /// XPUB: deliver every subscription message to the application, not
  /// only the first one per topic (ZMQ_XPUB_VERBOSE).
  bool xpub_verbose = false;

  /// XPUB: deliver every cancellation too, not only the one that leaves a
  /// topic without subscribers (ZMQ_XPUB_VERBOSER).
  bool xpub_verbose_unsubscribe = false;

  /// XPUB: a message for a subscriber at SNDHWM is not dropped; the `send`
  /// reply waits until every matching subscriber has room
  /// (ZMQ_XPUB_NODROP).
  bool xpub_nodrop = false;

  /// XPUB: a message sent to every new subscriber first; empty: none
  /// (ZMQ_XPUB_WELCOME_MSG).
  std::string xpub_welcome_msg;

  /// PUB/XPUB: the most index memory one subscriber's subscriptions may
  /// take (each prefix is charged its bytes plus the index's bookkeeping,
  /// `prefix_trie::cost_of`, a few hundred bytes); a subscription beyond it
  /// drops the subscriber. Zero: no limit (libzmq has none). The default,
  /// 8 MiB, holds ~20 000 short prefixes.
  uint64_t max_subscription_bytes = uint64_t{8} << 20;

  /// Runs the socket (its hub engine) on an io_uring thread, next to its
  /// connections (`monocoque.socket-on-ring`, default true): a message
  /// between a connection and its socket then never wakes another thread.
  /// It runs no user code and never blocks; set false to keep it on CAF's
  /// scheduler (e.g. under CAF's deterministic test coordinator).
  bool on_ring = true;

  /// PLAIN / CURVE and the authenticator (NULL by default).
  security_options security;

  /// Extra READY properties, e.g. {"X-Service", "billing"}.
  std::vector<std::pair<std::string, std::string>> properties;

  /// Returns the socket defaults configured in `opts` (`opts.defaults`).
  static socket_options from(const options& opts);

  /// Checks the values libzmq's `zmq_setsockopt` would refuse with EINVAL,
  /// plus those this library cannot honour; returns `errc::invalid_option`
  /// naming the first offending field, or no error. A socket spawned with
  /// invalid options exits at once with that error. Refused: an `identity`
  /// longer than 255 bytes; `sndhwm` or `rcvhwm` of 0 (libzmq's "no limit":
  /// every queue here is bounded); a negative `heartbeat_ivl`; a
  /// `heartbeat_ttl` that is negative or above 6553.5 s (the PING field
  /// counts deciseconds in 16 bits); a negative `connect_timeout` or
  /// `tcp_maxrt`, or one above INT_MAX ms; a `tcp_keepalive` other than -1,
  /// 0 or 1; a `tcp_keepalive_idle` or `tcp_keepalive_intvl` outside
  /// 1..32767 and a `tcp_keepalive_cnt` outside 1..127, other than -1
  /// (libzmq takes 0 and larger values, the kernel refuses them); a
  /// property whose name is not 1..255 characters of `[A-Za-z0-9.+_-]` or
  /// is one the socket sets itself (`Socket-Type`, `Identity`), or whose
  /// value is 2 GiB or larger; in
  /// `security`: a key that is not 32 bytes or 40 Z85 characters (or is all
  /// zero), CURVE and PLAIN fields both set, a CURVE server without
  /// `curve_secret_key` or with `curve_server_key`, a CURVE client without
  /// `curve_server_key`, a `curve_public_key` that does not match
  /// `curve_secret_key`, a PLAIN client without a user name, a user name or
  /// password longer than 255 bytes, a `zap_domain` longer than 255 bytes.
  error validate() const;
};

} // namespace caf::monocoque
