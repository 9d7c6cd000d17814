#pragma once

#include "monocoque/zmtp/curve_mechanism_base.hpp"

#include <cstdint>

namespace monocoque::zmtp {

/// RFC 26's CURVE mechanism, client side, as libzmq 4.3.4 speaks it: HELLO
/// (200 bytes), then WELCOME (168 bytes, opened with the server's long-term
/// key: a wrong key fails with `cryptographic`), INITIATE (cookie, vouch,
/// our metadata) and READY. An ERROR from the server fails the handshake
/// (`auth_failed` for a ZAP status, `error_command` otherwise).
class curve_client final : public curve_mechanism_base {
public:
  /// Creates the mechanism: our long-term keypair, the server's public key
  /// and the metadata sent in INITIATE.
  curve_client(metadata local, const curve_key& public_key,
               const secret_buffer& secret_key, const curve_key& server_key);

  bool as_server() const noexcept override {
    return false;
  }

  bool next_handshake_command(outgoing_command& out) override;

  failure process_handshake_command(std::string_view name,
                                    const frame& data) override;

  command_limit next_command_limit() const noexcept override;

private:
  enum class step : uint8_t {
    sending_hello,
    waiting_for_welcome,
    sending_initiate,
    waiting_for_ready,
    done,
  };

  bool make_hello(outgoing_command& out);
  bool make_initiate(outgoing_command& out);
  failure process_welcome(byte_span data);
  failure process_ready(byte_span data);
  failure process_error(byte_span data);
  bool fail_send(std::string detail);

  curve_key public_key_;
  curve_key server_key_;
  uint8_t cookie_[96]{};
  step step_ = step::sending_hello;
};

} // namespace monocoque::zmtp
