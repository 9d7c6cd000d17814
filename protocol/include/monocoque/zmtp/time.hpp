#pragma once

#include <chrono>

namespace monocoque::zmtp {

/// A span of time.
using duration = std::chrono::nanoseconds;

/// A point in time, as a duration since an origin the caller chooses (e.g. a
/// monotonic clock's epoch). The protocol layer never reads a clock: every
/// call that depends on time takes the current `timestamp` as an argument.
using timestamp = std::chrono::nanoseconds;

} // namespace monocoque::zmtp
