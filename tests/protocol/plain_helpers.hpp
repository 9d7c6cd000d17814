#pragma once

// Helpers for the PLAIN suites (zmtp_plain, zmtp_plain_failures): session
// configurations for both roles, and hand-made PLAIN commands written from
// RFC 24 directly (not with the code under test).

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "protocol/session_pair.hpp"

#include <string>
#include <string_view>

namespace monocoque::zmtp::session_test {

/// A PLAIN client of `type` sending `user` / `password`.
inline session_config
plain_client_config(socket_type type, std::string_view user = "admin",
                    std::string_view password = "secret") {
  auto cfg = config(type);
  cfg.security = security_config::plain_client(user, password);
  return cfg;
}

/// A PLAIN server of `type`.
inline session_config plain_server_config(socket_type type) {
  auto cfg = config(type);
  cfg.security = security_config::plain_server();
  return cfg;
}

/// HELLO data: user-size user password-size password.
inline bytes hello_data(std::string_view user, std::string_view password) {
  bytes result;
  result.push_back(static_cast<uint8_t>(user.size()));
  result.insert(result.end(), user.begin(), user.end());
  result.push_back(static_cast<uint8_t>(password.size()));
  result.insert(result.end(), password.begin(), password.end());
  return result;
}

/// The greeting of a PLAIN peer (`as_server` as given).
inline bytes plain_greeting(bool as_server = false) {
  return greeting_bytes(1, "PLAIN", 3, as_server);
}

/// Returns an `auth_reply` with `status`, for `user_id`.
inline auth_reply verdict(auth_status status, std::string user_id = {}) {
  auth_reply result;
  result.status = status;
  result.status_text = to_string(status);
  result.user_id = std::move(user_id);
  return result;
}

/// Returns the frames `sent` carried after its 64-byte greeting.
inline std::vector<std::string> command_names(const bytes& sent) {
  std::vector<std::string> result;
  for (const auto& frm : parse_frames(sent))
    result.push_back(command_name_of(frm));
  return result;
}

} // namespace monocoque::zmtp::session_test
