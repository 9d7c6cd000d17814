// zmtp-demo: monocoque's sans-IO ZMTP 3.1 layer talking to a real libzmq.
//
// A libzmq ROUTER (the reference implementation, used here only as a peer)
// runs in a thread and echoes every message back with each frame prefixed.
// The main thread opens a plain TCP socket to it and drives a
// `monocoque::zmtp::session` by hand: poll(2) for readiness, the session's
// `next_deadline()` for timers, `feed()` for what arrives and `output()` for
// what to write. It shows the greeting bytes both ways, the handshake result,
// three multipart round trips, and then closes.
//
// No CAF here: socket actors (an io_uring transport under CAF) come with the
// next issue; this is the protocol layer on its own.
//
// Exit status: 0 on success, 1 with a message on any failure. Everything is
// bounded by a 5-second deadline.

#include "monocoque/zmtp/session.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <future>
#include <stdexcept>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>
#include <thread>
#include <unistd.h>
#include <variant>
#include <vector>
#include <zmq.hpp>

namespace zmtp = monocoque::zmtp;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto overall_timeout = 5s;
constexpr const char* prefix = "echo:";

// -- printing -----------------------------------------------------------------

std::string hex(const uint8_t* data, size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (size_t i = 0; i < size; ++i) {
    if (i > 0)
      result += ' ';
    result += digits[data[i] >> 4];
    result += digits[data[i] & 0x0F];
  }
  return result;
}

/// Prints a greeting field by field, as RFC 23 lays it out.
void print_greeting(const char* who, const std::vector<uint8_t>& g) {
  std::printf("%s greeting (64 bytes):\n", who);
  std::printf("    signature   %s\n", hex(g.data(), 10).c_str());
  std::printf("    version     %s  (ZMTP %d.%d)\n",
              hex(g.data() + 10, 2).c_str(), g[10], g[11]);
  std::printf("    mechanism   %s  (\"%s\")\n", hex(g.data() + 12, 20).c_str(),
              reinterpret_cast<const char*>(g.data() + 12));
  std::printf("    as-server   %s\n", hex(g.data() + 32, 1).c_str());
  std::printf(
      "    filler      31 x 00%s\n",
      std::all_of(g.begin() + 33, g.end(), [](uint8_t x) { return x == 0; })
          ? ""
          : "  (NOT all zero!)");
}

std::string describe(const zmtp::message& msg) {
  std::string result = "[";
  for (size_t i = 0; i < msg.size(); ++i) {
    if (i > 0)
      result += ", ";
    if (msg[i].size() <= 40)
      result += '"' + msg[i].to_string() + '"';
    else
      result += "<" + std::to_string(msg[i].size()) + " bytes>";
  }
  return result + "]";
}

// -- the libzmq peer ----------------------------------------------------------

/// A libzmq ROUTER in its own thread that echoes each message back to its
/// sender with `prefix` in front of every frame.
class echo_router {
public:
  /// Binds to an ephemeral port and starts the thread; `port()` tells where.
  echo_router() : sock_(ctx_, zmq::socket_type::router) {
    sock_.set(zmq::sockopt::linger, 0);
    sock_.bind("tcp://127.0.0.1:0");
    auto endpoint = sock_.get(zmq::sockopt::last_endpoint);
    port_ = static_cast<uint16_t>(
        std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
    thread_ = std::thread{[this] { run(); }};
  }

  ~echo_router() {
    stop_ = true;
    thread_.join();
  }

  uint16_t port() const noexcept { return port_; }

  /// An error from the thread, if any.
  std::string error() const {
    return error_future_.wait_for(0s) == std::future_status::ready
               ? error_future_.get()
               : std::string{};
  }

private:
  void run() {
    std::string error;
    try {
      zmq::pollitem_t item{sock_.handle(), 0, ZMQ_POLLIN, 0};
      while (!stop_) {
        if (zmq::poll(&item, 1, 50ms) == 0)
          continue;
        std::vector<zmq::message_t> parts;
        do {
          parts.emplace_back();
          if (!sock_.recv(parts.back()))
            throw std::runtime_error("recv interrupted");
        } while (parts.back().more());
        // parts[0] is the routing id libzmq prepends: our Identity.
        for (size_t i = 0; i < parts.size(); ++i) {
          auto flags = i + 1 < parts.size() ? zmq::send_flags::sndmore
                                            : zmq::send_flags::none;
          if (i == 0)
            sock_.send(parts[0], flags);
          else
            sock_.send(zmq::buffer(prefix + parts[i].to_string()), flags);
        }
      }
    } catch (const std::exception& ex) {
      error = std::string{"libzmq ROUTER: "} + ex.what();
    }
    sock_.close();
    error_promise_.set_value(error);
  }

  zmq::context_t ctx_;
  zmq::socket_t sock_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::promise<std::string> error_promise_;
  std::shared_future<std::string> error_future_ = error_promise_.get_future();
  std::thread thread_;
};

// -- our side -----------------------------------------------------------------

zmtp::timestamp now() {
  return std::chrono::duration_cast<zmtp::timestamp>(
      steady::now().time_since_epoch());
}

/// Opens a non-blocking TCP connection to 127.0.0.1:`port`.
int connect_to(uint16_t port, std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error = std::string{"connect: "} + std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/// A session plus the socket it talks over, and the loop that joins them.
class connection {
public:
  connection(int fd, zmtp::session_config cfg)
      : fd_(fd), sess_(std::move(cfg)) {
    // nop
  }

  ~connection() { ::close(fd_); }

  zmtp::session& session() noexcept { return sess_; }

  /// The peer's greeting, once all 64 bytes arrived.
  std::vector<uint8_t> peer_greeting;

  /// Whether the handshake finished.
  bool handshake_done = false;

  /// Messages received and not yet looked at.
  std::deque<zmtp::message> inbox;

  /// Runs the I/O loop until `done()` holds. Returns false, with `error` set,
  /// if the session fails, the peer hangs up or `deadline` passes.
  template <class Predicate>
  bool run_until(Predicate done, steady::time_point deadline) {
    while (!done()) {
      if (!error.empty())
        return false;
      // Sleep until input arrives, output can go, or a timer is due.
      auto wake = deadline;
      if (auto t = sess_.next_deadline())
        wake = std::min(wake,
                        steady::time_point{
                            std::chrono::duration_cast<steady::duration>(*t)});
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          wake - steady::now() + 999us);
      pollfd p{fd_, POLLIN, 0};
      if (!sess_.output().empty())
        p.events |= POLLOUT;
      if (::poll(&p, 1, static_cast<int>(std::max(wait.count(), 0L))) < 0 &&
          errno != EINTR)
        return fail(std::string{"poll: "} + std::strerror(errno));
      if ((p.revents & POLLOUT) != 0 && !write_some())
        return false;
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !read_some())
        return false;
      sess_.advance_time(now());
      while (auto ev = sess_.poll())
        std::visit([this](auto& x) { on(x); }, *ev);
      if (steady::now() >= deadline && !done())
        return fail("timed out");
    }
    return true;
  }

  std::string error;

private:
  bool fail(std::string what) {
    if (error.empty())
      error = std::move(what);
    return false;
  }

  bool write_some() {
    zmtp::io_slice slices[16];
    iovec iov[16];
    auto n = sess_.output().gather(slices, 16);
    for (size_t i = 0; i < n; ++i)
      iov[i] = iovec{const_cast<uint8_t*>(slices[i].data), slices[i].size};
    auto written = ::writev(fd_, iov, static_cast<int>(n));
    if (written < 0)
      return errno == EAGAIN ||
             fail(std::string{"writev: "} + std::strerror(errno));
    sess_.output().consume(static_cast<size_t>(written));
    return true;
  }

  bool read_some() {
    uint8_t buf[64 * 1024];
    auto n = ::read(fd_, buf, sizeof(buf));
    if (n == 0)
      return fail("the peer closed the connection");
    if (n < 0)
      return errno == EAGAIN ||
             fail(std::string{"read: "} + std::strerror(errno));
    auto bytes = static_cast<size_t>(n);
    if (!handshake_done)
      std::printf("<- %zu bytes from libzmq\n", bytes);
    // Keep a copy of the greeting to show it; the session parses it itself.
    auto missing = 64 - std::min<size_t>(64, received_);
    peer_greeting.insert(peer_greeting.end(), buf,
                         buf + std::min(missing, bytes));
    received_ += bytes;
    sess_.feed(zmtp::byte_span{buf, bytes}, now());
    return true;
  }

  void on(zmtp::events::handshake_done&) { handshake_done = true; }

  void on(zmtp::events::message_received& ev) {
    inbox.push_back(std::move(ev.msg));
  }

  void on(zmtp::events::subscription&) {
    // A DEALER gets no subscriptions.
  }

  void on(zmtp::events::failed& ev) {
    fail(std::string{"session failed: "} + zmtp::to_string(ev.reason.code) +
         " (" + ev.reason.detail + ")");
  }

  int fd_;
  zmtp::session sess_;
  size_t received_ = 0;
};

int run() {
  auto deadline = steady::now() + overall_timeout;
  echo_router router;
  std::printf("libzmq %d.%d.%d ROUTER echoing on tcp://127.0.0.1:%u\n",
              std::get<0>(zmq::version()), std::get<1>(zmq::version()),
              std::get<2>(zmq::version()), router.port());

  std::string error;
  int fd = connect_to(router.port(), error);
  if (fd < 0) {
    std::fprintf(stderr, "zmtp-demo: error: %s\n", error.c_str());
    return 1;
  }
  zmtp::session_config cfg;
  cfg.type = zmtp::socket_type::dealer;
  cfg.identity = "monocoque-demo";
  cfg.handshake_timeout = 3s;
  cfg.heartbeat.interval = 1s; // PINGs libzmq answers with PONGs
  connection conn{fd, cfg};
  auto check = [&](bool ok, const char* step) {
    if (!ok)
      std::fprintf(stderr, "zmtp-demo: error while %s: %s\n", step,
                   conn.error.c_str());
    return ok;
  };

  // 1. Greeting: the session queues all 64 bytes at once. libzmq sends its
  //    own in steps (signature, major version, rest) as ours arrives.
  conn.session().start(now());
  std::vector<zmtp::io_slice> slices(conn.session().output().slice_count());
  conn.session().output().gather(slices.data(), slices.size());
  std::vector<uint8_t> ours;
  for (const auto& slice : slices)
    ours.insert(ours.end(), slice.data, slice.data + slice.size);
  std::printf("\n-- 1. greeting\n");
  print_greeting("-> our", ours);
  if (!check(conn.run_until([&] { return conn.peer_greeting.size() == 64; },
                            deadline),
             "waiting for libzmq's greeting"))
    return 1;
  print_greeting("<- libzmq's", conn.peer_greeting);
  std::printf("    (RFC 23 calls signature bytes 1-8 padding; libzmq puts its "
              "routing-id length + 1 there, for ZMTP 1.0 peers)\n");

  // 2. Handshake: NULL mechanism, so each side sends READY with its metadata.
  std::printf("\n-- 2. handshake (NULL mechanism: READY both ways)\n");
  if (!check(conn.run_until([&] { return conn.handshake_done; }, deadline),
             "handshaking"))
    return 1;
  const auto& peer = conn.session().peer();
  std::printf(
      "handshake done: peer is a %s speaking ZMTP 3.%d, Identity \"%s\"\n",
      std::string{zmtp::wire_name(peer.type)}.c_str(), peer.minor,
      peer.identity.c_str());
  peer.properties.for_each([](const auto& prop) {
    std::printf("    property %.*s = \"%.*s\"\n",
                static_cast<int>(prop.name.size()), prop.name.data(),
                static_cast<int>(prop.value.size()), prop.value.data());
  });

  // 3. Three multipart messages; the ROUTER sees our Identity as their
  //    routing id and sends each one back with every frame prefixed.
  std::printf("\n-- 3. messages\n");
  std::vector<zmtp::message> requests{
      zmtp::make_message({"hello", "world"}),
      zmtp::make_message({"", "an empty frame came first"}),
      zmtp::make_message({"big", std::string(100 * 1024, 'x'), "tail"}),
  };
  for (const auto& request : requests) {
    std::printf("-> %s\n", describe(request).c_str());
    if (auto err = conn.session().send(request);
        err != zmtp::local_error::none) {
      std::fprintf(stderr, "zmtp-demo: error: send refused: %s\n",
                   zmtp::to_string(err));
      return 1;
    }
    if (!check(conn.run_until([&] { return !conn.inbox.empty(); }, deadline),
               "waiting for the echo"))
      return 1;
    auto reply = std::move(conn.inbox.front());
    conn.inbox.pop_front();
    std::printf("<- %s\n", describe(reply).c_str());
    bool as_expected = reply.size() == request.size();
    for (size_t i = 0; as_expected && i < reply.size(); ++i)
      as_expected = reply[i].to_string() == prefix + request[i].to_string();
    if (!as_expected) {
      std::fprintf(stderr, "zmtp-demo: error: unexpected reply\n");
      return 1;
    }
  }

  // 4. Close: the session is sans-IO, so closing is just flushing what is
  //    queued and closing the socket (in ~connection).
  std::printf("\n-- 4. close\n");
  if (!check(conn.run_until([&] { return conn.session().output().empty(); },
                            deadline),
             "flushing"))
    return 1;
  if (auto err = router.error(); !err.empty()) {
    std::fprintf(stderr, "zmtp-demo: error: %s\n", err.c_str());
    return 1;
  }
  std::printf("all replies matched; closing the connection\n");
  return 0;
}

} // namespace

int main() {
  try {
    auto rc = run();
    if (rc == 0)
      std::printf("zmtp-demo: OK\n");
    return rc;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "zmtp-demo: error: %s\n", ex.what());
    return 1;
  }
}
