#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/metadata.hpp"

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
/// between the greeting and the first message. NULL implements it now; PLAIN
/// (HELLO/WELCOME/INITIATE) and CURVE (which will also need per-frame
/// encode/decode hooks here) plug in later without touching the session.
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

  /// Returns the handshake progress.
  virtual status state() const noexcept = 0;

  /// Returns the properties the peer announced (valid when `ready`).
  /// The bytes are the peer's own, held once (see `metadata_view`).
  virtual const metadata_view& peer_metadata() const noexcept = 0;
};

} // namespace monocoque::zmtp
