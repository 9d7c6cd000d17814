// Helpers shared by the fuzz targets: an invariant check that names the
// violated condition before trapping, and a tiny PRNG that turns one input
// byte into a reproducible stream of chunk sizes and actions.
#pragma once

#include <cstdint>
#include <cstdio>

/// Traps (a crash libFuzzer records) when `cond` is false, naming it first so
/// that a reproducer explains itself.
#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__,        \
                   __LINE__, #cond);                                           \
      __builtin_trap();                                                        \
    }                                                                          \
  } while (false)

namespace monocoque::fuzz {

/// SplitMix64: deterministic, so every input replays identically.
class prng {
public:
  explicit prng(uint64_t seed) noexcept : state_(seed) {
    // nop
  }

  /// Returns the next 64 pseudo-random bits.
  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Returns a value in `[lo, hi]`.
  uint64_t between(uint64_t lo, uint64_t hi) noexcept {
    return lo + next() % (hi - lo + 1);
  }

private:
  uint64_t state_;
};

} // namespace monocoque::fuzz
