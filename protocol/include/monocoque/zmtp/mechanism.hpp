#pragma once

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/auth_request.hpp"
#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/metadata.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// A handshake command a mechanism wants to send.
struct outgoing_command {
  /// Command name, e.g. "READY".
  std::string name;
  /// Command data after the name.
  std::vector<uint8_t> data;
};

/// The security-mechanism seam, modelled on libzmq's `mechanism_t`: the
/// session owns greeting, framing and timers; a mechanism owns the commands
/// between the greeting and the first message. NULL and PLAIN implement it;
/// CURVE (which will also need per-frame encode/decode hooks here) plugs in
/// the same way.
///
/// Authentication is pull-style, like everything in this layer: a server
/// mechanism that received credentials reports `awaiting_auth`, hands them
/// out once through `take_auth_request` and sends nothing until the verdict
/// arrives through `on_auth_reply` (libzmq blocks its mechanism on the ZAP
/// socket the same way).
///
/// Failures: the session sends an ERROR with the failure's detail for every
/// failure except `error_command` (the peer's own ERROR) and `auth_failed`,
/// for which the mechanism queues what libzmq sends (ERROR "400"/"500", or
/// nothing for 300) and the session flushes it before failing.
class mechanism {
public:
  /// Progress of the handshake.
  enum class status : uint8_t {
    /// More commands must be exchanged.
    handshaking,
    /// Done: `peer_metadata()` is valid and messages may flow.
    ready,
    /// The handshake failed: see the failure returned by
    /// `process_handshake_command`.
    failed,
  };

  virtual ~mechanism() = default;

  /// Returns the name announced in the greeting (e.g. "NULL").
  virtual std::string_view name() const noexcept = 0;

  /// Returns whether we act as the server of this mechanism's handshake.
  virtual bool as_server() const noexcept = 0;

  /// Fills `out` with the next command to send and returns true, or returns
  /// false if there is nothing to send right now. The session calls it after
  /// the greeting and after every processed command until it returns false.
  virtual bool next_handshake_command(outgoing_command& out) = 0;

  /// Processes a command received during the handshake; `data` (after the
  /// name) shares the received frame, so a mechanism can keep it without a
  /// copy. Returns a failure with a code other than `none` to abort.
  virtual failure process_handshake_command(std::string_view name,
                                            const frame& data)
    = 0;

  /// Reads a command frame `body` that does not parse as RFC 23 says but is
  /// a known peer's known mistake (see `plain_client`); nullopt otherwise,
  /// and the session fails with `malformed_command`.
  virtual std::optional<command_view>
  parse_quirk(byte_span body) const noexcept {
    static_cast<void>(body);
    return std::nullopt;
  }

  /// Returns the handshake progress.
  virtual status state() const noexcept = 0;

  /// Returns the properties the peer announced (valid when `ready`).
  /// The bytes are the peer's own, held once (see `metadata_view`).
  virtual const metadata_view& peer_metadata() const noexcept = 0;

  // -- authentication (server side) -------------------------------------------

  /// Returns whether credentials wait for a verdict (`on_auth_reply`).
  virtual bool awaiting_auth() const noexcept {
    return false;
  }

  /// Moves the credentials to check out of the mechanism, once; later calls
  /// return nullopt (the mechanism keeps no copy of a password).
  virtual std::optional<auth_request> take_auth_request() {
    return std::nullopt;
  }

  /// Applies the verdict; called only while `awaiting_auth`. Returns a
  /// failure (`auth_failed` with the status) unless the status is success;
  /// the ERROR for the peer, if any, comes from `next_handshake_command`.
  virtual failure on_auth_reply(auth_status status,
                                std::string_view status_text) {
    static_cast<void>(status);
    static_cast<void>(status_text);
    return {peer_error::unexpected_command, "no authentication pending"};
  }
};

} // namespace monocoque::zmtp
