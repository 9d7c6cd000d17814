// Interop with a real libzmq 4.3.4 peer, on the wire.
//
// Each test opens a libzmq socket (through cppzmq) on tcp://127.0.0.1, talks
// to it over a plain blocking POSIX TCP socket and drives a sans-IO
// `monocoque::zmtp::session` over that socket in this thread. Nothing here can
// hang: every socket has SO_RCVTIMEO/SO_SNDTIMEO, every wait has a deadline of
// a few seconds, and CTest's `-r60` watchdog is the last resort.
//
// Facts about libzmq 4.3.4 these tests pin down (see also the byte vectors in
// the `captured` namespace):
// * Its greeting goes out in three steps: the 10-byte signature, then (after
//   our signature) the major version byte, then (after our major version) the
//   remaining 53 bytes. A peer that waits for 64 bytes before sending its own
//   greeting deadlocks; ours sends all 64 bytes at once.
// * Byte 8 of its signature (RFC 23: "padding, not significant") holds the
//   ZMTP 1.0 length of its routing id, i.e. routing-id size + 1.
// * Only REQ, DEALER and ROUTER put an Identity in READY (empty if unset).
// * A *bound* libzmq socket attaches a new connection's pipe only when its
//   application thread next enters libzmq (send, recv, getsockopt(EVENTS)...):
//   until then a SUB sends no subscriptions and a ROUTER cannot route to us.
// * A SUB sends SUBSCRIBE/CANCEL commands to ZMTP 3.1 peers and `\x01topic` /
//   `\x00topic` messages to ZMTP 3.0 peers.

#define CAF_SUITE zmtp_libzmq_capture
#include <caf/test/dsl.hpp>

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/session.hpp"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace monocoque::zmtp;
using namespace std::chrono_literals;

namespace {

// -- constants ----------------------------------------------------------------

/// Upper bound for any single wait in this suite.
constexpr auto patience = 3s;

/// Kernel-level timeout on every blocking read and write of a raw socket.
constexpr int socket_timeout_ms = 3000;

using bytes = std::vector<uint8_t>;

// -- byte helpers -------------------------------------------------------------

std::string hex(byte_span xs) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (size_t i = 0; i < xs.size(); ++i) {
    result += digits[xs[i] >> 4];
    result += digits[xs[i] & 0x0F];
  }
  return result;
}

std::string hex(const bytes& xs) {
  return hex(byte_span{xs.data(), xs.size()});
}

bytes unhex(std::string_view str) {
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  bytes result;
  for (size_t i = 0; i + 1 < str.size(); i += 2)
    result.push_back(static_cast<uint8_t>(nibble(str[i]) << 4) |
                     nibble(str[i + 1]));
  return result;
}

byte_span span_of(const bytes& xs) { return byte_span{xs.data(), xs.size()}; }

bytes concat(std::initializer_list<bytes> parts) {
  bytes result;
  for (const auto& part : parts)
    result.insert(result.end(), part.begin(), part.end());
  return result;
}

/// Returns `n` bytes of a pattern that makes misplaced bytes visible.
std::string pattern(size_t n, unsigned seed) {
  std::string result(n, '\0');
  for (size_t i = 0; i < n; ++i)
    result[i] = static_cast<char>((i * 131 + seed + (i >> 12)) & 0xFF);
  return result;
}

using parts = std::vector<std::string>;

parts strings_of(const message& msg) {
  parts result;
  for (const auto& f : msg)
    result.push_back(f.to_string());
  return result;
}

message message_of(const parts& xs) {
  message result;
  for (const auto& x : xs)
    result.push_back(frame::from_string(x));
  return result;
}

/// Copies (without consuming) everything `out` holds.
bytes pending_bytes(const output_queue& out) {
  std::vector<io_slice> slices(out.slice_count() + 1);
  auto n = out.gather(slices.data(), slices.size());
  bytes result;
  for (size_t i = 0; i < n; ++i)
    result.insert(result.end(), slices[i].data,
                  slices[i].data + slices[i].size);
  return result;
}

/// A frame of a captured stream: its flags and its body.
struct wire_frame {
  bool command = false;
  bool more = false;
  std::string body;
};

/// Splits a captured stream (after the 64-byte greeting) into frames.
std::vector<wire_frame> frames_after_greeting(const bytes& stream) {
  std::vector<wire_frame> result;
  if (stream.size() <= greeting::size)
    return result;
  frame_decoder dec;
  auto input = span_of(stream).subspan(greeting::size);
  while (dec.next(input) == frame_decoder::status::frame_ready) {
    auto f = dec.take();
    result.push_back(wire_frame{f.command, f.more, f.body.to_string()});
  }
  return result;
}

/// Returns the names of all command frames in a captured stream.
std::vector<std::string> command_names(const bytes& stream) {
  std::vector<std::string> result;
  for (const auto& f : frames_after_greeting(stream))
    if (f.command)
      if (auto cmd = parse_command(byte_span{f.body}))
        result.emplace_back(cmd->name);
  return result;
}

size_t count(const std::vector<std::string>& xs, std::string_view x) {
  return static_cast<size_t>(std::count(xs.begin(), xs.end(), x));
}

// -- clock --------------------------------------------------------------------

timestamp now() {
  return std::chrono::duration_cast<timestamp>(
      std::chrono::steady_clock::now().time_since_epoch());
}

// -- raw TCP ------------------------------------------------------------------

/// Owns a file descriptor.
class fd_guard {
public:
  explicit fd_guard(int fd = -1) noexcept : fd_(fd) {
    // nop
  }

  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;

  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  int get() const noexcept { return fd_; }

private:
  int fd_;
};

void set_timeouts(int fd) {
  timeval tv{socket_timeout_ms / 1000, (socket_timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Connects a blocking TCP socket to 127.0.0.1:`port`; -1 on failure.
int connect_tcp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  set_timeouts(fd);
  auto addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Opens a listening socket on 127.0.0.1 with a kernel-chosen port.
int listen_tcp(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  auto addr = loopback(0);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 4) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

/// Accepts one connection within `patience`; -1 on failure.
int accept_tcp(int listener) {
  pollfd p{listener, POLLIN, 0};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(patience);
  if (::poll(&p, 1, static_cast<int>(ms.count())) != 1)
    return -1;
  int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0)
    set_timeouts(fd);
  return fd;
}

/// Writes exactly `xs`; false on error or timeout.
bool write_all(int fd, byte_span xs) {
  while (!xs.empty()) {
    auto n = ::send(fd, xs.data(), xs.size(), MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    xs.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

/// Reads exactly `n` bytes; returns fewer on EOF, error or timeout.
bytes read_exactly(int fd, size_t n) {
  bytes result(n);
  size_t got = 0;
  while (got < n) {
    auto k = ::recv(fd, result.data() + got, n - got, 0);
    if (k <= 0)
      break;
    got += static_cast<size_t>(k);
  }
  result.resize(got);
  return result;
}

/// Returns whether nothing arrives on `fd` for `quiet`.
bool stays_silent(int fd, std::chrono::milliseconds quiet) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(quiet.count())) == 0;
}

/// Writes the first `n` pending bytes of `out` and consumes them.
bool write_prefix(int fd, output_queue& out, size_t n) {
  auto all = pending_bytes(out);
  n = std::min(n, all.size());
  if (!write_all(fd, byte_span{all.data(), n}))
    return false;
  out.consume(n);
  return true;
}

// -- our side: a session over a raw socket ------------------------------------

/// Drives a session over a connected TCP socket: writes its output with
/// vectored sends, reads with poll(2), feeds what arrives, fires its timers,
/// and collects its events. Records every received byte for inspection.
class raw_peer {
public:
  raw_peer(int fd, session_config cfg) : fd_(fd), sess_(std::move(cfg)) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  session& sess() noexcept { return sess_; }

  int fd() const noexcept { return fd_.get(); }

  /// Every byte received so far.
  const bytes& received() const noexcept { return received_; }

  /// Whether the peer closed the connection (or it broke).
  bool eof() const noexcept { return eof_; }

  /// Feed reads as reference-counted chunks (the zero-copy path) instead of
  /// byte spans.
  bool feed_chunks = false;

  /// Stop writing (to simulate a peer that hangs).
  bool mute = false;

  /// Runs on every turn of the loop, e.g. to let a libzmq socket process its
  /// commands.
  std::function<void()> tick;

  // -- driving ----------------------------------------------------------------

  /// Starts the session and writes its greeting.
  void start() {
    sess_.start(now());
    flush();
  }

  /// One turn: flush, wait for input (at most `wait` or until the session's
  /// deadline), feed it, fire timers, collect events, flush again.
  void turn(std::chrono::milliseconds wait = 10ms) {
    flush();
    if (auto deadline = sess_.next_deadline()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - now() + 999us);
      wait = std::clamp(left, 0ms, wait);
    }
    pollfd p{fd_.get(), POLLIN, 0};
    if (eof_)
      ::poll(nullptr, 0, static_cast<int>(wait.count())); // just sleep
    else if (::poll(&p, 1, static_cast<int>(wait.count())) > 0)
      read_once();
    sess_.advance_time(now());
    while (auto ev = sess_.poll())
      events_.push_back(std::move(*ev));
    flush();
    if (tick)
      tick();
  }

  /// Runs turns until `pred()` holds (true) or `limit` passes (false).
  template <class Predicate>
  bool run_until(Predicate pred, std::chrono::milliseconds limit = 3000ms) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      if (eof_ || std::chrono::steady_clock::now() >= end)
        return false;
      turn();
    }
    return true;
  }

  /// Runs turns for `span`, whatever happens.
  void run_for(std::chrono::milliseconds span) {
    auto end = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < end)
      turn();
  }

  /// Runs until the handshake completes or fails; returns the peer's info.
  std::optional<peer_info> handshake() {
    run_until([this] { return has<events::handshake_done>() || failed(); });
    if (auto ev = take<events::handshake_done>())
      return std::move(ev->peer);
    return std::nullopt;
  }

  /// Sends `xs` as one message and writes it out.
  bool send(const parts& xs) {
    if (sess_.send(message_of(xs)) != local_error::none)
      return false;
    return flush();
  }

  /// Waits for the next message.
  std::optional<parts> receive(std::chrono::milliseconds limit = 3000ms) {
    run_until([this] { return has<events::message_received>() || failed(); },
              limit);
    if (auto ev = take<events::message_received>())
      return strings_of(ev->msg);
    return std::nullopt;
  }

  /// Waits for the next subscription event.
  std::optional<events::subscription> subscription() {
    run_until([this] { return has<events::subscription>() || failed(); });
    return take<events::subscription>();
  }

  /// Returns whether the session failed.
  bool failed() const noexcept {
    return sess_.state() == session_state::failed;
  }

  /// Returns whether an event of type `T` is waiting.
  template <class T> bool has() const {
    return std::any_of(events_.begin(), events_.end(), [](const event& ev) {
      return std::holds_alternative<T>(ev);
    });
  }

  /// Removes and returns the first event of type `T`.
  template <class T> std::optional<T> take() {
    for (auto i = events_.begin(); i != events_.end(); ++i)
      if (auto* ev = std::get_if<T>(&*i)) {
        auto result = std::move(*ev);
        events_.erase(i);
        return result;
      }
    return std::nullopt;
  }

  /// Writes all pending output (vectored); false if the socket broke.
  bool flush() {
    auto& out = sess_.output();
    while (!mute && !out.empty()) {
      io_slice slices[64];
      iovec iov[64];
      auto n = out.gather(slices, 64);
      for (size_t i = 0; i < n; ++i)
        iov[i] = iovec{const_cast<uint8_t*>(slices[i].data), slices[i].size};
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = n;
      auto written = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
      if (written <= 0)
        return false;
      out.consume(static_cast<size_t>(written));
    }
    return true;
  }

private:
  void read_once() {
    constexpr size_t chunk_size = 64 * 1024;
    ssize_t n;
    if (feed_chunks) {
      auto chunk = frame::allocate(chunk_size);
      n = ::recv(fd_.get(), chunk.mutable_data(), chunk_size, 0);
      if (n > 0) {
        auto part = chunk.slice(0, static_cast<size_t>(n));
        record(part.bytes());
        sess_.feed(part, now());
      }
    } else {
      uint8_t buf[chunk_size];
      n = ::recv(fd_.get(), buf, chunk_size, 0);
      if (n > 0) {
        record(byte_span{buf, static_cast<size_t>(n)});
        sess_.feed(byte_span{buf, static_cast<size_t>(n)}, now());
      }
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      eof_ = true;
  }

  void record(byte_span xs) {
    received_.insert(received_.end(), xs.data(), xs.data() + xs.size());
  }

  fd_guard fd_;
  session sess_;
  std::deque<event> events_;
  bytes received_;
  bool eof_ = false;
};

session_config config(socket_type type, std::string identity = {}) {
  session_config cfg;
  cfg.type = type;
  cfg.identity = std::move(identity);
  cfg.handshake_timeout = patience;
  return cfg;
}

// -- libzmq side --------------------------------------------------------------

/// Applies the options every libzmq socket in this suite gets.
void bounded(zmq::socket_t& sock) {
  sock.set(zmq::sockopt::linger, 0);
  sock.set(zmq::sockopt::rcvtimeo, socket_timeout_ms);
  sock.set(zmq::sockopt::sndtimeo, socket_timeout_ms);
}

/// Binds `sock` to an ephemeral port on 127.0.0.1 and returns the port.
uint16_t bind_ephemeral(zmq::socket_t& sock) {
  sock.bind("tcp://127.0.0.1:0");
  auto endpoint = sock.get(zmq::sockopt::last_endpoint);
  auto colon = endpoint.rfind(':');
  return static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1)));
}

void zsend(zmq::socket_t& sock, const parts& xs) {
  for (size_t i = 0; i < xs.size(); ++i)
    sock.send(zmq::buffer(xs[i]), i + 1 < xs.size() ? zmq::send_flags::sndmore
                                                    : zmq::send_flags::none);
}

std::optional<parts> zrecv(zmq::socket_t& sock) {
  std::vector<zmq::message_t> msgs;
  if (!zmq::recv_multipart(sock, std::back_inserter(msgs)))
    return std::nullopt;
  parts result;
  for (auto& msg : msgs)
    result.push_back(msg.to_string());
  return result;
}

/// Lets a libzmq socket run its pending commands (e.g. attach a pipe).
void nudge(zmq::socket_t& sock) {
  static_cast<void>(sock.get(zmq::sockopt::events));
}

// -- captured wire bytes (libzmq 4.3.4) ---------------------------------------

namespace captured {

// clang-format off

/// Greeting of a DEALER with ZMQ_ROUTING_ID "peer-1": signature (byte 8 =
/// routing-id size + 1), version 3.1, "NULL" padded to 20 bytes, as-server 0,
/// 31 bytes of filler.
const bytes dealer_greeting = unhex(
  "ff00000000000000077f" // signature, sent first
  "03"                   // major version, sent after our signature
  "01"                   // minor: this and the rest after our major version
  "4e554c4c00000000000000000000000000000000" // "NULL" + 16 NULs
  "00"                                       // as-server
  "00000000000000000000000000000000000000000000000000000000000000");

/// Signature of a socket without a routing id (byte 8 = 0 + 1).
const bytes anonymous_signature = unhex("ff00000000000000017f");

/// READY of that DEALER: Socket-Type DEALER, Identity "peer-1".
const bytes dealer_ready = unhex(
  "042f" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "4445414c4552" // Socket-Type DEALER
  "08" "4964656e74697479" "00000006" "706565722d31");     // Identity peer-1

/// READY of a ROUTER without routing id: Identity present but empty.
const bytes router_ready = unhex(
  "0429" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "524f55544552" // Socket-Type ROUTER
  "08" "4964656e74697479" "00000000");                    // Identity ""

/// READY of a SUB.
const bytes sub_ready = unhex(
  "0419" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000003" "535542");     // Socket-Type SUB

/// SUBSCRIBE "abc" and CANCEL "abc" as a SUB sends them to a ZMTP 3.1 peer.
const bytes subscribe_abc = unhex("040d" "09" "535542534352494245" "616263");
const bytes cancel_abc = unhex("040a" "06" "43414e43454c" "616263");

/// The same as messages, sent to a ZMTP 3.0 peer.
const bytes subscribe_abc_v30 = unhex("0004" "01" "616263");
const bytes cancel_abc_v30 = unhex("0004" "00" "616263");

/// PING of a socket with ZMQ_HEARTBEAT_TTL 2000 ms: TTL 20 deciseconds, no
/// context.
const bytes ping_ttl_2s = unhex("0407" "04" "50494e47" "0014");

// clang-format on

} // namespace captured

/// Our greeting as a session with `minor` sends it.
bytes our_greeting(uint8_t minor = 1) {
  greeting g;
  g.minor = minor;
  auto xs = g.encode();
  return bytes(xs.begin(), xs.end());
}

/// A libzmq context shared by one test; sockets close with linger 0 first.
struct fixture {
  zmq::context_t ctx{1};

  zmq::socket_t make(zmq::socket_type type, std::string routing_id = {}) {
    zmq::socket_t sock{ctx, type};
    bounded(sock);
    if (!routing_id.empty())
      sock.set(zmq::sockopt::routing_id, routing_id);
    return sock;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(zmtp_libzmq_capture_tests, fixture)

// -- (a) the greeting, byte for byte -----------------------------------------

CAF_TEST(greeting_matches_rfc23_and_arrives_in_three_steps) {
  auto dealer = make(zmq::socket_type::dealer, "peer-1");
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::router)};
  CAF_REQUIRE(us.fd() >= 0);
  us.sess().start(now());
  auto& out = us.sess().output();
  CAF_REQUIRE_EQUAL(out.size(), greeting::size);
  CAF_CHECK_EQUAL(hex(pending_bytes(out)), hex(our_greeting()));
  // Step 1: libzmq sends its signature and nothing else before ours.
  auto signature = read_exactly(us.fd(), 10);
  CAF_CHECK_EQUAL(hex(signature), hex(captured::dealer_greeting).substr(0, 20));
  CAF_REQUIRE_EQUAL(signature.size(), 10u);
  CAF_CHECK_EQUAL(signature[0], 0xFF);
  CAF_CHECK_EQUAL(signature[9], 0x7F);
  // The "not significant" padding carries the routing-id size + 1.
  CAF_CHECK_EQUAL(signature[8], 7);
  CAF_CHECK(stays_silent(us.fd(), 100ms));
  // Step 2: after our signature, it sends its major version only.
  CAF_REQUIRE(write_prefix(us.fd(), out, 10));
  auto major = read_exactly(us.fd(), 1);
  CAF_CHECK_EQUAL(hex(major), "03");
  CAF_CHECK(stays_silent(us.fd(), 50ms));
  // Step 3: after our major version, the remaining 53 bytes.
  CAF_REQUIRE(write_prefix(us.fd(), out, 1));
  auto rest = read_exactly(us.fd(), 53);
  CAF_REQUIRE_EQUAL(rest.size(), 53u);
  CAF_CHECK_EQUAL(rest[0], 1); // minor version: ZMTP 3.1
  CAF_CHECK_EQUAL(std::string(rest.begin() + 1, rest.begin() + 21),
                  std::string("NULL\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20));
  CAF_CHECK_EQUAL(rest[21], 0); // as-server
  CAF_CHECK(std::all_of(rest.begin() + 22, rest.end(),
                        [](uint8_t x) { return x == 0; })); // filler
  auto theirs = concat({signature, major, rest});
  CAF_CHECK_EQUAL(hex(theirs), hex(captured::dealer_greeting));
  // Our session accepts it as it arrived, in three pieces, and finishes the
  // handshake with the rest of the stream.
  us.sess().feed(span_of(signature), now());
  us.sess().feed(span_of(major), now());
  us.sess().feed(span_of(rest), now());
  CAF_CHECK_EQUAL(us.sess().state(), session_state::handshake);
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(wire_name(peer->type), "DEALER");
  CAF_CHECK_EQUAL(peer->identity, "peer-1");
  // The READY that followed is the captured one.
  CAF_CHECK_EQUAL(hex(us.received()), hex(captured::dealer_ready));
}

CAF_TEST(greeting_without_routing_id_to_a_zmtp30_peer) {
  auto router = make(zmq::socket_type::router);
  auto port = bind_ephemeral(router);
  auto cfg = config(socket_type::dealer, "d");
  cfg.minor_version = 0;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start(); // all 64 bytes at once
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(hex(bytes(us.received().begin(), us.received().begin() + 10)),
                  hex(captured::anonymous_signature));
  // libzmq still announces 3.1; we settle on the lower version.
  CAF_CHECK_EQUAL(us.received()[greeting::minor_offset], 1);
  CAF_CHECK_EQUAL(peer->minor, 0);
  auto frames = frames_after_greeting(us.received());
  CAF_REQUIRE(!frames.empty());
  CAF_CHECK_EQUAL(hex(byte_span{frames[0].body}),
                  hex(captured::router_ready).substr(4));
}

// -- (b) handshakes with every socket-type pairing ----------------------------

CAF_TEST(handshake_with_each_socket_type) {
  struct pairing {
    zmq::socket_type theirs;
    std::string routing_id;
    socket_type ours;
    std::string_view expected_type;
    bool expect_identity;
  };
  std::vector<pairing> pairings{
      {zmq::socket_type::router, "router-1", socket_type::dealer, "ROUTER",
       true},
      {zmq::socket_type::router, "", socket_type::req, "ROUTER", true},
      {zmq::socket_type::dealer, "dealer-1", socket_type::router, "DEALER",
       true},
      {zmq::socket_type::dealer, "dealer-2", socket_type::dealer, "DEALER",
       true},
      {zmq::socket_type::dealer, "dealer-3", socket_type::rep, "DEALER", true},
      {zmq::socket_type::req, "req-1", socket_type::rep, "REQ", true},
      {zmq::socket_type::req, "req-2", socket_type::router, "REQ", true},
      {zmq::socket_type::rep, "rep-1", socket_type::req, "REP", false},
      {zmq::socket_type::rep, "rep-2", socket_type::dealer, "REP", false},
      {zmq::socket_type::pub, "", socket_type::sub, "PUB", false},
      {zmq::socket_type::sub, "", socket_type::pub, "SUB", false},
      {zmq::socket_type::xpub, "", socket_type::xsub, "XPUB", false},
      {zmq::socket_type::xsub, "", socket_type::xpub, "XSUB", false},
      {zmq::socket_type::push, "", socket_type::pull, "PUSH", false},
      {zmq::socket_type::pull, "", socket_type::push, "PULL", false},
      {zmq::socket_type::pair, "", socket_type::pair, "PAIR", false},
  };
  for (const auto& p : pairings) {
    CAF_MESSAGE("libzmq " << p.expected_type << " <-> our "
                          << wire_name(p.ours));
    auto sock = make(p.theirs, p.routing_id);
    auto port = bind_ephemeral(sock);
    raw_peer us{connect_tcp(port), config(p.ours, "us")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), p.expected_type);
    CAF_CHECK_EQUAL(peer->minor, 1);
    CAF_CHECK_EQUAL(peer->identity, p.expect_identity ? p.routing_id : "");
    CAF_CHECK_EQUAL(peer->properties.find("Identity") != nullptr,
                    p.expect_identity);
    auto* type = peer->properties.find("Socket-Type");
    CAF_REQUIRE(type != nullptr);
    CAF_CHECK_EQUAL(*type, p.expected_type);
    // libzmq accepted our READY too: it keeps the connection open.
    us.run_for(20ms);
    CAF_CHECK(!us.eof());
    CAF_CHECK(us.sess().ready());
  }
}

// -- (c) message exchange -----------------------------------------------------

CAF_TEST(dealer_router_multipart_empty_and_1mib_messages) {
  for (bool chunks : {false, true}) {
    CAF_MESSAGE("feeding " << (chunks ? "frame chunks" : "byte spans"));
    auto router = make(zmq::socket_type::router, "router-1");
    router.set(zmq::sockopt::router_mandatory, 1);
    auto port = bind_ephemeral(router);
    raw_peer us{connect_tcp(port), config(socket_type::dealer, "monocoque")};
    CAF_REQUIRE(us.fd() >= 0);
    us.feed_chunks = chunks;
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    auto big = pattern(1 << 20, 1);
    // Ours to libzmq (the ROUTER prepends our Identity).
    std::vector<parts> outgoing{
        {"a", "", "b"}, {""}, {"", ""}, {big}, {"head", big, ""}};
    for (const auto& msg : outgoing) {
      CAF_REQUIRE(us.send(msg));
      auto got = zrecv(router);
      CAF_REQUIRE(got.has_value());
      auto expected = msg;
      expected.insert(expected.begin(), "monocoque");
      CAF_CHECK(*got == expected);
    }
    // libzmq to ours (addressed by our Identity, which libzmq now knows).
    std::vector<parts> incoming{
        {"x", "", "y"}, {""}, {"", "", ""}, {big}, {big, "tail"}};
    for (const auto& msg : incoming) {
      auto addressed = msg;
      addressed.insert(addressed.begin(), "monocoque");
      zsend(router, addressed);
      auto got = us.receive();
      CAF_REQUIRE(got.has_value());
      CAF_CHECK(*got == msg);
    }
    // A burst both ways, checking order.
    constexpr int burst = 1000;
    for (int i = 0; i < burst; ++i)
      CAF_REQUIRE_EQUAL(us.sess().send(message_of({std::to_string(i)})),
                        local_error::none);
    CAF_REQUIRE(us.flush());
    for (int i = 0; i < burst; ++i) {
      auto got = zrecv(router);
      CAF_REQUIRE(got.has_value());
      CAF_REQUIRE_EQUAL(got->back(), std::to_string(i));
    }
    for (int i = 0; i < burst; ++i)
      zsend(router, {"monocoque", std::to_string(i), pattern(i % 300, i)});
    for (int i = 0; i < burst; ++i) {
      auto got = us.receive();
      CAF_REQUIRE(got.has_value());
      CAF_REQUIRE_EQUAL(got->front(), std::to_string(i));
      CAF_REQUIRE_EQUAL(got->back(), pattern(i % 300, i));
    }
    CAF_CHECK(!us.failed());
  }
}

CAF_TEST(req_rep_in_both_roles) {
  { // our REQ, libzmq REP: we add the empty delimiter, REP strips it.
    auto rep = make(zmq::socket_type::rep);
    auto port = bind_ephemeral(rep);
    raw_peer us{connect_tcp(port), config(socket_type::req, "client")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"", "hello", "world"}));
    auto request = zrecv(rep);
    CAF_REQUIRE(request.has_value());
    CAF_CHECK(*request == (parts{"hello", "world"}));
    zsend(rep, {"reply"});
    auto reply = us.receive();
    CAF_REQUIRE(reply.has_value());
    CAF_CHECK(*reply == (parts{"", "reply"}));
  }
  { // libzmq REQ, our REP: the delimiter arrives and must go back.
    auto req = make(zmq::socket_type::req, "req-1");
    auto port = bind_ephemeral(req);
    raw_peer us{connect_tcp(port), config(socket_type::rep)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    zsend(req, {"question"});
    auto request = us.receive();
    CAF_REQUIRE(request.has_value());
    CAF_CHECK(*request == (parts{"", "question"}));
    CAF_REQUIRE(us.send({"", "answer"}));
    auto reply = zrecv(req);
    CAF_REQUIRE(reply.has_value());
    CAF_CHECK(*reply == (parts{"answer"}));
  }
}

CAF_TEST(push_pull_and_pair_in_both_directions) {
  {
    auto push = make(zmq::socket_type::push);
    auto port = bind_ephemeral(push);
    raw_peer us{connect_tcp(port), config(socket_type::pull)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    zsend(push, {"job", "", "1"});
    auto got = us.receive();
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"job", "", "1"}));
  }
  {
    auto pull = make(zmq::socket_type::pull);
    auto port = bind_ephemeral(pull);
    raw_peer us{connect_tcp(port), config(socket_type::push)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"result", pattern(300, 3)}));
    auto got = zrecv(pull);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"result", pattern(300, 3)}));
  }
  {
    auto pair = make(zmq::socket_type::pair);
    auto port = bind_ephemeral(pair);
    raw_peer us{connect_tcp(port), config(socket_type::pair)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    CAF_REQUIRE(us.send({"ping"}));
    auto got = zrecv(pair);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"ping"}));
    zsend(pair, {"pong", ""});
    auto back = us.receive();
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"pong", ""}));
  }
}

// -- libzmq as the connecting side --------------------------------------------

CAF_TEST(libzmq_connects_to_our_listener) {
  uint16_t port = 0;
  fd_guard listener{listen_tcp(port)};
  CAF_REQUIRE(listener.get() >= 0);
  auto endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  { // libzmq DEALER connects, our ROUTER accepts.
    auto dealer = make(zmq::socket_type::dealer, "dealer-c");
    dealer.connect(endpoint);
    // A connecting socket has its pipe at once: this is queued, not dropped.
    zsend(dealer, {"early", ""});
    raw_peer us{accept_tcp(listener.get()),
                config(socket_type::router, "listener")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), "DEALER");
    CAF_CHECK_EQUAL(peer->identity, "dealer-c");
    // A connecting libzmq greets exactly as a bound one.
    auto expected_signature = unhex("ff00000000000000097f"); // 8 + 1
    CAF_CHECK_EQUAL(
        hex(bytes(us.received().begin(), us.received().begin() + 10)),
        hex(expected_signature));
    auto got = us.receive();
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"early", ""}));
    CAF_REQUIRE(us.send({"reply", pattern(2000, 7)}));
    auto back = zrecv(dealer);
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"reply", pattern(2000, 7)}));
  }
  { // libzmq ROUTER connects, our DEALER accepts.
    auto router = make(zmq::socket_type::router, "router-c");
    router.set(zmq::sockopt::router_mandatory, 1);
    router.connect(endpoint);
    raw_peer us{accept_tcp(listener.get()),
                config(socket_type::dealer, "accepted")};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(wire_name(peer->type), "ROUTER");
    CAF_CHECK_EQUAL(peer->identity, "router-c");
    CAF_REQUIRE(us.send({"hi"}));
    auto got = zrecv(router);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"accepted", "hi"}));
    zsend(router, {"accepted", "hello", ""});
    auto back = us.receive();
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == (parts{"hello", ""}));
  }
}

// -- (d) subscriptions --------------------------------------------------------

CAF_TEST(our_sub_gets_only_matching_messages) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our SUB announces ZMTP 3." << int{minor});
    auto pub = make(zmq::socket_type::pub);
    auto port = bind_ephemeral(pub);
    auto cfg = config(socket_type::sub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(peer->minor, minor);
    auto before = us.sess().output().size();
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("abc")),
                      local_error::none);
    auto sent = pending_bytes(us.sess().output());
    sent.erase(sent.begin(), sent.begin() + static_cast<long>(before));
    CAF_CHECK_EQUAL(hex(sent), hex(minor == 1 ? captured::subscribe_abc
                                              : captured::subscribe_abc_v30));
    CAF_REQUIRE(us.flush());
    // A PUB drops what nobody subscribed to, so publish until the
    // subscription has reached it.
    auto synced = us.run_until(
        [&] {
          zsend(pub, {"abc-sync"});
          return us.receive(20ms).has_value();
        },
        3000ms);
    CAF_REQUIRE(synced);
    for (const auto& msg : std::vector<parts>{
             {"xyz-1"}, {"abc-2", "part"}, {"ab"}, {"abd"}, {"abc"}, {"end"}})
      zsend(pub, msg);
    zsend(pub, {"abc-end"});
    std::vector<parts> got;
    while (got.empty() || got.back() != parts{"abc-end"}) {
      auto msg = us.receive();
      CAF_REQUIRE(msg.has_value());
      if (*msg != parts{"abc-sync"})
        got.push_back(*msg);
    }
    CAF_CHECK(got ==
              (std::vector<parts>{{"abc-2", "part"}, {"abc"}, {"abc-end"}}));
    // Cancel "abc", subscribe "sync": once "sync" flows, "abc" must not.
    CAF_REQUIRE_EQUAL(us.sess().cancel(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("sync")),
                      local_error::none);
    CAF_REQUIRE(us.flush());
    synced = us.run_until(
        [&] {
          zsend(pub, {"sync"});
          auto msg = us.receive(20ms);
          return msg.has_value() && *msg == parts{"sync"};
        },
        3000ms);
    CAF_REQUIRE(synced);
    zsend(pub, {"abc-after-cancel"});
    zsend(pub, {"sync-end"});
    got.clear();
    while (got.empty() || got.back() != parts{"sync-end"}) {
      auto msg = us.receive();
      CAF_REQUIRE(msg.has_value());
      if (*msg != parts{"sync"} && *msg != parts{"abc-sync"})
        got.push_back(*msg);
    }
    CAF_CHECK(got == (std::vector<parts>{{"sync-end"}}));
  }
}

CAF_TEST(our_pub_gets_subscriptions_as_command_or_message) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our PUB announces ZMTP 3." << int{minor});
    auto sub = make(zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, "abc");
    auto port = bind_ephemeral(sub);
    auto cfg = config(socket_type::pub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    // The bound SUB sends its subscriptions once its application thread has
    // attached the new pipe.
    us.tick = [&] { nudge(sub); };
    us.start();
    auto peer = us.handshake();
    CAF_REQUIRE(peer.has_value());
    CAF_CHECK_EQUAL(peer->minor, minor);
    auto first = us.subscription();
    CAF_REQUIRE(first.has_value());
    CAF_CHECK(first->subscribe);
    CAF_CHECK_EQUAL(first->topic.to_string(), "abc");
    // On the wire: a command for 3.1, a message for 3.0.
    auto frames = frames_after_greeting(us.received());
    CAF_REQUIRE_EQUAL(frames.size(), 2u); // READY, then the subscription
    CAF_CHECK_EQUAL(frames[1].command, minor == 1);
    auto expected =
        minor == 1 ? captured::subscribe_abc : captured::subscribe_abc_v30;
    CAF_CHECK_EQUAL(hex(byte_span{frames[1].body}), hex(expected).substr(4));
    // libzmq filters on its side as well: only "abc..." gets through.
    CAF_REQUIRE(us.send({"zzz"}));
    CAF_REQUIRE(us.send({"abc-1", "more"}));
    auto got = zrecv(sub);
    CAF_REQUIRE(got.has_value());
    CAF_CHECK(*got == (parts{"abc-1", "more"}));
    // Unsubscribe, and an empty topic (everything).
    sub.set(zmq::sockopt::unsubscribe, "abc");
    auto second = us.subscription();
    CAF_REQUIRE(second.has_value());
    CAF_CHECK(!second->subscribe);
    CAF_CHECK_EQUAL(second->topic.to_string(), "abc");
    sub.set(zmq::sockopt::subscribe, "");
    auto third = us.subscription();
    CAF_REQUIRE(third.has_value());
    CAF_CHECK(third->subscribe);
    CAF_CHECK(third->topic.empty());
    frames = frames_after_greeting(us.received());
    CAF_REQUIRE_EQUAL(frames.size(), 4u);
    CAF_CHECK_EQUAL(
        hex(byte_span{frames[2].body}),
        hex(minor == 1 ? captured::cancel_abc : captured::cancel_abc_v30)
            .substr(4));
    CAF_CHECK(!us.failed());
  }
}

CAF_TEST(libzmq_xpub_sees_our_subscriptions_as_messages) {
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    CAF_MESSAGE("our SUB announces ZMTP 3." << int{minor});
    auto xpub = make(zmq::socket_type::xpub);
    auto port = bind_ephemeral(xpub);
    auto cfg = config(socket_type::sub);
    cfg.minor_version = minor;
    raw_peer us{connect_tcp(port), cfg};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_REQUIRE(us.handshake().has_value());
    // Whether we sent a SUBSCRIBE command (3.1) or a message (3.0), libzmq
    // hands its application the classic one-byte-prefixed form.
    CAF_REQUIRE_EQUAL(us.sess().subscribe(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE_EQUAL(us.sess().cancel(frame::from_string("abc")),
                      local_error::none);
    CAF_REQUIRE(us.flush());
    auto sub = zrecv(xpub);
    CAF_REQUIRE(sub.has_value());
    CAF_CHECK(*sub == (parts{std::string("\x01"
                                         "abc",
                                         4)}));
    auto unsub = zrecv(xpub);
    CAF_REQUIRE(unsub.has_value());
    CAF_CHECK(*unsub == (parts{std::string("\x00"
                                           "abc",
                                           4)}));
  }
}

// -- (e) heartbeats -----------------------------------------------------------

CAF_TEST(libzmq_pings_get_answered_and_connection_stays) {
  auto make_heartbeating = [&] {
    auto dealer = make(zmq::socket_type::dealer, "hb");
    dealer.set(zmq::sockopt::heartbeat_ivl, 50);
    dealer.set(zmq::sockopt::heartbeat_timeout, 200);
    dealer.set(zmq::sockopt::heartbeat_ttl, 2000);
    return dealer;
  };
  auto dealer = make_heartbeating();
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::router)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  us.run_for(600ms);
  auto names = command_names(us.received());
  CAF_MESSAGE("commands from libzmq in 600 ms: " << names.size());
  CAF_CHECK_GREATER_OR_EQUAL(count(names, "PING"), 5u);
  CAF_CHECK(!us.eof());
  CAF_CHECK(us.sess().ready());
  // Its PINGs are byte for byte the captured one (TTL 2 s, no context).
  auto frames = frames_after_greeting(us.received());
  auto ping = std::find_if(frames.begin(), frames.end(),
                           [](const wire_frame& f) { return f.command; });
  ping = std::find_if(ping + 1, frames.end(),
                      [](const wire_frame& f) { return f.command; });
  CAF_REQUIRE(ping != frames.end());
  CAF_CHECK_EQUAL(hex(byte_span{ping->body}),
                  hex(captured::ping_ttl_2s).substr(4));
  // The connection still carries messages both ways.
  CAF_REQUIRE(us.send({"still-here"})); // no routing: one connection
  auto got = zrecv(dealer);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{"still-here"}));
  zsend(dealer, {"me-too"});
  auto back = us.receive();
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(*back == (parts{"me-too"}));
  // Control: a peer that never answers gets dropped after the timeout, so the
  // connection above survived because of our PONGs.
  auto strict = make_heartbeating();
  auto strict_port = bind_ephemeral(strict);
  raw_peer silent{connect_tcp(strict_port), config(socket_type::router)};
  CAF_REQUIRE(silent.fd() >= 0);
  silent.start();
  CAF_REQUIRE(silent.handshake().has_value());
  silent.mute = true;
  CAF_CHECK(silent.run_until([&] { return silent.eof(); }, 2000ms));
}

CAF_TEST(libzmq_answers_our_pings) {
  auto dealer = make(zmq::socket_type::dealer, "quiet");
  auto port = bind_ephemeral(dealer);
  auto cfg = config(socket_type::dealer);
  cfg.heartbeat.interval = 50ms;
  cfg.heartbeat.timeout = 200ms;
  cfg.heartbeat.ttl = 1s;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  us.run_for(500ms);
  auto names = command_names(us.received());
  CAF_CHECK_GREATER_OR_EQUAL(count(names, "PONG"), 5u);
  CAF_CHECK(us.sess().ready());
  CAF_CHECK(!us.eof());
}

// -- (f) socket-type mismatch -------------------------------------------------

CAF_TEST(socket_type_mismatch_pub_vs_dealer) {
  auto dealer = make(zmq::socket_type::dealer, "d");
  auto port = bind_ephemeral(dealer);
  raw_peer us{connect_tcp(port), config(socket_type::pub)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_CHECK(!us.handshake().has_value());
  auto failed = us.take<events::failed>();
  CAF_REQUIRE(failed.has_value());
  CAF_CHECK_EQUAL(std::string{to_string(failed->reason.code)},
                  "socket_type_mismatch");
  CAF_MESSAGE("our reason: " << failed->reason.detail);
  CAF_CHECK_EQUAL(us.sess().error().code, peer_error::socket_type_mismatch);
  // libzmq finds the mismatch too and silently drops the connection: it
  // sends its READY (before it has seen ours) but no ERROR command.
  us.run_until([&] { return us.eof(); });
  CAF_CHECK(us.eof());
  auto frames = frames_after_greeting(us.received());
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_CHECK(frames[0].command);
  auto cmd = parse_command(byte_span{frames[0].body});
  CAF_REQUIRE(cmd.has_value());
  CAF_CHECK_EQUAL(cmd->name, "READY");
}

CAF_TEST(our_null_session_refuses_a_libzmq_plain_server) {
  auto dealer = make(zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::plain_server, 1);
  auto port = bind_ephemeral(dealer);
  { // Our whole greeting at once: libzmq may read our mechanism before it
    // has written anything, and hangs up without finishing its greeting.
    raw_peer us{connect_tcp(port), config(socket_type::dealer)};
    CAF_REQUIRE(us.fd() >= 0);
    us.start();
    CAF_CHECK(us.run_until([&] { return us.eof(); }));
    // Seen: nothing, or just the signature; never the whole greeting.
    CAF_CHECK_LESS(us.received().size(), greeting::size);
    auto n = std::min(us.received().size(), size_t{10});
    CAF_CHECK_EQUAL(
        hex(bytes(us.received().begin(), us.received().begin() + n)),
        hex(bytes(captured::anonymous_signature.begin(),
                  captured::anonymous_signature.begin() + n)));
    CAF_CHECK(!us.sess().ready());
  }
  { // Our greeting up to the major version: libzmq sends all of its own, so
    // our session sees PLAIN and refuses it.
    raw_peer us{connect_tcp(port), config(socket_type::dealer)};
    CAF_REQUIRE(us.fd() >= 0);
    us.sess().start(now());
    CAF_REQUIRE(write_prefix(us.fd(), us.sess().output(), 11));
    auto theirs = read_exactly(us.fd(), greeting::size);
    CAF_REQUIRE_EQUAL(theirs.size(), greeting::size);
    CAF_CHECK_EQUAL(
        std::string(theirs.begin() + greeting::mechanism_offset,
                    theirs.begin() + greeting::mechanism_offset + 6),
        std::string("PLAIN\0", 6));
    // libzmq leaves the as-server flag at 0 even as a PLAIN server: a
    // mechanism must not insist on RFC 23's "opposite roles" rule.
    CAF_CHECK_EQUAL(theirs[greeting::as_server_offset], 0);
    us.sess().feed(span_of(theirs), now());
    auto failed = us.sess().poll();
    CAF_REQUIRE(failed.has_value());
    CAF_REQUIRE(std::holds_alternative<events::failed>(*failed));
    CAF_CHECK_EQUAL(
        std::string{to_string(std::get<events::failed>(*failed).reason.code)},
        "mechanism_mismatch");
    // The rest of our greeting and our ERROR go out; libzmq hangs up.
    CAF_CHECK(us.flush());
    CAF_CHECK(us.run_until([&] { return us.eof(); }));
  }
}

CAF_TEST(routing_ids_of_255_bytes_both_ways) {
  auto long_id = pattern(255, 9);
  long_id[0] = 'L'; // libzmq reserves routing ids that start with a NUL
  auto router = make(zmq::socket_type::router, long_id);
  router.set(zmq::sockopt::router_mandatory, 1);
  auto port = bind_ephemeral(router);
  auto our_id = std::string(255, 'm');
  raw_peer us{connect_tcp(port), config(socket_type::dealer, our_id)};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  auto peer = us.handshake();
  CAF_REQUIRE(peer.has_value());
  CAF_CHECK_EQUAL(peer->identity.size(), 255u);
  CAF_CHECK(peer->identity == long_id);
  // The ZMTP 1.0 length in the signature is 256 now: it spills into byte 7.
  CAF_CHECK_EQUAL(hex(bytes(us.received().begin(), us.received().begin() + 10)),
                  "ff00000000000001007f");
  CAF_REQUIRE(us.send({"x"}));
  auto got = zrecv(router);
  CAF_REQUIRE(got.has_value());
  CAF_CHECK(*got == (parts{our_id, "x"}));
}

CAF_TEST(libzmq_message_above_our_limit_fails_the_session) {
  auto dealer = make(zmq::socket_type::dealer);
  auto port = bind_ephemeral(dealer);
  auto cfg = config(socket_type::dealer);
  cfg.max_message_size = 1000;
  raw_peer us{connect_tcp(port), cfg};
  CAF_REQUIRE(us.fd() >= 0);
  us.start();
  CAF_REQUIRE(us.handshake().has_value());
  zsend(dealer, {pattern(600, 1), pattern(400, 2)}); // exactly the limit
  auto ok = us.receive();
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK_EQUAL(ok->size(), 2u);
  zsend(dealer, {pattern(600, 1), pattern(401, 2)});
  CAF_CHECK(!us.receive().has_value());
  CAF_CHECK_EQUAL(std::string{to_string(us.sess().error().code)},
                  "message_too_large");
}

// -- (g) captured byte streams through our decoder ----------------------------

CAF_TEST(captured_streams_parse_whole_and_bytewise) {
  auto stream = concat({captured::dealer_greeting, captured::dealer_ready,
                        captured::ping_ttl_2s});
  for (bool bytewise : {false, true}) {
    session sess{config(socket_type::router)};
    sess.start(timestamp{0});
    sess.output().clear(); // drop our greeting
    if (bytewise)
      for (size_t i = 0; i < stream.size(); ++i)
        sess.feed(span_of(stream).subspan(i, 1), timestamp{0});
    else
      sess.feed(span_of(stream), timestamp{0});
    auto ev = sess.poll();
    CAF_REQUIRE(ev.has_value());
    auto* done = std::get_if<events::handshake_done>(&*ev);
    CAF_REQUIRE(done != nullptr);
    CAF_CHECK_EQUAL(wire_name(done->peer.type), "DEALER");
    CAF_CHECK_EQUAL(done->peer.identity, "peer-1");
    CAF_CHECK_EQUAL(done->peer.minor, 1);
    CAF_CHECK(!sess.poll().has_value());
    // Our READY, then a PONG with the (empty) context of the PING.
    auto out = pending_bytes(sess.output());
    auto pong = unhex("0405"
                      "04"
                      "504f4e47");
    CAF_REQUIRE_GREATER_OR_EQUAL(out.size(), pong.size());
    CAF_CHECK_EQUAL(
        hex(bytes(out.end() - static_cast<long>(pong.size()), out.end())),
        hex(pong));
    // The PING's TTL (2 s) now bounds the peer's silence.
    auto deadline = sess.next_deadline();
    CAF_REQUIRE(deadline.has_value());
    CAF_CHECK_EQUAL(*deadline, timestamp{2s});
  }
}

CAF_TEST(captured_subscriptions_parse_for_30_and_31) {
  auto sub_greeting = captured::dealer_greeting;
  sub_greeting[8] = 1; // no routing id
  for (uint8_t minor : {uint8_t{1}, uint8_t{0}}) {
    auto cfg = config(socket_type::pub);
    cfg.minor_version = minor;
    session sess{cfg};
    sess.start(timestamp{0});
    auto stream =
        minor == 1
            ? concat({sub_greeting, captured::sub_ready,
                      captured::subscribe_abc, captured::cancel_abc})
            : concat({sub_greeting, captured::sub_ready,
                      captured::subscribe_abc_v30, captured::cancel_abc_v30});
    sess.feed(span_of(stream), timestamp{0});
    auto done = sess.poll();
    CAF_REQUIRE(done.has_value());
    CAF_REQUIRE(std::holds_alternative<events::handshake_done>(*done));
    CAF_CHECK_EQUAL(std::get<events::handshake_done>(*done).peer.minor, minor);
    for (bool subscribe : {true, false}) {
      auto ev = sess.poll();
      CAF_REQUIRE(ev.has_value());
      auto* sub = std::get_if<events::subscription>(&*ev);
      CAF_REQUIRE(sub != nullptr);
      CAF_CHECK_EQUAL(sub->subscribe, subscribe);
      CAF_CHECK_EQUAL(sub->topic.to_string(), "abc");
    }
    CAF_CHECK(!sess.poll().has_value());
  }
  // A ROUTER's READY with an empty Identity.
  auto router_greeting = sub_greeting;
  session sess{config(socket_type::dealer)};
  sess.start(timestamp{0});
  sess.feed(span_of(concat({router_greeting, captured::router_ready})),
            timestamp{0});
  auto ev = sess.poll();
  CAF_REQUIRE(ev.has_value());
  auto* done = std::get_if<events::handshake_done>(&*ev);
  CAF_REQUIRE(done != nullptr);
  CAF_CHECK_EQUAL(wire_name(done->peer.type), "ROUTER");
  CAF_CHECK_EQUAL(done->peer.identity, "");
  CAF_CHECK(done->peer.properties.find("Identity") != nullptr);
}

CAF_TEST_FIXTURE_SCOPE_END()
