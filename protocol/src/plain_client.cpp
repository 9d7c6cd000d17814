#include "monocoque/zmtp/plain_client.hpp"

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/security_config.hpp"

#include <algorithm>

namespace monocoque::zmtp {

namespace {

void append_short(std::vector<uint8_t>& out, byte_span bytes) {
  bytes = bytes.first(max_plain_credential_size);
  out.push_back(static_cast<uint8_t>(bytes.size()));
  out.insert(out.end(), bytes.data(), bytes.data() + bytes.size());
}

} // namespace

failure plain_client::fail(peer_error code, std::string detail,
                           uint16_t status) {
  state_ = step::failed;
  password_.clear();
  return failure{code, std::move(detail), status};
}

std::optional<command_view>
plain_client::parse_quirk(byte_span body) const noexcept {
  // libzmq 4.3's "\x05ERROR" literal: 0x5E, then "RROR", then the reason.
  constexpr std::string_view libzmq_error = "\x5E" "RROR";
  if (body.size() < libzmq_error.size()
      || body.first(libzmq_error.size()).as_string_view() != libzmq_error)
    return std::nullopt;
  return command_view{command_name::error, body.subspan(libzmq_error.size())};
}

bool plain_client::next_handshake_command(outgoing_command& out) {
  switch (state_) {
    case step::sending_hello: {
      out.name = std::string{command_name::hello};
      out.data.clear();
      out.data.reserve(2 + username_.size() + password_.size());
      append_short(out.data, byte_span{username_});
      append_short(out.data, password_.reveal());
      // The session wipes `out.data` once encoded; our copy goes now.
      password_.clear();
      state_ = step::waiting_for_welcome;
      return true;
    }
    case step::sending_initiate:
      out.name = std::string{command_name::initiate};
      out.data.clear();
      local_.encode_to(out.data);
      state_ = step::waiting_for_ready;
      return true;
    default:
      return false;
  }
}

failure plain_client::process_handshake_command(std::string_view name,
                                                const frame& data) {
  if (name == command_name::welcome) {
    if (state_ != step::waiting_for_welcome)
      return fail(peer_error::unexpected_command, "unexpected PLAIN WELCOME");
    if (!data.empty())
      return fail(peer_error::malformed_command_welcome,
                  "PLAIN WELCOME carries data");
    state_ = step::sending_initiate;
    return {};
  }
  if (name == command_name::ready) {
    if (state_ != step::waiting_for_ready)
      return fail(peer_error::unexpected_command,
                  "PLAIN READY before WELCOME");
    auto props = metadata_view::parse_compact(data);
    if (!props)
      return fail(peer_error::invalid_metadata,
                  "READY carries malformed metadata");
    peer_ = std::move(*props);
    state_ = step::ready;
    return {};
  }
  if (name == command_name::error) {
    auto reason = parse_error_reason(data.bytes());
    if (!reason)
      return fail(peer_error::malformed_command, "truncated ERROR command");
    if (auto status = zap_failure_status(*reason))
      return fail(peer_error::auth_failed,
                  "PLAIN server refused authentication with status "
                    + std::string{*reason},
                  status);
    return fail(peer_error::error_command, std::string{*reason});
  }
  return fail(peer_error::unexpected_command,
              "PLAIN client expects WELCOME, READY or ERROR, got "
                + std::string{name.substr(0, 32)});
}

} // namespace monocoque::zmtp
