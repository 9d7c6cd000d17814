// The session's heartbeats: timers (PINGs, timeouts, TTL) and PONGs, at
// most one pending, released by the transport's write reports.
#include "monocoque/zmtp/session.hpp"

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace monocoque::zmtp {

void session::queue_pong(byte_span context) {
  if (!awaiting_write()) {
    emit_pong(context);
    return;
  }
  // The previous PONG is still unwritten: keep one PONG, the latest context.
  pong_context_size_ = std::min(context.size(), sizeof(pong_context_));
  if (pong_context_size_ > 0)
    std::memcpy(pong_context_, context.data(), pong_context_size_);
  pong_pending_ = true;
}

void session::emit_pong(byte_span context) {
  send_command(command_name::pong, context);
  pong_end_ = out_.total_appended();
}

void session::written(uint64_t total_bytes_written) {
  written_ = std::max(written_, total_bytes_written);
  if (!pong_pending_ || awaiting_write() || state_ != session_state::ready)
    return;
  pong_pending_ = false;
  emit_pong(byte_span{pong_context_, pong_context_size_});
}

// -- time ---------------------------------------------------------------------

std::optional<timestamp> session::next_deadline() const noexcept {
  switch (state_) {
    case session_state::greeting:
    case session_state::handshake:
      return handshake_deadline_;
    case session_state::ready:
      return heartbeat_.next_deadline();
    default:
      return std::nullopt;
  }
}

void session::advance_time(timestamp now) {
  switch (state_) {
    case session_state::greeting:
    case session_state::handshake:
      if (handshake_deadline_ && now >= *handshake_deadline_)
        fail(peer_error::handshake_timeout,
             "handshake did not complete within "
               + std::to_string(std::chrono::duration_cast<
                                  std::chrono::milliseconds>(
                                  cfg_.handshake_timeout)
                                  .count())
               + " ms");
      return;
    case session_state::ready: {
      auto expired = heartbeat_.expired(now);
      if (expired != peer_error::none)
        return fail(expired, expired == peer_error::heartbeat_timeout
                               ? "no traffic from the peer after a PING"
                               : "peer silent for longer than its TTL");
      if (heartbeat_.ping_due(now)) {
        auto data = make_ping(heartbeat_.ttl_deciseconds(), byte_span{});
        send_command(command_name::ping, byte_span{data.data(), data.size()});
      }
      return;
    }
    default:
      return;
  }
}

} // namespace monocoque::zmtp
