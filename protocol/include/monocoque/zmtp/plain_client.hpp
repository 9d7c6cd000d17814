#pragma once

#include "monocoque/zmtp/mechanism.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <cstdint>
#include <string>

namespace monocoque::zmtp {

/// RFC 24's PLAIN mechanism, client side: HELLO with the user name and
/// password, then (after WELCOME) INITIATE with our metadata; the handshake
/// is done once the server's READY arrived. An ERROR whose reason is a ZAP
/// status ("300", "400", "500") fails with `auth_failed` and that status, as
/// libzmq reports it; any other ERROR fails with `error_command`.
///
/// libzmq 4.3's PLAIN (src/plain_common.hpp) spells its ERROR prefix as the C
/// literal "\x05ERROR", in which the hex escape swallows the 'E': its ERROR
/// goes out as `5E 'R' 'R' 'O' 'R' 03 '4' '0' '0'`, a name size of 94 that
/// does not parse. `parse_quirk` reads that form as the ERROR it means.
/// We send the RFC's form, which libzmq's PLAIN client in turn does not
/// recognise (it reports an unexpected command and the handshake fails all
/// the same).
class plain_client final : public mechanism {
public:
  /// Creates the mechanism; `local` is sent in INITIATE. Credentials longer
  /// than 255 bytes are cut (see `security_config::validate`).
  plain_client(metadata local, std::string username, secret_buffer password)
    : local_(std::move(local)),
      username_(std::move(username)),
      password_(std::move(password)) {
    // nop
  }

  std::string_view name() const noexcept override {
    return "PLAIN";
  }

  bool as_server() const noexcept override {
    return false;
  }

  bool next_handshake_command(outgoing_command& out) override;

  failure process_handshake_command(std::string_view name,
                                    const frame& data) override;

  std::optional<command_view>
  parse_quirk(byte_span body) const noexcept override;

  status state() const noexcept override {
    return state_ == step::ready    ? status::ready
           : state_ == step::failed ? status::failed
                                    : status::handshaking;
  }

  const metadata_view& peer_metadata() const noexcept override {
    return peer_;
  }

private:
  enum class step : uint8_t {
    sending_hello,
    waiting_for_welcome,
    sending_initiate,
    waiting_for_ready,
    ready,
    failed,
  };

  failure fail(peer_error code, std::string detail, uint16_t status = 0);

  metadata local_;
  std::string username_;
  secret_buffer password_;
  metadata_view peer_;
  step state_ = step::sending_hello;
};

} // namespace monocoque::zmtp
