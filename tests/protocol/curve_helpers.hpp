#pragma once

// Helpers for the CURVE suites (zmtp_curve, zmtp_curve_failures): keypairs,
// session configurations for both roles, and `raw_curve_client`, a CURVE
// client written from RFC 26 and libzmq 4.3.4's wire layout directly with
// libsodium (not with the code under test), so that tests can forge what
// our own client never sends: a wrong vouch, a replayed nonce, bad sizes.

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "protocol/session_pair.hpp"

#include <cstring>
#include <optional>
#include <stdexcept>
#include <sodium.h>
#include <string>
#include <string_view>

namespace monocoque::zmtp::session_test {

/// A keypair for tests (fresh random keys).
inline curve_keypair test_keypair() {
  auto kp = make_curve_keypair();
  if (!kp)
    throw std::runtime_error("libsodium unavailable");
  return std::move(*kp);
}

/// A CURVE server of `type` with `server`'s keys.
inline session_config curve_server_config(socket_type type,
                                          const curve_keypair& server) {
  auto cfg = config(type);
  cfg.security = security_config::curve_server(server.public_key,
                                               server.secret_key.reveal());
  return cfg;
}

/// A CURVE client of `type` with `client`'s keys, trusting `server_key`.
inline session_config curve_client_config(socket_type type,
                                          const curve_keypair& client,
                                          const curve_key& server_key) {
  auto cfg = config(type);
  cfg.security = security_config::curve_client(server_key, client.public_key,
                                               client.secret_key.reveal());
  return cfg;
}

/// Returns an `auth_reply` with `status`, for `user_id`.
inline auth_reply curve_verdict(auth_status status, std::string user_id = {}) {
  auth_reply result;
  result.status = status;
  result.status_text = to_string(status);
  result.user_id = std::move(user_id);
  return result;
}

/// Returns whether `needle` occurs in `haystack`.
inline bool contains(const bytes& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(),
                     needle.end())
         != haystack.end();
}

/// Writes the 8 bytes of `n` big-endian to `out`.
inline void put_be64(uint8_t* out, uint64_t n) {
  for (int i = 7; i >= 0; --i, n >>= 8)
    out[i] = static_cast<uint8_t>(n & 0xFF);
}

/// A hand-made CURVE client (see the file comment).
struct raw_curve_client {
  uint8_t server_key[32];              // S
  uint8_t pub[32], sec[32];            // C, c
  uint8_t tpub[32], tsec[32];          // C', c'
  uint8_t server_transient[32]{};      // S'
  uint8_t cookie[96]{};
  uint8_t precom[32]{};

  explicit raw_curve_client(const curve_key& s) {
    std::memcpy(server_key, s.data(), 32);
    crypto_box_keypair(pub, sec);
    crypto_box_keypair(tpub, tsec);
  }

  static void nonce16(uint8_t* out, const char* prefix, uint64_t n) {
    std::memcpy(out, prefix, 16);
    put_be64(out + 16, n);
  }

  /// HELLO data (after the name): 194 bytes.
  bytes hello(uint64_t n = 1) const {
    bytes result(194, 0);
    result[0] = 1;
    std::memcpy(result.data() + 74, tpub, 32);
    put_be64(result.data() + 106, n);
    uint8_t zeros[64]{};
    uint8_t nonce[24];
    nonce16(nonce, "CurveZMQHELLO---", n);
    if (crypto_box_easy(result.data() + 114, zeros, 64, nonce, server_key,
                        tsec)
        != 0)
      throw std::runtime_error("HELLO box failed");
    return result;
  }

  /// Opens WELCOME data (after the name); false on failure.
  bool welcome(const bytes& data) {
    if (data.size() != 160)
      return false;
    uint8_t nonce[24];
    std::memcpy(nonce, "WELCOME-", 8);
    std::memcpy(nonce + 8, data.data(), 16);
    uint8_t plain[128];
    if (crypto_box_open_easy(plain, data.data() + 16, 144, nonce, server_key,
                             tsec)
        != 0)
      return false;
    std::memcpy(server_transient, plain, 32);
    std::memcpy(cookie, plain + 32, 96);
    return crypto_box_beforenm(precom, server_transient, tsec) == 0;
  }

  /// INITIATE data (after the name). `vouch_for` replaces C' in the vouch
  /// when set.
  bytes initiate(const bytes& meta, uint64_t n = 2,
                 const uint8_t* vouch_for = nullptr) const {
    uint8_t vouch_plain[64];
    std::memcpy(vouch_plain, vouch_for ? vouch_for : tpub, 32);
    std::memcpy(vouch_plain + 32, server_key, 32);
    bytes plain(128);
    std::memcpy(plain.data(), pub, 32);
    uint8_t vnonce[24];
    std::memcpy(vnonce, "VOUCH---", 8);
    randombytes_buf(vnonce + 8, 16);
    std::memcpy(plain.data() + 32, vnonce + 8, 16);
    if (crypto_box_easy(plain.data() + 48, vouch_plain, 64, vnonce,
                        server_transient, sec)
        != 0)
      throw std::runtime_error("vouch box failed");
    plain.insert(plain.end(), meta.begin(), meta.end());
    bytes result(cookie, cookie + 96);
    result.resize(96 + 8 + 16 + plain.size());
    put_be64(result.data() + 96, n);
    uint8_t nonce[24];
    nonce16(nonce, "CurveZMQINITIATE", n);
    crypto_box_easy_afternm(result.data() + 104, plain.data(), plain.size(),
                            nonce, precom);
    return result;
  }

  /// Opens READY data; nullopt on failure.
  std::optional<bytes> ready(const bytes& data) const {
    if (data.size() < 24)
      return std::nullopt;
    uint8_t nonce[24];
    std::memcpy(nonce, "CurveZMQREADY---", 16);
    std::memcpy(nonce + 16, data.data(), 8);
    bytes plain(data.size() - 24);
    if (crypto_box_open_easy_afternm(plain.data(), data.data() + 8,
                                     data.size() - 8, nonce, precom)
        != 0)
      return std::nullopt;
    return plain;
  }

  /// The body of a MESSAGE data frame: flags + payload boxed with nonce `n`.
  bytes message(uint8_t flags, std::string_view payload, uint64_t n) const {
    bytes plain{flags};
    plain.insert(plain.end(), payload.begin(), payload.end());
    bytes result(16 + 16 + plain.size());
    std::memcpy(result.data(), "\x07MESSAGE", 8);
    put_be64(result.data() + 8, n);
    uint8_t nonce[24];
    nonce16(nonce, "CurveZMQMESSAGEC", n);
    crypto_box_easy_afternm(result.data() + 16, plain.data(), plain.size(),
                            nonce, precom);
    return result;
  }

  /// Opens a server MESSAGE body; nullopt on failure.
  std::optional<bytes> open_message(const bytes& body) const {
    if (body.size() < 33 || std::memcmp(body.data(), "\x07MESSAGE", 8) != 0)
      return std::nullopt;
    uint8_t nonce[24];
    std::memcpy(nonce, "CurveZMQMESSAGES", 16);
    std::memcpy(nonce + 16, body.data() + 8, 8);
    bytes plain(body.size() - 32);
    if (crypto_box_open_easy_afternm(plain.data(), body.data() + 16,
                                     body.size() - 16, nonce, precom)
        != 0)
      return std::nullopt;
    return plain;
  }
};

/// Returns the data (after the name) of a command frame's body.
inline bytes command_data(const wire_frame& frm) {
  if (frm.body.empty() || frm.body.size() < 1u + frm.body[0])
    return {};
  return bytes(frm.body.begin() + 1 + frm.body[0], frm.body.end());
}

} // namespace monocoque::zmtp::session_test
