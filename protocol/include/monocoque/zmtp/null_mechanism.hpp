#pragma once

#include "monocoque/zmtp/mechanism.hpp"

namespace monocoque::zmtp {

/// RFC 23's NULL mechanism: each side sends READY with its metadata as soon
/// as it knows the peer speaks NULL, without waiting for the peer's READY;
/// the handshake is done once the peer's READY has arrived. An ERROR from
/// the peer aborts it with the peer's reason.
class null_mechanism final : public mechanism {
public:
  /// Creates the mechanism; `local` is sent in our READY.
  explicit null_mechanism(metadata local) : local_(std::move(local)) {
    // nop
  }

  std::string_view name() const noexcept override {
    return "NULL";
  }

  bool as_server() const noexcept override {
    return false;
  }

  bool next_handshake_command(outgoing_command& out) override;

  failure process_handshake_command(std::string_view name,
                                    const frame& data) override;

  status state() const noexcept override {
    return state_;
  }

  const metadata_view& peer_metadata() const noexcept override {
    return peer_;
  }

private:
  metadata local_;
  metadata_view peer_;
  bool ready_sent_ = false;
  status state_ = status::handshaking;
};

} // namespace monocoque::zmtp
