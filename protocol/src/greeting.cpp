#include "monocoque/zmtp/greeting.hpp"

#include <algorithm>
#include <cstring>

namespace monocoque::zmtp {

std::array<uint8_t, greeting::size> greeting::encode() const noexcept {
  std::array<uint8_t, size> out{};
  out[0] = 0xFF;
  out[9] = 0x7F;
  out[major_offset] = major;
  out[minor_offset] = minor;
  auto len = std::min(mechanism.size(), mechanism_size);
  std::memcpy(out.data() + mechanism_offset, mechanism.data(), len);
  out[as_server_offset] = as_server ? 1 : 0;
  return out;
}

size_t greeting_reader::feed(byte_span input) {
  if (state_ != status::incomplete)
    return 0;
  auto target = v2_ ? greeting::zmtp20_size : greeting::size;
  if (read_ >= target)
    return 0;
  auto n = std::min(input.size(), target - read_);
  // An empty span may carry a null pointer, which memcpy must never see.
  if (n == 0)
    return 0;
  std::memcpy(buf_.data() + read_, input.data(), n);
  read_ += n;
  check_prefix();
  return n;
}

void greeting_reader::fail(peer_error code, std::string detail) {
  state_ = status::failed;
  error_ = failure{code, std::move(detail)};
}

// Checks every field whose bytes have arrived. Idempotent, so it simply runs
// after each chunk.
void greeting_reader::check_prefix() {
  if (read_ >= 1 && buf_[0] != 0xFF)
    return fail(peer_error::unversioned_peer,
                "peer sent no ZMTP signature (ZMTP 1.0); ZMTP 3.x required");
  if (read_ >= greeting::signature_size && (buf_[9] & 0x01) == 0)
    return fail(peer_error::unversioned_peer,
                "peer signature lacks the versioned-protocol bit (ZMTP 1.0);"
                " ZMTP 3.x required");
  if (read_ > greeting::major_offset && buf_[greeting::major_offset] < 3
      && !(allow_v2_ && buf_[greeting::major_offset] == 1)) {
    auto major = buf_[greeting::major_offset];
    return fail(peer_error::unsupported_version,
                std::string{"peer speaks ZMTP "}
                  + (major == 0 ? "1.0" : major == 1 ? "2.0" : "2.x")
                  + " (revision " + std::to_string(major)
                  + (allow_v2_ ? "); ZMTP 2.0 or 3.x required"
                               : "); ZMTP 3.x required"));
  }
  if (v2_) {
    if (read_ < greeting::zmtp20_size)
      return;
    result_.major = buf_[greeting::major_offset];
    result_.minor = 0;
    result_.mechanism = "NULL";
    result_.socket_type = buf_[greeting::socket_type_offset];
    state_ = status::complete;
    return;
  }
  if (read_ < greeting::size)
    return;
  result_.major = buf_[greeting::major_offset];
  result_.minor = buf_[greeting::minor_offset];
  auto* mech = reinterpret_cast<const char*>(buf_.data())
               + greeting::mechanism_offset;
  result_.mechanism.assign(mech, strnlen(mech, greeting::mechanism_size));
  // The padding after the name must be NUL, or two names could compare equal
  // on their prefix only.
  for (auto i = result_.mechanism.size(); i < greeting::mechanism_size; ++i)
    if (mech[i] != '\0')
      return fail(peer_error::malformed_greeting,
                  "mechanism name is not NUL-padded");
  auto as_server = buf_[greeting::as_server_offset];
  if (as_server > 1)
    return fail(peer_error::malformed_greeting,
                "as-server flag must be 0 or 1, got "
                  + std::to_string(as_server));
  result_.as_server = as_server == 1;
  state_ = status::complete;
}

} // namespace monocoque::zmtp
