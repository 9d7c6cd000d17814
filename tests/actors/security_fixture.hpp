#pragma once

// Shared by the security suites: a real actor system with the module,
// keypairs, test authenticators and request helpers (every wait bounded).

#include "caf/monocoque/all.hpp"

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>
#include <string>

namespace security_test {

using namespace std::chrono_literals;
namespace mq = caf::monocoque;
namespace zmtp = ::monocoque::zmtp;

/// A CURVE keypair in Z85, as a user would hold it.
struct keypair {
  std::string public_z85;
  mq::secret secret_z85;
};

inline keypair make_keypair() {
  auto pair = zmtp::make_curve_keypair();
  CAF_REQUIRE(pair);
  keypair result;
  result.public_z85 = zmtp::z85_encode_key(pair->public_key);
  zmtp::curve_key raw{};
  auto bytes = pair->secret_key.reveal();
  for (size_t i = 0; i < raw.size(); ++i)
    raw[i] = bytes.data()[i];
  auto text = zmtp::z85_encode_key(raw);
  result.secret_z85 = mq::secret{text};
  zmtp::secure_wipe(raw.data(), raw.size());
  zmtp::secure_wipe(text.data(), text.size());
  return result;
}

/// Options of a CURVE server with `kp`.
inline mq::socket_options curve_server(const keypair& kp) {
  mq::socket_options opts;
  opts.security.curve_server = true;
  opts.security.curve_secret_key = kp.secret_z85;
  return opts;
}

/// Options of a CURVE server with `kp` whose peers `auth` checks (any
/// actor handle that answers `authenticate_atom`).
template <class Auth>
mq::socket_options curve_server(const keypair& kp, const Auth& auth) {
  auto opts = curve_server(kp);
  opts.security.authenticator = caf::actor_cast<mq::authenticator_actor>(auth);
  return opts;
}

/// Options of a PLAIN server (no authenticator: it refuses every peer).
inline mq::socket_options plain_server() {
  mq::socket_options opts;
  opts.security.plain_server = true;
  return opts;
}

/// Options of a PLAIN server whose peers `auth` checks.
template <class Auth>
mq::socket_options plain_server(const Auth& auth) {
  auto opts = plain_server();
  opts.security.authenticator = caf::actor_cast<mq::authenticator_actor>(auth);
  return opts;
}

/// Options of a CURVE client of `server` (with `own` as its keypair, or a
/// fresh one when null).
inline mq::socket_options curve_client(const keypair& server,
                                       const keypair* own = nullptr) {
  mq::socket_options opts;
  opts.linger = caf::timespan{0};
  opts.security.curve_server_key = server.public_z85;
  if (own != nullptr)
    opts.security.curve_secret_key = own->secret_z85;
  return opts;
}

/// Options of a PLAIN client (linger 0: a refused client's unsent
/// messages must not hold the actor system up at the end of a test).
inline mq::socket_options plain_client(const std::string& user,
                                       const std::string& password) {
  mq::socket_options opts;
  opts.linger = caf::timespan{0};
  opts.security.plain_username = user;
  opts.security.plain_password = mq::secret{password};
  return opts;
}

/// An authenticator that accepts PLAIN "admin"/"secret" (properties
/// {"Role", "admin"}) and the CURVE keys in `allowed` (every key if empty),
/// refusing everything else.
inline mq::authenticator_actor::behavior_type
table_authenticator(std::set<std::string> allowed) {
  return {
    [allowed](mq::authenticate_atom,
              const mq::zap_request& req) -> mq::zap_reply {
      if (req.mechanism == "PLAIN") {
        if (req.username == "admin" && req.password.reveal_string() == "secret") {
          auto reply = mq::zap_reply::accept();
          reply.properties.emplace_back("Role", "admin");
          return reply;
        }
        return mq::zap_reply::deny("bad password");
      }
      if (req.mechanism == "CURVE"
          && (allowed.empty() || allowed.count(req.client_key_z85) > 0)) {
        auto reply = mq::zap_reply::accept();
        reply.properties.emplace_back("Checked-By", "table");
        return reply;
      }
      return mq::zap_reply::deny("unknown key");
    },
  };
}

/// A message's last frame and who sent it.
struct received {
  std::string text;
  mq::peer_identity_ptr from;
};

/// What (recv_atom, from_atom) answers, within 10 s (fails the test on an
/// error).
template <class Handle>
received recv_from(caf::scoped_actor& self, const Handle& h) {
  received result;
  self->request(h, 10s, mq::recv_atom::value, mq::from_atom::value)
    .receive(
      [&](mq::multipart& m, mq::peer_identity_ptr& from) {
        result.text = m.back().to_string();
        result.from = std::move(from);
      },
      [](caf::error& err) { CAF_FAIL("recv from: " << err); });
  return result;
}

struct fixture {
  mq::config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;

  fixture() {
    cfg.load<mq::module>();
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
  }

  ~fixture() {
    self.reset();
  }

  template <class Handle>
  caf::expected<std::string> bind(const Handle& h, const std::string& ep) {
    caf::expected<std::string> result{caf::error{}};
    (*self)
      ->request(h, 5s, mq::bind_atom::value, ep)
      .receive([&](std::string& s) { result = std::move(s); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  template <class Handle>
  caf::error connect(const Handle& h, const std::string& ep) {
    caf::error result;
    (*self)
      ->request(h, 5s, mq::connect_atom::value, ep)
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  /// Binds `server` to a fresh tcp port and connects `client` to it
  /// (requiring both); returns the endpoint.
  template <class Server, class Client>
  std::string bind_and_connect(const Server& server, const Client& client) {
    auto ep = bind(server, "tcp://127.0.0.1:*");
    CAF_REQUIRE(ep);
    CAF_REQUIRE(!connect(client, *ep));
    return *ep;
  }

  /// Connects `client` to `server` (bound on a fresh tcp port), sends a
  /// message that must not arrive and returns the error the client's
  /// endpoint then shows (see `last_error`).
  template <class Server, class Client>
  std::string refused(const Server& server, const Client& client) {
    bind_and_connect(server, client);
    CAF_REQUIRE(!send(client, "must not arrive"));
    return last_error(client);
  }

  /// Returns the last error of the client's connect endpoint once it shows
  /// one (within 5 s), e.g. the ERROR reason the server sent.
  template <class Handle>
  std::string last_error(const Handle& h) {
    auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
      auto st = stats(h);
      for (auto& c : st.connecting)
        if (!c.last_error.empty())
          return c.last_error;
      std::this_thread::sleep_for(20ms);
    }
    return {};
  }

  template <class Handle>
  caf::error send(const Handle& h, const std::string& text) {
    caf::error result;
    (*self)
      ->request(h, 5s, mq::send_atom::value, mq::make_message({text}))
      .receive([](caf::ok_atom) {}, [&](caf::error& e) { result = e; });
    return result;
  }

  /// Receives one message (the last frame as text); "" on error or when
  /// none comes within 10 s.
  template <class Handle>
  std::string recv(const Handle& h) {
    std::string result;
    (*self)
      ->request(h, 10s, mq::recv_atom::value)
      .receive([&](mq::multipart& m) { result = m.back().to_string(); },
               [](caf::error&) {});
    return result;
  }

  /// Receives one message within `timeout` (the socket's timed `recv`);
  /// "" on timeout or error.
  template <class Handle>
  std::string recv(const Handle& h, caf::timespan timeout) {
    std::string result;
    (*self)
      ->request(h, timeout + 5s, mq::recv_atom::value, timeout)
      .receive([&](mq::multipart& m) { result = m.back().to_string(); },
               [](caf::error&) {});
    return result;
  }

  template <class Handle>
  mq::socket_stats stats(const Handle& h) {
    mq::socket_stats result;
    (*self)
      ->request(h, 5s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& s) { result = std::move(s); },
               [](caf::error&) {});
    return result;
  }

  /// Returns the number of peers that are up (polled for up to `wait`
  /// until it reaches `want`).
  template <class Handle>
  uint64_t peers_up(const Handle& h, uint64_t want,
                    caf::timespan wait = 5s) {
    auto until = std::chrono::steady_clock::now() + wait;
    uint64_t n = 0;
    for (;;) {
      (*self)
        ->request(h, 5s, mq::status_atom::value)
        .receive([&](uint64_t x) { n = x; }, [](caf::error&) {});
      if (n >= want || std::chrono::steady_clock::now() >= until)
        return n;
      std::this_thread::sleep_for(10ms);
    }
  }

  /// Returns the error a socket spawned with `opts` exits with.
  caf::error spawn_error(mq::socket_options opts) {
    auto d = mq::spawn_dealer(*sys, std::move(opts));
    caf::error result;
    (*self)->monitor(d);
    (*self)->receive(
      [&](caf::down_msg& dm) { result = std::move(dm.reason); },
      caf::after(5s) >> [] { CAF_FAIL("socket with bad options did not exit"); });
    return result;
  }
};

} // namespace security_test

namespace security_test {

/// State of `silent_authenticator`: the requests it holds unanswered.
struct silent_state {
  std::vector<caf::response_promise> held;
  static inline const char* name = "silent_authenticator";
};

/// An authenticator that never answers CURVE requests of the keys in
/// `hold` (or of every key if `hold` is empty), keeping them pending (the
/// promises stay alive: no broken-promise error goes out), and accepts
/// every other key. `get_atom` answers how many requests it holds.
inline caf::behavior
silent_authenticator(caf::stateful_actor<silent_state>* self,
                     std::set<std::string> hold) {
  return {
    [=](mq::authenticate_atom,
        const mq::zap_request& req) -> caf::result<mq::zap_reply> {
      if (hold.empty() || hold.count(req.client_key_z85) > 0) {
        auto rp = self->make_response_promise();
        self->state.held.push_back(rp);
        return caf::delegated<mq::zap_reply>{};
      }
      return mq::zap_reply::accept();
    },
    [=](caf::get_atom) { return self->state.held.size(); },
  };
}

/// Returns how many requests `auth` (a `silent_authenticator`) holds.
inline size_t held_requests(caf::scoped_actor& self, const caf::actor& auth) {
  size_t result = 0;
  self->request(auth, 5s, caf::get_atom::value)
    .receive([&](size_t n) { result = n; }, [](caf::error&) {});
  return result;
}

/// An authenticator that answers every request with `reply`.
inline caf::behavior fixed_authenticator(mq::zap_reply reply) {
  return {
    [=](mq::authenticate_atom, const mq::zap_request&) { return reply; },
  };
}

} // namespace security_test
