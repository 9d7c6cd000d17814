#pragma once

#include "monocoque/zmtp/mechanism.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace monocoque::zmtp {

/// RFC 24's PLAIN mechanism, server side. A well-formed HELLO (user name and
/// password lengths adding up exactly) puts it in "awaiting authentication":
/// it hands the credentials out once and sends nothing until the verdict.
/// On 200 it sends WELCOME, takes INITIATE and answers READY; on 400/500 it
/// sends ERROR with the three digits and fails; on 300 it fails without an
/// ERROR (as libzmq does). Without a verdict the session's handshake timeout
/// ends it.
class plain_server final : public mechanism {
public:
  /// Creates the mechanism; `local` is sent in READY.
  explicit plain_server(metadata local) : local_(std::move(local)) {
    // nop
  }

  std::string_view name() const noexcept override {
    return "PLAIN";
  }

  bool as_server() const noexcept override {
    return true;
  }

  bool next_handshake_command(outgoing_command& out) override;

  failure process_handshake_command(std::string_view name,
                                    const frame& data) override;

  status state() const noexcept override {
    return state_ == step::ready    ? status::ready
           : state_ == step::failed ? status::failed
                                    : status::handshaking;
  }

  const metadata_view& peer_metadata() const noexcept override {
    return peer_;
  }

  bool awaiting_auth() const noexcept override {
    return state_ == step::awaiting_auth;
  }

  std::optional<auth_request> take_auth_request() override;

  failure on_auth_reply(auth_status status,
                        std::string_view status_text) override;

private:
  enum class step : uint8_t {
    waiting_for_hello,
    awaiting_auth,
    sending_welcome,
    waiting_for_initiate,
    sending_ready,
    sending_error,
    ready,
    failed,
  };

  failure fail(peer_error code, std::string detail, uint16_t status = 0);
  failure process_hello(const frame& data);

  metadata local_;
  metadata_view peer_;
  std::optional<auth_request> request_; // until taken
  auth_status verdict_ = auth_status::failure;
  step state_ = step::waiting_for_hello;
};

} // namespace monocoque::zmtp
