// security_options -> zmtp::security_config, and the checks of
// socket_options::validate for the security fields. Key bytes are decoded
// into wiped storage only; no message names a key's or password's content.
#include "caf/monocoque/internal/security_setup.hpp"

#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <array>
#include <cstdint>

namespace caf::monocoque::detail {

namespace {

namespace zmtp = ::monocoque::zmtp;

error invalid(std::string what) {
  return make_error(errc::invalid_option, std::move(what));
}

constexpr const char* key_form = ": not a CURVE key (32 bytes or 40 Z85 "
                                 "characters)";

bool curve_fields(const security_options& x) {
  return x.curve_server || !x.curve_secret_key.empty()
         || !x.curve_public_key.empty() || !x.curve_server_key.empty();
}

bool plain_fields(const security_options& x) {
  return x.plain_server || !x.plain_username.empty()
         || !x.plain_password.empty();
}

} // namespace

std::optional<zmtp::curve_key> decode_public_key(std::string_view text) {
  // One decoder for keys (curve_keypair's); this one only changes the type.
  auto raw = curve_keypair::decode_public_key(text);
  if (!raw)
    return std::nullopt;
  zmtp::curve_key result{};
  for (size_t i = 0; i < result.size(); ++i)
    result[i] = static_cast<uint8_t>((*raw)[i]);
  return result;
}

secret decode_secret_key(const secret& text) {
  auto raw = curve_keypair::decode_secret_key(text);
  return raw ? std::move(*raw) : secret{};
}

zmtp::mechanism_kind mechanism_of(const security_options& x) {
  if (curve_fields(x))
    return zmtp::mechanism_kind::curve;
  if (plain_fields(x))
    return zmtp::mechanism_kind::plain;
  return zmtp::mechanism_kind::null;
}

error check_security(const security_options& x) {
  auto curve = curve_fields(x);
  auto plain = plain_fields(x);
  if (curve && plain)
    return invalid("security: both CURVE fields (curve_*) and PLAIN fields "
                   "(plain_*) are set");
  if (curve) {
    if (x.curve_server && !x.curve_server_key.empty())
      return invalid("security.curve_server_key: set on a CURVE server "
                     "(curve_server)");
    if (!x.curve_server_key.empty() && !decode_public_key(x.curve_server_key))
      return invalid(std::string{"security.curve_server_key"} + key_form);
    if (!x.curve_public_key.empty() && !decode_public_key(x.curve_public_key))
      return invalid(std::string{"security.curve_public_key"} + key_form);
    if (!x.curve_server && x.curve_server_key.empty())
      return invalid("security.curve_server_key: missing (a CURVE client "
                     "needs the server's public key)");
    if (x.curve_server && x.curve_secret_key.empty())
      return invalid("security.curve_secret_key: missing (a CURVE server "
                     "needs its secret key)");
    if (x.curve_secret_key.empty()) {
      if (!x.curve_public_key.empty())
        return invalid("security.curve_public_key: set without "
                       "curve_secret_key");
    } else {
      auto sk = decode_secret_key(x.curve_secret_key);
      if (sk.empty())
        return invalid(std::string{"security.curve_secret_key"} + key_form);
      if (zmtp::is_zero_key(sk.reveal()))
        return invalid("security.curve_secret_key: all zero");
      auto pk = zmtp::curve_public_key_of(sk.reveal());
      if (!pk)
        return invalid("security.curve_secret_key: libsodium unavailable");
      if (!x.curve_public_key.empty()
          && *decode_public_key(x.curve_public_key) != *pk)
        return invalid("security.curve_public_key: does not match "
                       "curve_secret_key");
    }
    if (auto sk = decode_public_key(x.curve_server_key);
        sk && zmtp::is_zero_key(zmtp::byte_span{sk->data(), sk->size()}))
      return invalid("security.curve_server_key: all zero");
  }
  if (plain) {
    if (x.plain_server && (!x.plain_username.empty()
                           || !x.plain_password.empty()))
      return invalid("security.plain_username: set on a PLAIN server "
                     "(plain_server)");
    if (!x.plain_server && x.plain_username.empty())
      return invalid("security.plain_username: empty (a PLAIN client needs "
                     "a user name)");
    if (x.plain_username.size() > zmtp::max_plain_credential_size)
      return invalid("security.plain_username: "
                     + std::to_string(x.plain_username.size())
                     + " bytes, at most 255");
    if (x.plain_password.size() > zmtp::max_plain_credential_size)
      return invalid("security.plain_password: "
                     + std::to_string(x.plain_password.size())
                     + " bytes, at most 255");
  }
  if (x.zap_domain.size() > 255)
    return invalid("security.zap_domain: "
                   + std::to_string(x.zap_domain.size())
                   + " bytes, at most 255");
  return {};
}

expected<zmtp::security_config>
make_security_config(const security_options& x) {
  if (auto err = check_security(x))
    return err;
  zmtp::security_config result;
  switch (mechanism_of(x)) {
    case zmtp::mechanism_kind::null:
      return result;
    case zmtp::mechanism_kind::plain:
      if (x.plain_server)
        return zmtp::security_config::plain_server();
      return zmtp::security_config::plain_client(
        x.plain_username, x.plain_password.reveal_string());
    case zmtp::mechanism_kind::curve:
      break;
  }
  secret sk;
  zmtp::curve_key pk{};
  if (x.curve_secret_key.empty()) {
    // A CURVE client without a keypair of its own (libzmq requires one;
    // pyzmq users call curve_keypair()): one fresh pair for the socket.
    auto pair = zmtp::make_curve_keypair();
    if (!pair)
      return make_error(errc::backend_unavailable,
                        "libsodium: cannot make a CURVE keypair");
    sk = std::move(pair->secret_key);
    pk = pair->public_key;
  } else {
    sk = decode_secret_key(x.curve_secret_key);
    auto derived = zmtp::curve_public_key_of(sk.reveal());
    if (!derived)
      return make_error(errc::backend_unavailable,
                        "libsodium: cannot derive a CURVE public key");
    pk = *derived;
  }
  if (x.curve_server)
    result = zmtp::security_config::curve_server(pk, sk.reveal());
  else
    result = zmtp::security_config::curve_client(
      *decode_public_key(x.curve_server_key), pk, sk.reveal());
  if (result.validate() != zmtp::local_error::none)
    return invalid("security: CURVE keys refused by the protocol layer");
  return result;
}

std::string zap_address(std::string_view where) {
  constexpr std::string_view tcp = "tcp://";
  if (where.substr(0, tcp.size()) != tcp)
    return {};
  where.remove_prefix(tcp.size());
  if (!where.empty() && where.front() == '[') {
    auto end = where.find(']');
    if (end == std::string_view::npos)
      return {};
    return std::string{where.substr(1, end - 1)};
  }
  auto colon = where.rfind(':');
  return std::string{where.substr(0, colon)};
}

} // namespace caf::monocoque::detail
