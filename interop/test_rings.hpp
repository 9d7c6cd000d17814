#pragma once

// How many io_uring rings (`monocoque.io-threads`) the test actor systems
// run. CTest registers selected suites a second and third time, as
// `rings2.<suite>` and `rings3.<suite>` (label `rings`), with
// MONOCOQUE_TEST_IO_THREADS=2 or 3 in their environment; every fixture
// that builds its config through `use_test_io_threads` then runs them with
// that many rings, without a change to the suite.

#include <caf/actor_system_config.hpp>
#include <caf/settings.hpp>

#include <cstddef>
#include <cstdlib>
#include <string>

namespace interop {

/// The environment variable read by `test_io_threads`.
constexpr const char* test_io_threads_env = "MONOCOQUE_TEST_IO_THREADS";

/// Returns $MONOCOQUE_TEST_IO_THREADS if it holds a positive number, else
/// `fallback` (0: leave the module's default, one ring).
inline size_t test_io_threads(size_t fallback = 0) {
  auto* str = std::getenv(test_io_threads_env);
  if (str == nullptr || *str == '\0')
    return fallback;
  char* end = nullptr;
  auto n = std::strtoul(str, &end, 10);
  if (end == nullptr || *end != '\0' || n == 0)
    return fallback;
  return static_cast<size_t>(n);
}

/// The environment variable that sets `monocoque.wake` (how other threads
/// wake a ring: "msg-ring" or "eventfd"; CTest's `wake_eventfd.<suite>`).
constexpr const char* test_wake_env = "MONOCOQUE_TEST_WAKE";

/// Sets `monocoque.io-threads` of `cfg` to `test_io_threads(fallback)`
/// unless that is 0, and `monocoque.wake` to $MONOCOQUE_TEST_WAKE if set.
/// Call it before the actor system is built from `cfg`.
inline void use_test_io_threads(caf::actor_system_config& cfg,
                                size_t fallback = 0) {
  if (auto n = test_io_threads(fallback); n > 0)
    caf::put(cfg.content, "monocoque.io-threads", n);
  if (auto* wake = std::getenv(test_wake_env); wake != nullptr && *wake)
    caf::put(cfg.content, "monocoque.wake", std::string{wake});
}

} // namespace interop
