#include "monocoque/zmtp/heartbeat.hpp"

#include <algorithm>

namespace monocoque::zmtp {

namespace {

void earliest(std::optional<timestamp>& acc, std::optional<timestamp> x) {
  if (x && (!acc || *x < *acc))
    acc = x;
}

} // namespace

void heartbeat::start(timestamp now) noexcept {
  if (cfg_.interval.count() > 0)
    next_ping_ = now + cfg_.interval;
}

bool heartbeat::ping_due(timestamp now) noexcept {
  if (!next_ping_ || now < *next_ping_)
    return false;
  next_ping_ = now + cfg_.interval;
  if (!timeout_at_ && cfg_.timeout.count() > 0)
    timeout_at_ = now + cfg_.timeout;
  return true;
}

void heartbeat::on_ping(uint16_t ttl_deciseconds, timestamp now) noexcept {
  if (ttl_deciseconds > 0 && !ttl_at_)
    ttl_at_ = now + std::chrono::milliseconds{100 * int64_t{ttl_deciseconds}};
}

void heartbeat::on_frame() noexcept {
  timeout_at_.reset();
  ttl_at_.reset();
}

peer_error heartbeat::expired(timestamp now) const noexcept {
  if (timeout_at_ && now >= *timeout_at_)
    return peer_error::heartbeat_timeout;
  if (ttl_at_ && now >= *ttl_at_)
    return peer_error::ttl_expired;
  return peer_error::none;
}

std::optional<timestamp> heartbeat::next_deadline() const noexcept {
  std::optional<timestamp> result;
  earliest(result, next_ping_);
  earliest(result, timeout_at_);
  earliest(result, ttl_at_);
  return result;
}

uint16_t heartbeat::ttl_deciseconds() const noexcept {
  auto ds = std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.ttl)
              .count()
            / 100;
  return static_cast<uint16_t>(std::clamp<int64_t>(ds, 0, 0xFFFF));
}

} // namespace monocoque::zmtp
