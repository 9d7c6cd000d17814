#pragma once

// The ZAP role as seen by one connection: what a ZmtpIntegratedActor asks
// its authenticator, how it reads the verdict, and the identity it reports
// to its owner once the handshake is done.

#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/peer_identity.hpp"

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/auth_request.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/session.hpp"

#include <caf/error.hpp>

#include <string>

namespace caf::monocoque::detail {

/// Builds the authenticator's question from the session's `req`; the
/// password moves (no copy). `default_user_id` receives the user id a 200
/// without one stands for (PLAIN: the user name; CURVE: the client key in
/// Z85).
zap_request make_zap_request(::monocoque::zmtp::auth_request&& req,
                             const std::string& domain,
                             const std::string& address,
                             std::string& default_user_id);

/// Maps an authenticator's answer to the session's verdict: any status
/// other than 200/300/400/500 becomes 500; an empty user id of a 200 becomes
/// `default_user_id`.
::monocoque::zmtp::auth_reply to_auth_reply(zap_reply&& reply,
                                            const std::string& default_user_id);

/// The verdict when the authenticator failed to answer (an error reply,
/// e.g. it is gone): 500.
::monocoque::zmtp::auth_reply auth_error_reply(const error& err);

/// The verdict without an authenticator (libzmq 4.3 without a ZAP
/// handler): CURVE accepts every proven client key, with the key in Z85 as
/// user id ("Stonehouse"); PLAIN (and anything else) refuses with 400.
::monocoque::zmtp::auth_reply
default_verdict(const zap_request& req, const std::string& default_user_id);

/// Returns who the peer of a session that just finished its handshake is:
/// mechanism, user id and the authenticator's properties. The owner fills
/// key, epoch, endpoint and routing id.
peer_identity make_peer_identity(const ::monocoque::zmtp::session& s);

} // namespace caf::monocoque::detail
