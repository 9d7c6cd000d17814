#pragma once

#include "monocoque/zmtp/secret_buffer.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

namespace caf::monocoque {

/// Bytes that must not outlive their use (a password, a secret key): every
/// copy is wiped (`sodium_memzero`-style) when cleared, assigned over or
/// destroyed, it has no stream operator, and reading it takes `reveal()`.
using secret = ::monocoque::zmtp::secret_buffer;

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::secret)
