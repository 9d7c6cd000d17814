#pragma once

#include "caf/monocoque/secret.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caf::monocoque {

// -- the ZAP role as a typed actor (RFC 27) -----------------------------------

/// Asks an authenticator for a verdict on a peer.
using authenticate_atom = atom_constant<atom("mqauth")>;

/// What a server-side socket asks its authenticator about a connecting peer:
/// the fields of a ZAP request (RFC 27) besides version and request id.
struct zap_request {
  /// The socket's ZAP domain (`security_options::zap_domain`), may be empty.
  std::string domain;
  /// The peer's IP address without port, e.g. "192.0.2.7" or "::1".
  std::string address;
  /// The routing id the peer announced in its handshake (may be empty).
  /// CURVE: the Identity property of the client's INITIATE, which comes
  /// before the verdict. PLAIN: always empty, as the client sends its
  /// Identity in INITIATE only after WELCOME, i.e. after the verdict.
  /// (libzmq fills this field with the server socket's *own* routing id,
  /// libzmq#4161; ours is the peer's, or nothing.)
  std::string routing_id;
  /// "PLAIN" or "CURVE".
  std::string mechanism;
  /// PLAIN: the user name from HELLO.
  std::string username;
  /// PLAIN: the password from HELLO (wiped with every copy).
  secret password;
  /// CURVE: the client's long-term public key, 32 raw bytes (proven by its
  /// vouch: the peer holds the matching secret key).
  std::string client_key;
  /// CURVE: `client_key` in Z85 (40 characters).
  std::string client_key_z85;
};

/// An authenticator's verdict: the fields of a ZAP reply (RFC 27).
struct zap_reply {
  /// 200 (accept), 300 (temporary failure: close without ERROR), 400
  /// (refused: ERROR "400" to the peer) or 500 (the authenticator failed:
  /// ERROR "500"). Any other value is treated as 500.
  uint16_t status = 400;
  /// Why (logged, never sent to the peer).
  std::string status_text;
  /// The authenticated user id (200 only). Empty: the default, the user
  /// name for PLAIN and the client key in Z85 for CURVE. Only this, never a
  /// property the peer sent, becomes the peer's user id.
  std::string user_id;
  /// Properties attached to the peer (ZAP metadata), e.g. {"Role", "admin"}.
  std::vector<std::pair<std::string, std::string>> properties;

  /// Returns an accepting reply.
  static zap_reply accept(std::string user_id = {},
                          std::string status_text = "OK") {
    zap_reply result;
    result.status = 200;
    result.status_text = std::move(status_text);
    result.user_id = std::move(user_id);
    return result;
  }

  /// Returns a refusing reply (400).
  static zap_reply deny(std::string status_text) {
    zap_reply result;
    result.status = 400;
    result.status_text = std::move(status_text);
    return result;
  }
};

/// The authenticator interface: a socket with `security_options::
/// authenticator` set sends one `(authenticate_atom, zap_request)` per peer
/// that completed the mechanism's credential step (PLAIN: HELLO; CURVE:
/// INITIATE) and goes on only after a 200 reply. A reply that does not come
/// before the handshake timeout, or an error reply, fails the handshake
/// (an error counts as 500). Any typed or dynamically typed actor that
/// answers this message can serve, e.g. one that asks a database.
using authenticator_actor =
  typed_actor<replies_to<authenticate_atom, zap_request>::with<zap_reply>>;

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::zap_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::zap_reply)
