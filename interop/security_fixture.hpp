#pragma once

// Shared by the security interop suites (interop_curve, interop_plain,
// interop_curve_zap, interop_curve_wire, interop_curve_replay) and the
// hostile CURVE suites: keypairs from libzmq's zmq_curve_keypair, PLAIN and
// CURVE settings for our sockets and for libzmq sockets in either role, a
// libzmq ZAP handler (RFC 27) on a thread, our own authenticator actor and
// receiving with the sender's identity.
//
// A suite file defines CAF_SUITE and then includes this header (or a header
// that includes it).

#include "interop_fixture.hpp"
#include "zap_handler.hpp"
#include "zmq_monitor.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <zmq_addon.hpp>

namespace interop {

// -- keys ---------------------------------------------------------------------

/// A CURVE keypair made by libzmq (zmq_curve_keypair), in Z85.
struct zkeys {
  std::string public_z85;
  std::string secret_z85;

  zkeys() {
    char pub[41];
    char sec[41];
    if (zmq_curve_keypair(pub, sec) != 0)
      throw std::runtime_error("zmq_curve_keypair failed");
    public_z85 = pub;
    secret_z85 = sec;
  }
};

// -- mechanisms and roles -----------------------------------------------------

/// The security mechanism of a test case.
enum class mech { null, plain, curve };

/// Returns the greeting name of `x`.
inline const char* to_string(mech x) {
  switch (x) {
    case mech::plain:
      return "PLAIN";
    case mech::curve:
      return "CURVE";
    default:
      return "NULL";
  }
}

/// The PLAIN credentials of the suites.
inline const std::string plain_user = "admin";
inline const std::string plain_password = "s3cr3t-pw";

/// What one side of a connection needs to know to take part: the mechanism,
/// whether it is the mechanism's server, and the keys of both ends.
struct security_setup {
  mech mechanism = mech::null;
  /// The server's keypair (CURVE).
  zkeys server;
  /// The client's keypair (CURVE), used when `client_has_keys`.
  zkeys client;
  /// Whether the client sets its own keypair (else: a fresh one per socket
  /// on our side; libzmq always needs one).
  bool client_has_keys = true;
  /// PLAIN credentials of the client.
  std::string username = plain_user;
  std::string password = plain_password;
};

/// Configures our socket options for `s` in the given role.
inline void secure(mq::socket_options& opts, const security_setup& s,
                   bool as_server,
                   mq::authenticator_actor authenticator = {}) {
  auto& sec = opts.security;
  switch (s.mechanism) {
    case mech::curve:
      if (as_server) {
        sec.curve_server = true;
        sec.curve_secret_key = mq::secret{s.server.secret_z85};
        sec.authenticator = std::move(authenticator);
      } else {
        sec.curve_server_key = s.server.public_z85;
        if (s.client_has_keys)
          sec.curve_secret_key = mq::secret{s.client.secret_z85};
      }
      break;
    case mech::plain:
      if (as_server) {
        sec.plain_server = true;
        sec.authenticator = std::move(authenticator);
      } else {
        sec.plain_username = s.username;
        sec.plain_password = mq::secret{s.password};
      }
      break;
    default:
      break;
  }
}

/// Configures a libzmq socket for `s` in the given role.
inline void zsecure(zmq::socket_t& sock, const security_setup& s,
                    bool as_server) {
  switch (s.mechanism) {
    case mech::curve:
      if (as_server) {
        sock.set(zmq::sockopt::curve_server, 1);
        sock.set(zmq::sockopt::curve_secretkey, s.server.secret_z85);
      } else {
        sock.set(zmq::sockopt::curve_serverkey, s.server.public_z85);
        sock.set(zmq::sockopt::curve_publickey, s.client.public_z85);
        sock.set(zmq::sockopt::curve_secretkey, s.client.secret_z85);
      }
      break;
    case mech::plain:
      if (as_server) {
        sock.set(zmq::sockopt::plain_server, 1);
      } else {
        sock.set(zmq::sockopt::plain_username, s.username);
        sock.set(zmq::sockopt::plain_password, s.password);
      }
      break;
    default:
      break;
  }
}

// -- libzmq's ZAP handler ------------------------------------------------------

/// The usual policy of the suites' ZAP handlers: accepts every CURVE key
/// (user id "zap-" + Z85 key) and the suite's PLAIN credentials (user id
/// "zap-" + user name), and refuses anything else with 400.
inline zap_verdict default_zap_policy(const zap_seen& req) {
  if (req.mechanism == "CURVE" && req.credential.size() == 40)
    return {"200", "zap-" + req.credential};
  if (req.mechanism == "PLAIN" && req.credential == plain_user
      && req.password == plain_password)
    return {"200", "zap-" + req.credential};
  return {"400", ""};
}

/// Receives one multipart message from a libzmq socket along with the
/// "User-Id" property of its first frame ("" when it has none).
inline std::vector<std::string> zrecv_uid(zmq::socket_t& sock,
                                          std::string& user_id) {
  std::vector<std::string> result;
  user_id.clear();
  for (;;) {
    zmq::message_t part;
    try {
      if (!sock.recv(part))
        return timed_out;
    } catch (const zmq::error_t& ex) {
      if (ex.num() == EINTR)
        continue;
      throw;
    }
    if (result.empty()) {
      auto* uid = zmq_msg_gets(part.handle(), "User-Id");
      if (uid != nullptr)
        user_id = uid;
    }
    result.push_back(part.to_string());
    if (!part.more())
      return result;
  }
}

// -- our authenticator ---------------------------------------------------------

/// What our test authenticator saw and how it answers.
struct auth_state {
  std::mutex mtx;
  std::vector<mq::zap_request> seen;
  /// Answers a request; default: accept with an empty user id (the
  /// socket's default user id then applies).
  std::function<mq::zap_reply(const mq::zap_request&)> policy;

  size_t count() {
    std::lock_guard<std::mutex> guard{mtx};
    return seen.size();
  }

  std::vector<mq::zap_request> requests() {
    std::lock_guard<std::mutex> guard{mtx};
    return seen;
  }
};

/// Spawns a typed authenticator actor that records every request in
/// `state` and answers with `state->policy` (a user's own handler, as the
/// issue asks for: it plugs in like the ready-made ones).
inline mq::authenticator_actor
spawn_test_authenticator(caf::actor_system& sys,
                         std::shared_ptr<auth_state> state) {
  return sys.spawn([state]() -> mq::authenticator_actor::behavior_type {
    return {
        [state](mq::authenticate_atom, mq::zap_request& req) {
          mq::zap_reply reply;
          if (state->policy)
            reply = state->policy(req);
          else
            reply = mq::zap_reply::accept();
          std::lock_guard<std::mutex> guard{state->mtx};
          state->seen.push_back(std::move(req));
          return reply;
        },
    };
  });
}

// -- receiving with the sender's identity -------------------------------------

/// A received message and who sent it, as our socket tells.
struct received {
  std::vector<std::string> parts;
  /// The sender's identity (null if the socket gave none).
  mq::peer_identity_ptr from;
};

/// Receives the next message of our `h` with its sender's identity through
/// `c`, waiting at most `limit`; nullopt on error or timeout.
template <class Handle>
std::optional<received> recv_with_identity(client& c, const Handle& h,
                                           caf::timespan limit = timeout) {
  std::optional<received> result;
  // The request itself waits longer: the socket's answer comes first.
  c.self
      ->request(h, limit + timeout, mq::recv_atom::value, mq::from_atom::value,
                limit)
      .receive(
          [&](mq::multipart& msg, mq::peer_identity_ptr& from) {
            result = received{strs(msg), std::move(from)};
          },
          [&](caf::error& err) {
            CAF_MESSAGE("recv (from) failed: " << c.host.render(err));
          });
  return result;
}

// -- either end of a connection ----------------------------------------------

/// One end of a connection in a topology-generic test: ours or libzmq's,
/// behind the same two verbs.
struct end_point {
  std::string name;
  std::function<bool(const std::vector<std::string>&)> send;
  /// Waits at most `limit`; `timed_out` when nothing arrived.
  std::function<std::vector<std::string>(std::chrono::milliseconds)> recv;
};

/// Whether our socket handle `Handle` has the verb `Sig`.
template <class Handle, class Sig>
constexpr bool has_verb
    = caf::detail::tl_contains<typename Handle::signatures, Sig>::value;

/// Our socket `h` as an `end_point` (without `send` for a socket that
/// cannot send, without `recv` for one that cannot receive).
template <class Handle>
end_point our_end(client& c, Handle h, std::string name) {
  using send_sig = typename caf::replies_to<mq::send_atom, mq::multipart>::
      template with<caf::ok_atom>;
  using recv_sig = typename caf::replies_to<mq::recv_atom, caf::timespan>::
      template with<mq::multipart>;
  end_point result;
  result.name = std::move(name);
  if constexpr (has_verb<Handle, send_sig>)
    result.send = [&c, h](const std::vector<std::string>& parts) {
      return !c.try_send(h, mp(parts));
    };
  if constexpr (has_verb<Handle, recv_sig>)
    result.recv = [&c, h](std::chrono::milliseconds limit) {
      auto got = c.try_recv(h, caf::timespan{limit});
      return got ? strs(*got) : timed_out;
    };
  return result;
}

/// The libzmq socket `z` as an `end_point` (`z` must outlive it).
inline end_point zmq_end(zmq::socket_t& z, std::string name) {
  end_point result;
  result.name = std::move(name);
  result.send = [&z](const std::vector<std::string>& parts) {
    return zsend(z, parts);
  };
  result.recv = [&z](std::chrono::milliseconds limit) {
    return zrecv_for(z, limit);
  };
  return result;
}

} // namespace interop
