#pragma once

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/mechanism.hpp"
#include "monocoque/zmtp/secret_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// What CURVE's client and server share (RFC 26 as libzmq 4.3.4 puts it on
/// the wire): the long-term secret key, the transient keypair, the key
/// precomputed from both transient keys, the nonces per direction, and the
/// data phase, where every frame becomes one MESSAGE command sent as a data
/// frame: `\x07MESSAGE`, 8-byte nonce, box(flags + body). Every key is wiped
/// with `sodium_memzero` when the mechanism ends.
class curve_mechanism_base : public mechanism {
public:
  /// Bytes a MESSAGE adds to a frame: name (8), nonce (8), MAC (16), flags.
  static constexpr size_t message_overhead = 33;

  ~curve_mechanism_base() override;

  std::string_view name() const noexcept override {
    return "CURVE";
  }

  status state() const noexcept override {
    return state_;
  }

  const metadata_view& peer_metadata() const noexcept override {
    return peer_;
  }

  frame encode_frame(uint8_t flags, byte_span body) override;

  failure decode_frame(const frame& wire, uint8_t& flags,
                       frame& body) override;

protected:
  /// Creates the shared state; `secret_key` must hold 32 bytes.
  curve_mechanism_base(metadata local, const secret_buffer& secret_key,
                       bool as_server);

  /// Marks the handshake failed and returns the failure.
  failure fail(peer_error code, std::string detail, uint16_t status = 0);

  /// Returns our next short nonce (starting at 1).
  uint64_t next_nonce() noexcept {
    return nonce_++;
  }

  /// Writes a 24-byte nonce: the 16-byte `prefix` and `n` big-endian.
  static void short_nonce(uint8_t* out, std::string_view prefix,
                          uint64_t n) noexcept;

  /// Writes a 24-byte nonce: the 8-byte `prefix` and 16 random bytes, which
  /// also land in `random_out` (16 bytes) when not null.
  static void long_nonce(uint8_t* out, std::string_view prefix,
                         uint8_t* random_out) noexcept;

  /// Computes `precomputed_` from the peer's transient key and ours;
  /// false when libsodium refuses (e.g. an all-zero key).
  bool precompute(const uint8_t* peer_transient) noexcept;

  /// Appends `nonce8 box_afternm(plain)` to `out` with the precomputed key
  /// and the 16-byte `prefix` (READY, INITIATE).
  void box_command(std::vector<uint8_t>& out, std::string_view prefix,
                   byte_span plain);

  /// Opens `nonce8 box` (READY, INITIATE) into `plain`; false on failure.
  bool open_command(byte_span data, std::string_view prefix,
                    std::vector<uint8_t>& plain);

  /// Wipes every transient secret (on failure and in the destructor).
  void wipe() noexcept;

  /// Our long-term secret key.
  secret_buffer secret_key_;
  /// Our transient keypair (C' / c' or S' / s').
  uint8_t transient_public_[curve_key_size]{};
  uint8_t transient_secret_[curve_key_size]{};
  /// The peer's transient public key.
  uint8_t peer_transient_[curve_key_size]{};
  /// crypto_box_beforenm(peer transient, our transient secret).
  uint8_t precomputed_[32]{};
  /// Our metadata (READY / INITIATE) and the peer's.
  metadata local_;
  metadata_view peer_;
  /// The last MESSAGE (or READY / INITIATE) nonce the peer used.
  uint64_t peer_nonce_ = 0;
  status state_ = status::handshaking;

private:
  uint64_t nonce_ = 1;
  std::string_view send_prefix_; // "CurveZMQMESSAGEC" or "...S"
  std::string_view recv_prefix_;
};

} // namespace monocoque::zmtp
