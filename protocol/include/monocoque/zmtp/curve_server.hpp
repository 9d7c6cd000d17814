#pragma once

#include "monocoque/zmtp/curve_mechanism_base.hpp"

#include <cstdint>
#include <optional>

namespace monocoque::zmtp {

/// RFC 26's CURVE mechanism, server side, as libzmq 4.3.4 speaks it. HELLO
/// must have exactly 200 bytes (a larger one is refused on its header) and
/// open with our long-term key; WELCOME carries a cookie sealed with a key of
/// this connection; INITIATE (≥ 257 bytes, metadata of any size the
/// handshake budget allows) must bring our cookie back and a vouch naming
/// the client's transient key. Then the client's long-term key goes out once
/// through `take_auth_request` and nothing is sent until the verdict: READY
/// on 200, ERROR "400"/"500" on 400/500, nothing on 300 (as PLAIN).
class curve_server final : public curve_mechanism_base {
public:
  /// Creates the mechanism with our long-term keypair; `local` is sent in
  /// READY.
  curve_server(metadata local, const curve_key& public_key,
               const secret_buffer& secret_key);

  ~curve_server() override;

  bool as_server() const noexcept override {
    return true;
  }

  bool next_handshake_command(outgoing_command& out) override;

  failure process_handshake_command(std::string_view name,
                                    const frame& data) override;

  command_limit next_command_limit() const noexcept override;

  bool awaiting_auth() const noexcept override {
    return step_ == step::awaiting_auth;
  }

  std::optional<auth_request> take_auth_request() override;

  failure on_auth_reply(auth_status status,
                        std::string_view status_text) override;

private:
  enum class step : uint8_t {
    waiting_for_hello,
    sending_welcome,
    waiting_for_initiate,
    awaiting_auth,
    sending_ready,
    sending_error,
    done,
  };

  failure process_hello(byte_span data);
  failure process_initiate(byte_span data);
  bool make_welcome(outgoing_command& out);

  curve_key public_key_;
  uint8_t cookie_key_[32]{};
  std::optional<auth_request> request_; // until taken
  auth_status verdict_ = auth_status::failure;
  step step_ = step::waiting_for_hello;
};

} // namespace monocoque::zmtp
