// The ZAP role of one connection (see connection_auth.hpp). Nothing here
// logs a password or a key.
#include "caf/monocoque/internal/connection_auth.hpp"

#include "monocoque/zmtp/z85.hpp"

#include <utility>

namespace caf::monocoque::detail {

namespace zmtp = ::monocoque::zmtp;

zap_request make_zap_request(zmtp::auth_request&& req,
                             const std::string& domain,
                             const std::string& address,
                             std::string& default_user_id) {
  zap_request result;
  result.domain = domain;
  result.address = address;
  result.mechanism = std::move(req.mechanism);
  if (result.mechanism == "CURVE") {
    result.client_key.assign(req.client_key.begin(), req.client_key.end());
    result.client_key_z85 = zmtp::z85_encode_key(req.client_key);
    result.routing_id = std::move(req.routing_id);
    default_user_id = result.client_key_z85;
  } else {
    result.username = std::move(req.username);
    result.password = std::move(req.password);
    default_user_id = result.username;
  }
  return result;
}

zmtp::auth_reply to_auth_reply(zap_reply&& reply,
                               const std::string& default_user_id) {
  zmtp::auth_reply result;
  switch (reply.status) {
    case 200:
      result.status = zmtp::auth_status::success;
      break;
    case 300:
      result.status = zmtp::auth_status::temporary_failure;
      break;
    case 400:
      result.status = zmtp::auth_status::failure;
      break;
    case 500:
      result.status = zmtp::auth_status::internal_error;
      break;
    default:
      result.status = zmtp::auth_status::internal_error;
      result.status_text = "authenticator replied with status "
                           + std::to_string(reply.status);
      return result;
  }
  result.status_text = std::move(reply.status_text);
  if (result.status != zmtp::auth_status::success)
    return result;
  result.user_id = reply.user_id.empty() ? default_user_id
                                         : std::move(reply.user_id);
  for (auto& [name, value] : reply.properties)
    result.properties.set(name, value); // invalid names are dropped
  return result;
}

zmtp::auth_reply auth_error_reply(const error& err) {
  zmtp::auth_reply result;
  result.status = zmtp::auth_status::internal_error;
  result.status_text = "authenticator failed (error code "
                       + std::to_string(err.code()) + ")";
  return result;
}

zmtp::auth_reply default_verdict(const zap_request& req,
                                 const std::string& default_user_id) {
  zmtp::auth_reply result;
  if (req.mechanism == "CURVE") {
    result.status = zmtp::auth_status::success;
    result.status_text = "no authenticator: any CURVE key";
    result.user_id = default_user_id;
  } else {
    result.status = zmtp::auth_status::failure;
    result.status_text = "no authenticator";
  }
  return result;
}

peer_identity make_peer_identity(const zmtp::session& s) {
  peer_identity result;
  result.mechanism = zmtp::to_string(s.config().security.mechanism);
  result.user_id = s.user_id();
  for (auto& prop : s.auth_properties().properties())
    result.properties.emplace_back(prop.name, prop.value);
  return result;
}

} // namespace caf::monocoque::detail
