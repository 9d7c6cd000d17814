#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace monocoque::zmtp {

/// The 64-byte ZMTP 3.x greeting (RFC 23 "The Greeting").
struct greeting {
  // -- constants --------------------------------------------------------------

  /// Size of a complete greeting.
  static constexpr size_t size = 64;

  /// Size of the signature that opens it.
  static constexpr size_t signature_size = 10;

  /// Offset of the major version byte.
  static constexpr size_t major_offset = 10;

  /// Offset of the minor version byte.
  static constexpr size_t minor_offset = 11;

  /// Offset of the 20-byte mechanism name.
  static constexpr size_t mechanism_offset = 12;

  /// Length of the mechanism field.
  static constexpr size_t mechanism_size = 20;

  /// Offset of the as-server flag.
  static constexpr size_t as_server_offset = 32;

  /// Size of a ZMTP 2.0 greeting (RFC 15): signature, revision, socket type.
  static constexpr size_t zmtp20_size = 12;

  /// Offset of the ZMTP 2.0 socket-type byte (where 3.x has its minor).
  static constexpr size_t socket_type_offset = 11;

  // -- fields -----------------------------------------------------------------

  /// Major version: 3 for ZMTP 3.x.
  uint8_t major = 3;

  /// Minor version: 1 for ZMTP 3.1, 0 for ZMTP 3.0.
  uint8_t minor = 1;

  /// Mechanism name, e.g. "NULL", "PLAIN", "CURVE" (at most 20 characters).
  std::string mechanism = "NULL";

  /// Whether the sender acts as the server of the security handshake.
  bool as_server = false;

  /// ZMTP 2.0 only: the sender's socket type as a libzmq ZMQ_* number.
  uint8_t socket_type = 0;

  // -- wire format ------------------------------------------------------------

  /// Returns the 64 bytes of this greeting.
  std::array<uint8_t, size> encode() const noexcept;
};

/// Reads a peer's greeting incrementally. It checks each field as soon as its
/// bytes arrive, so it can refuse a ZMTP 1.0 or 2.0 peer after 1 or 11 bytes
/// without waiting for 64 bytes that such a peer never sends. A session that
/// speaks ZMTP 2.0 too calls `allow_zmtp20` first and, once the revision
/// byte is known, `expect_zmtp20` to read the 12-byte 2.0 greeting instead.
class greeting_reader {
public:
  /// Progress of the reader.
  enum class status : uint8_t {
    /// More bytes are needed.
    incomplete,
    /// All 64 bytes arrived and passed the checks; see `result()`.
    complete,
    /// The greeting was refused; see `error()`.
    failed,
  };

  /// Consumes bytes of `input` up to the end of the greeting and returns how
  /// many it consumed. Consumes nothing once complete or failed.
  size_t feed(byte_span input);

  /// Returns the current progress.
  status state() const noexcept {
    return state_;
  }

  /// Returns the parsed greeting (valid once `complete`).
  const greeting& result() const noexcept {
    return result_;
  }

  /// Returns why the greeting was refused (valid once `failed`).
  const failure& error() const noexcept {
    return error_;
  }

  /// Accepts revision 1 (ZMTP 2.0) at byte 10 instead of refusing it.
  void allow_zmtp20() noexcept {
    allow_v2_ = true;
  }

  /// Reads the rest as a ZMTP 2.0 greeting: the greeting completes after
  /// its socket-type byte (12 bytes). Call before byte 12 arrives.
  void expect_zmtp20() noexcept {
    v2_ = true;
  }

  /// Returns the revision byte (valid once more than 10 bytes arrived).
  uint8_t revision() const noexcept {
    return buf_[greeting::major_offset];
  }

  /// Returns how many greeting bytes have arrived.
  size_t bytes_read() const noexcept {
    return read_;
  }

private:
  void check_prefix();
  void fail(peer_error code, std::string detail);

  std::array<uint8_t, greeting::size> buf_{};
  size_t read_ = 0;
  status state_ = status::incomplete;
  bool allow_v2_ = false;
  bool v2_ = false;
  greeting result_;
  failure error_;
};

} // namespace monocoque::zmtp
