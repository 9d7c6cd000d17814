#pragma once

#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/secret.hpp"

#include <string>

namespace caf::monocoque {

/// The security settings of a socket (libzmq's ZMQ_CURVE_* / ZMQ_PLAIN_* /
/// ZMQ_ZAP_DOMAIN options). The mechanism follows from the fields: CURVE when
/// `curve_server` is set or `curve_server_key` is given, PLAIN when
/// `plain_server` is set or `plain_username` is given, else NULL. Setting both
/// CURVE and PLAIN fields is invalid. Keys are 32 raw bytes or 40 Z85
/// characters (or a certificate, see `certificate.hpp`).
struct security_options {
  // -- CURVE (RFC 26) ---------------------------------------------------------

  /// This socket is the CURVE server of its connections (ZMQ_CURVE_SERVER):
  /// it needs `curve_secret_key`.
  bool curve_server = false;

  /// Our long-term secret key (ZMQ_CURVE_SECRETKEY): required for a CURVE
  /// server; a CURVE client without one uses a fresh keypair per socket.
  secret curve_secret_key;

  /// Our long-term public key (ZMQ_CURVE_PUBLICKEY); empty: derived from
  /// `curve_secret_key`. Given, it must match it.
  std::string curve_public_key;

  /// CURVE client: the server's long-term public key (ZMQ_CURVE_SERVERKEY).
  std::string curve_server_key;

  // -- PLAIN (RFC 24) ---------------------------------------------------------

  /// This socket is the PLAIN server of its connections (ZMQ_PLAIN_SERVER).
  bool plain_server = false;

  /// PLAIN client: the user name (ZMQ_PLAIN_USERNAME), 1..255 bytes.
  std::string plain_username;

  /// PLAIN client: the password (ZMQ_PLAIN_PASSWORD), 0..255 bytes.
  secret plain_password;

  // -- authentication (the ZAP role) ------------------------------------------

  /// The domain passed to the authenticator (ZMQ_ZAP_DOMAIN).
  std::string zap_domain;

  /// Who decides on peers of a server socket. Without one, a CURVE server
  /// accepts every client key ("Stonehouse", as libzmq 4.3 without a ZAP
  /// handler) and a PLAIN server refuses every peer.
  authenticator_actor authenticator;
};

} // namespace caf::monocoque
