#pragma once

// Shared by interop/ipc.test.cpp: ipc paths of a test (removed at the end),
// what may lie at a path before a bind (a stale socket file, the file of a
// live listener, a regular file, a directory), one side of a socket family
// (our socket, the libzmq peer facing it, the traffic that proves they talk)
// and the two drivers: we bind (our socket restarts on its own stale file)
// and we connect (the libzmq binder goes, its file is removed, a new one
// binds and re-creates it).
//
// A suite file defines CAF_SUITE and then includes this header.

#include "pubsub_fixture.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace interop {

// -- files at an ipc path -----------------------------------------------------

/// A raw unix stream socket of the kernel's API, bound to `path` and
/// listening (-1 on failure). Closing it leaves its file behind: what a
/// binder that crashed leaves.
inline int unix_listener(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path))
    return -1;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Whether a connect to `path` reaches a listener.
inline bool reachable(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(),
              std::min(path.size(), sizeof(addr.sun_path) - 1));
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  auto rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::close(fd);
  return rc == 0;
}

/// Whether `path` names a unix socket file.
inline bool is_socket_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

/// Removes whatever `path` names (file or empty directory).
inline void remove_path(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno == EISDIR)
    ::rmdir(path.c_str());
}

/// What lies at an ipc path when a socket binds to it. `make` puts it
/// there and returns a descriptor to close after the bind (or -1).
struct leftover {
  /// Names the case in messages.
  const char* name;
  /// Creates the leftover at the path.
  std::function<int(const std::string&)> make;
};

/// The leftovers `bind` meets: nothing, a stale socket file (its listener
/// closed without removing it), the file of a listener that still lives
/// (another process bound the path), a regular file and a directory.
inline std::vector<leftover> leftovers() {
  return {
      {"nothing", [](const std::string&) { return -1; }},
      {"a stale socket file",
       [](const std::string& path) {
         auto fd = unix_listener(path);
         CAF_REQUIRE(fd >= 0);
         ::close(fd);
         CAF_REQUIRE(is_socket_file(path) && !reachable(path));
         return -1;
       }},
      {"the file of a live listener",
       [](const std::string& path) {
         auto fd = unix_listener(path);
         CAF_REQUIRE(fd >= 0 && reachable(path));
         return fd;
       }},
      {"a regular file",
       [](const std::string& path) {
         auto fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
         CAF_REQUIRE(fd >= 0);
         ::close(fd);
         return -1;
       }},
      {"a directory",
       [](const std::string& path) {
         CAF_REQUIRE(::mkdir(path.c_str(), 0700) == 0);
         return -1;
       }},
  };
}

/// What a bind over a leftover did, seen from outside.
struct bind_outcome {
  /// The bind succeeded.
  bool bound = false;
  /// Afterwards, a connect to the path reached a listener.
  bool reachable = false;
  /// After the socket closed, the path still named a socket file.
  bool file_left = false;
};

// -- one side of a socket family ----------------------------------------------

struct ipc_fixture;

/// One of our sockets of a family over ipc, the libzmq peer type that faces
/// it, and the traffic that proves the two talk (`tag` tells rounds apart).
/// A SUB subscribes to "t" and so does a libzmq SUB.
template <class Handle> struct side {
  /// Our socket type, for messages.
  const char* name;
  /// Spawns our socket (`mq::spawn_router`, ...).
  Handle (*spawn)(caf::actor_system&, mq::socket_options);
  /// The libzmq peer's type.
  zmq::socket_type peer;
  /// Messages both ways (or one way for PUSH/PULL and PUB/SUB).
  void (ipc_fixture::*traffic)(const Handle&, zmq::socket_t&,
                               const std::string&);
};

// -- the fixture --------------------------------------------------------------

struct ipc_fixture : pubsub_fixture {
  /// Paths this test used, removed at its end.
  std::vector<std::string> paths;

  ~ipc_fixture() {
    for (auto& p : paths)
      remove_path(p);
  }

  /// A fresh path under /tmp, removed at the end of the test.
  std::string fresh_path() {
    auto p = "/tmp/monocoque-ipc-" + std::to_string(::getpid()) + "-" +
             std::to_string(paths.size()) + ".sock";
    remove_path(p);
    paths.push_back(p);
    return p;
  }

  /// Binds our `h` to `ep`; the endpoint or the error.
  template <class Handle>
  caf::expected<std::string> try_bind(const Handle& h, const std::string& ep) {
    caf::expected<std::string> result{mq::make_error(mq::errc::timed_out)};
    self->request(h, timeout, mq::bind_atom::value, ep)
        .receive([&](std::string& bound) { result = std::move(bound); },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Our socket of `s`, reconnecting fast (a SUB subscribed to "t").
  template <class Handle> Handle ours_of(const side<Handle>& s) {
    auto result = s.spawn(sys, fast());
    if constexpr (std::is_same<Handle, mq::sub_actor>::value)
      subscribe(result, "t");
    return result;
  }

  /// A libzmq peer of `s` that reconnects fast (a SUB subscribed to "t").
  template <class Handle> zmq::socket_t peer_of(const side<Handle>& s) {
    auto z = zsock(ctx, s.peer);
    z.set(zmq::sockopt::reconnect_ivl, 20);
    if (s.peer == zmq::socket_type::sub)
      z.set(zmq::sockopt::subscribe, "t");
    return z;
  }

  // -- traffic patterns -------------------------------------------------------

  /// Sends `parts` from our `h` (`FromOurs`) or from the libzmq peer `z`;
  /// returns what the other one received.
  template <bool FromOurs, class Handle>
  std::vector<std::string> pass(const Handle& h, zmq::socket_t& z,
                                const std::vector<std::string>& parts) {
    if constexpr (FromOurs) {
      send(h, mp(parts));
      return zrecv(z);
    } else {
      CAF_REQUIRE(zsend(z, parts));
      return recv_strs(h);
    }
  }

  /// One side asks with `{"ask", tag}` (ours if `OursAsks`), the other
  /// answers with `{"answer", tag}` behind the envelope the request came
  /// with (a ROUTER's routing id; nothing from a REP, which keeps it, or a
  /// PAIR).
  template <bool OursAsks, class Handle>
  void ask(const Handle& h, zmq::socket_t& z, const std::string& tag) {
    auto got = pass<OursAsks>(h, z, {"ask", tag});
    CAF_REQUIRE(got.size() >= 2);
    CAF_CHECK_EQUAL(strings_tail(got, 2),
                    (std::vector<std::string>{"ask", tag}));
    auto answer = strings_head(got, got.size() - 2);
    answer.insert(answer.end(), {"answer", tag});
    CAF_CHECK_EQUAL(pass<!OursAsks>(h, z, answer),
                    (std::vector<std::string>{"answer", tag}));
  }

  /// Our `h` asks, the libzmq peer answers (`ask`).
  template <class Handle>
  void we_ask(const Handle& h, zmq::socket_t& z, const std::string& tag) {
    ask<true>(h, z, tag);
  }

  /// The libzmq peer asks, our `h` answers (`ask`).
  template <class Handle>
  void they_ask(const Handle& h, zmq::socket_t& z, const std::string& tag) {
    ask<false>(h, z, tag);
  }

  /// Our PUSH sends, the libzmq PULL receives.
  template <class Handle>
  void we_push(const Handle& h, zmq::socket_t& z, const std::string& tag) {
    CAF_CHECK_EQUAL(pass<true>(h, z, {"push", tag}),
                    (std::vector<std::string>{"push", tag}));
  }

  /// The libzmq PUSH sends, our PULL receives.
  template <class Handle>
  void they_push(const Handle& h, zmq::socket_t& z, const std::string& tag) {
    CAF_CHECK_EQUAL(pass<false>(h, z, {"push", tag}),
                    (std::vector<std::string>{"push", tag}));
  }

  /// Our PUB publishes `{"t", tag}` every 10 ms until the libzmq SUB
  /// (subscribed to "t") got one: its subscription arrived over the new
  /// connection. Messages of earlier rounds are skipped.
  void we_publish(const mq::pub_actor& h, zmq::socket_t& z,
                  const std::string& tag) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool got = false;
    while (!got && std::chrono::steady_clock::now() < deadline) {
      publish(h, {"t", tag});
      for (auto msg = zrecv_for(z, 10ms); !got && msg != timed_out;
           msg = zrecv_for(z, 10ms))
        got = msg == std::vector<std::string>{"t", tag};
    }
    CAF_CHECK(got);
  }

  /// The libzmq PUB publishes `{"t", tag}` every 10 ms until our SUB
  /// (subscribed to "t" before it connected) got one: it subscribed again
  /// on the new connection. Messages of earlier rounds are skipped.
  void they_publish(const mq::sub_actor& h, zmq::socket_t& z,
                    const std::string& tag) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool got = false;
    while (!got && std::chrono::steady_clock::now() < deadline) {
      CAF_REQUIRE(zsend(z, {"t", tag}));
      for (auto msg = try_recv(h, caf::timespan{10ms}); !got && msg;
           msg = try_recv(h, caf::timespan{10ms}))
        got = strs(*msg) == std::vector<std::string>{"t", tag};
    }
    CAF_CHECK(got);
  }

  /// The last `n` strings of `x`.
  static std::vector<std::string>
  strings_tail(const std::vector<std::string>& x, size_t n) {
    return {x.end() - static_cast<std::ptrdiff_t>(n), x.end()};
  }

  /// The first `n` strings of `x`.
  static std::vector<std::string>
  strings_head(const std::vector<std::string>& x, size_t n) {
    return {x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n)};
  }

  // -- events -----------------------------------------------------------------

  /// Subscribes `watcher` to the `connect_retried` events of `h`.
  template <class Handle>
  void watch_retries(const Handle& h, caf::scoped_actor& watcher) {
    self->request(h, timeout, mq::monitor_atom::value,
                  caf::actor_cast<caf::actor>(watcher),
                  mq::bit(mq::socket_event_type::connect_retried))
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) {
                   CAF_FAIL("monitor failed: " << sys.render(err));
                 });
  }

  /// Waits (at most `timeout`) for a `connect_retried` event whose reason
  /// is a missing file (ENOENT); returns whether one came.
  static bool await_missing_file_retry(caf::scoped_actor& watcher) {
    const std::string enoent = std::strerror(ENOENT);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool seen = false;
    while (!seen && std::chrono::steady_clock::now() < deadline) {
      watcher->receive(
          [&](mq::event_atom, const mq::socket_event& ev) {
            seen = ev.reason.find(enoent) != std::string::npos;
          },
          caf::after(std::chrono::milliseconds{100}) >> [] {});
    }
    return seen;
  }

  // -- the drivers ------------------------------------------------------------

  /// We bind over a stale socket file and a libzmq peer connects; then our
  /// socket closes and a new one binds the same path (over the file the
  /// first left behind, as libzmq leaves it): the peer reconnects to it.
  template <class Handle> void we_bind(const side<Handle>& s) {
    CAF_MESSAGE(s.name << ": we bind");
    auto path = fresh_path();
    auto ep = "ipc://" + path;
    auto stale = unix_listener(path);
    CAF_REQUIRE(stale >= 0);
    ::close(stale);
    auto ours = ours_of(s);
    CAF_REQUIRE_EQUAL(bind(ours, ep), ep);
    auto z = peer_of(s);
    z.connect(ep);
    CAF_REQUIRE(await_status(ours, 1));
    (this->*s.traffic)(ours, z, "first");
    CAF_REQUIRE(close(ours));
    auto again = ours_of(s);
    CAF_REQUIRE_EQUAL(bind(again, ep), ep);
    CAF_REQUIRE(await_status(again, 1));
    (this->*s.traffic)(again, z, "after our restart");
    CAF_CHECK(close(again));
  }

  /// A libzmq peer binds and we connect; then the peer closes, its file is
  /// removed, our socket retries against the missing file, and a new peer
  /// binds the path (creating a new file): our socket reconnects to it.
  template <class Handle> void we_connect(const side<Handle>& s) {
    CAF_MESSAGE(s.name << ": we connect");
    auto path = fresh_path();
    auto ep = "ipc://" + path;
    auto z = peer_of(s);
    z.bind(ep);
    auto ours = ours_of(s);
    caf::scoped_actor watcher{sys};
    watch_retries(ours, watcher);
    connect(ours, ep);
    CAF_REQUIRE(await_status(ours, 1));
    (this->*s.traffic)(ours, z, "first");
    z.close();
    CAF_REQUIRE(await_status(ours, 0));
    CAF_REQUIRE_EQUAL(::unlink(path.c_str()), 0);
    CAF_CHECK(await_missing_file_retry(watcher));
    z = peer_of(s);
    z.bind(ep);
    CAF_REQUIRE(is_socket_file(path));
    CAF_REQUIRE(await_status(ours, 1));
    (this->*s.traffic)(ours, z, "after the peer's restart");
    CAF_CHECK(close(ours));
  }
};

} // namespace interop
