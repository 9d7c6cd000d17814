#pragma once

#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/auth_request.hpp"
#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/metadata.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// Flags of a wrapped frame (CURVE's MESSAGE), carried inside the box: the
/// values libzmq's message flags have, not the wire's frame flags.
namespace wrapped_flags {

/// More frames of the same message follow.
constexpr uint8_t more = 0x01;
/// The frame is a command (PING, PONG, SUBSCRIBE, CANCEL, ERROR).
constexpr uint8_t command = 0x02;

} // namespace wrapped_flags

/// A handshake command a mechanism wants to send.
struct outgoing_command {
  /// Command name, e.g. "READY".
  std::string name;
  /// Command data after the name.
  std::vector<uint8_t> data;
};

/// The security-mechanism seam, modelled on libzmq's `mechanism_t`: the
/// session owns greeting, framing and timers; a mechanism owns the commands
/// between the greeting and the first message. NULL, PLAIN and CURVE
/// implement it. CURVE also wraps every frame after the handshake
/// (`wraps_frames`, `encode_frame`, `decode_frame`); for NULL and PLAIN the
/// session checks one flag per frame and makes no virtual call.
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

  // -- handshake limits -------------------------------------------------------

  /// The largest next handshake command (frame body, name included) and the
  /// failure for a larger one, checked on the frame's header before its body
  /// is buffered (a CURVE server refuses a HELLO over 200 bytes there).
  struct command_limit {
    /// Largest accepted frame body.
    uint64_t size = UINT64_MAX;
    /// The failure for a larger frame.
    peer_error code = peer_error::message_too_large;
  };

  /// Returns the limit for the next handshake command.
  virtual command_limit next_command_limit() const noexcept {
    return {};
  }

  /// Returns why producing a handshake command failed (e.g. CURVE boxing
  /// with a key libsodium refuses), `none` otherwise. The session checks it
  /// after `next_handshake_command` returned false with `state() == failed`.
  const failure& send_failure() const noexcept {
    return send_failure_;
  }

  // -- per-frame encoding (after the handshake) -------------------------------

  /// Returns whether frames after the handshake travel wrapped: every frame
  /// the session sends goes through `encode_frame`, every frame it receives
  /// through `decode_frame`. A plain member, so NULL and PLAIN cost one
  /// branch per frame and no virtual call.
  bool wraps_frames() const noexcept {
    return wraps_frames_;
  }

  /// Returns how many bytes a wrapped frame's body adds to the frame's own
  /// body (0 unless `wraps_frames`); the session widens its size limits by
  /// it so that a message of the maximum size still fits.
  uint64_t frame_overhead() const noexcept {
    return frame_overhead_;
  }

  /// Wraps a frame: `flags` (`wrapped_flags`) and `body` become
  /// the body of one outer data frame. Called only when `wraps_frames`.
  virtual frame encode_frame(uint8_t flags, byte_span body) {
    static_cast<void>(flags);
    return frame::copy_of(body);
  }

  /// Unwraps the body of a received data frame into `flags`
  /// (`wrapped_flags`) and `body`.
  /// Called only when `wraps_frames`.
  virtual failure decode_frame(const frame& wire, uint8_t& flags,
                               frame& body) {
    flags = 0;
    body = wire;
    return {};
  }

protected:
  /// See `send_failure`.
  failure send_failure_;
  /// See `wraps_frames`.
  bool wraps_frames_ = false;
  /// See `frame_overhead`.
  uint64_t frame_overhead_ = 0;
};

} // namespace monocoque::zmtp
