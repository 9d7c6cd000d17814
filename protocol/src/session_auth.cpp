// The session's security steps: picking the mechanism from the
// configuration, mechanism failures, and the authentication verdict that the
// caller feeds in (pull-style, see `session::take_auth_request`).
#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/curve_client.hpp"
#include "monocoque/zmtp/curve_server.hpp"
#include "monocoque/zmtp/null_mechanism.hpp"
#include "monocoque/zmtp/plain_client.hpp"
#include "monocoque/zmtp/plain_server.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

namespace monocoque::zmtp {

std::unique_ptr<mechanism> session::make_mechanism(const session_config& cfg,
                                                   metadata local) {
  const auto& sec = cfg.security;
  switch (sec.mechanism) {
    case mechanism_kind::null:
      break;
    case mechanism_kind::plain:
      if (sec.as_server)
        return std::make_unique<plain_server>(std::move(local));
      return std::make_unique<plain_client>(std::move(local),
                                            sec.plain_username,
                                            sec.plain_password);
    case mechanism_kind::curve:
      if (sec.as_server)
        return std::make_unique<curve_server>(
          std::move(local), sec.curve_public_key, sec.curve_secret_key);
      return std::make_unique<curve_client>(
        std::move(local), sec.curve_public_key, sec.curve_secret_key,
        sec.curve_server_key);
  }
  return std::make_unique<null_mechanism>(std::move(local));
}

void session::on_mechanism_failure(failure reason) {
  // Answering an ERROR with an ERROR helps nobody; for authentication
  // failures the mechanism queued what libzmq sends (ERROR "400"/"500", or
  // nothing for 300): send that, and nothing of our own.
  auto own_error = reason.code != peer_error::error_command
                   && reason.code != peer_error::auth_failed;
  if (!own_error)
    pump_mechanism();
  fail(std::move(reason), own_error);
}

// A handshake command the decoder copied into a block of its own, and that
// the mechanism did not keep, is ours alone: wipe it, as it may have carried
// a password. (Bytes fed as shared chunks belong to the transport.)
void session::wipe_if_unshared(const frame& body) noexcept {
  auto* block = body.block();
  if (block == nullptr || !block->unique())
    return;
  secure_wipe(const_cast<uint8_t*>(body.data()), body.size());
}

local_error session::authenticated(auth_reply reply, timestamp now) {
  if (state_ == session_state::failed)
    return local_error::closed;
  if (!awaiting_auth())
    return local_error::no_pending_auth;
  auto result = mech_->on_auth_reply(reply.status, reply.status_text);
  if (result.code != peer_error::none) {
    on_mechanism_failure(std::move(result));
    return local_error::none;
  }
  user_id_ = std::move(reply.user_id);
  auth_properties_ = std::move(reply.properties);
  pump_mechanism();
  if (mech_->state() == mechanism::status::ready)
    finish_handshake(now);
  return local_error::none;
}

} // namespace monocoque::zmtp
