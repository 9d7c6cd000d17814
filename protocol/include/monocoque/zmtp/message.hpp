#pragma once

#include "monocoque/zmtp/frame.hpp"

#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// A multipart ZeroMQ message: its frames in order. Every frame but the last
/// travels with the MORE flag set.
using message = std::vector<frame>;

/// Builds a message from string parts (a convenience for tests and tools).
message make_message(std::initializer_list<std::string_view> parts);

/// Returns the sum of the frame sizes of `msg`.
size_t payload_size(const message& msg) noexcept;

} // namespace monocoque::zmtp
