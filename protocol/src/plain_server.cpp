#include "monocoque/zmtp/plain_server.hpp"

#include "monocoque/zmtp/command.hpp"

namespace monocoque::zmtp {

failure plain_server::fail(peer_error code, std::string detail,
                           uint16_t status) {
  state_ = step::failed;
  request_.reset(); // wipes a password nobody took
  return failure{code, std::move(detail), status};
}

bool plain_server::next_handshake_command(outgoing_command& out) {
  out.data.clear();
  switch (state_) {
    case step::sending_welcome:
      out.name = std::string{command_name::welcome};
      state_ = step::waiting_for_initiate;
      return true;
    case step::sending_ready:
      out.name = std::string{command_name::ready};
      local_.encode_to(out.data);
      state_ = step::ready;
      return true;
    case step::sending_error: {
      // libzmq sends the bare status; the status text stays with us.
      out.name = std::string{command_name::error};
      out.data = make_error(to_string(verdict_));
      state_ = step::failed;
      return true;
    }
    default:
      return false;
  }
}

failure plain_server::process_handshake_command(std::string_view name,
                                                const frame& data) {
  if (name == command_name::error) {
    auto reason = parse_error_reason(data.bytes());
    return fail(reason ? peer_error::error_command
                       : peer_error::malformed_command,
                reason ? std::string{*reason}
                       : std::string{"truncated ERROR command"});
  }
  if (state_ == step::waiting_for_hello && name == command_name::hello)
    return process_hello(data);
  if (state_ == step::waiting_for_initiate
      && name == command_name::initiate) {
    auto props = metadata_view::parse_compact(data);
    if (!props)
      return fail(peer_error::invalid_metadata,
                  "INITIATE carries malformed metadata");
    peer_ = std::move(*props);
    state_ = step::sending_ready;
    return {};
  }
  // Anything else, including a client that pipelines INITIATE before our
  // WELCOME (it was not authenticated yet), breaks the handshake.
  return fail(peer_error::unexpected_command,
              std::string{state_ == step::waiting_for_hello
                            ? "PLAIN server expects HELLO, got "
                          : state_ == step::awaiting_auth
                            ? "command during PLAIN authentication: "
                            : "PLAIN server expects INITIATE, got "}
                + std::string{name.substr(0, 32)});
}

// HELLO data: user-size user password-size password, nothing more or less.
failure plain_server::process_hello(const frame& data) {
  auto bytes = data.bytes();
  if (bytes.empty())
    return fail(peer_error::malformed_command_hello,
                "PLAIN HELLO lacks the user name");
  size_t user_size = bytes[0];
  if (bytes.size() < 1 + user_size + 1)
    return fail(peer_error::malformed_command_hello,
                "PLAIN HELLO is shorter than its user name length says");
  size_t pass_size = bytes[1 + user_size];
  if (bytes.size() != 2 + user_size + pass_size)
    return fail(peer_error::malformed_command_hello,
                "PLAIN HELLO size does not match its lengths ("
                  + std::to_string(bytes.size()) + " bytes for "
                  + std::to_string(user_size) + " + "
                  + std::to_string(pass_size) + ")");
  auth_request req;
  req.mechanism = std::string{name()};
  req.username = std::string{bytes.subspan(1, user_size).as_string_view()};
  req.password = secret_buffer{bytes.subspan(2 + user_size, pass_size)};
  request_ = std::move(req);
  state_ = step::awaiting_auth;
  return {};
}

std::optional<auth_request> plain_server::take_auth_request() {
  std::optional<auth_request> result;
  result.swap(request_);
  return result;
}

failure plain_server::on_auth_reply(auth_status status,
                                    std::string_view status_text) {
  if (state_ != step::awaiting_auth)
    return {peer_error::unexpected_command, "no PLAIN authentication pending"};
  request_.reset();
  verdict_ = status;
  switch (status) {
    case auth_status::success:
      state_ = step::sending_welcome;
      return {};
    case auth_status::temporary_failure:
      // No ERROR for a temporary failure (libzmq, RFC 27): just close.
      return fail(peer_error::auth_failed,
                  describe_verdict("PLAIN authentication failed temporarily",
                                   status, status_text),
                  300);
    case auth_status::failure:
    case auth_status::internal_error:
      state_ = step::sending_error;
      return failure{peer_error::auth_failed,
                     describe_verdict("PLAIN authentication refused", status,
                                      status_text),
                     static_cast<uint16_t>(status)};
  }
  return fail(peer_error::auth_failed, "invalid authentication status", 500);
}

} // namespace monocoque::zmtp
