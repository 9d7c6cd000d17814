#include "monocoque/zmtp/null_mechanism.hpp"

#include "monocoque/zmtp/command.hpp"

namespace monocoque::zmtp {

bool null_mechanism::next_handshake_command(outgoing_command& out) {
  if (ready_sent_ || state_ == status::failed)
    return false;
  ready_sent_ = true;
  out.name = std::string{command_name::ready};
  out.data.clear();
  local_.encode_to(out.data);
  return true;
}

failure null_mechanism::process_handshake_command(std::string_view name,
                                                  const frame& data) {
  if (state_ != status::handshaking) {
    state_ = status::failed;
    return {peer_error::unexpected_command,
            "command " + std::string{name} + " after the NULL handshake"};
  }
  if (name == command_name::ready) {
    // Kept as received, in one block (see `parse_compact`).
    auto props = metadata_view::parse_compact(data);
    if (!props) {
      state_ = status::failed;
      return {peer_error::invalid_metadata, "READY carries malformed metadata"};
    }
    peer_ = std::move(*props);
    state_ = status::ready;
    return {};
  }
  state_ = status::failed;
  if (name == command_name::error) {
    auto reason = parse_error_reason(data.bytes());
    if (!reason)
      return {peer_error::malformed_command, "truncated ERROR command"};
    return {peer_error::error_command, std::string{*reason}};
  }
  return {peer_error::unexpected_command,
          "NULL handshake expects READY or ERROR, got "
            + std::string{name.substr(0, 32)}};
}

} // namespace monocoque::zmtp
