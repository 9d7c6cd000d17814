#pragma once

// The twelve cases of the lifecycle matrix for one ending: {peer up,
// refused, unresolvable, gone mid-stream} x {linger -1, 0, finite}. Each of
// close.test.cpp, drop.test.cpp and shutdown.test.cpp defines CAF_SUITE and
// LIFECYCLE_ENDING (an `ending`) and includes this file once, so each ending
// is its own suite and CTest entry.

#include "lifecycle_fixture.hpp"

#ifndef LIFECYCLE_ENDING
#  error "define LIFECYCLE_ENDING before including lifecycle_matrix.hpp"
#endif

using namespace lifecycle;

namespace {

constexpr auto infinite_linger = caf::timespan{-1};
constexpr auto zero_linger = caf::timespan{0};
constexpr auto how = LIFECYCLE_ENDING;

} // namespace

CAF_TEST(peer up with linger - 1) { run(peer_kind::up, how, infinite_linger); }

CAF_TEST(peer up with linger 0) { run(peer_kind::up, how, zero_linger); }

CAF_TEST(peer up with finite linger) { run(peer_kind::up, how, finite_linger); }

CAF_TEST(refused with linger - 1) {
  run(peer_kind::refused, how, infinite_linger);
}

CAF_TEST(refused with linger 0) { run(peer_kind::refused, how, zero_linger); }

CAF_TEST(refused with finite linger) {
  run(peer_kind::refused, how, finite_linger);
}

CAF_TEST(unresolvable with linger - 1) {
  run(peer_kind::unresolvable, how, infinite_linger);
}

CAF_TEST(unresolvable with linger 0) {
  run(peer_kind::unresolvable, how, zero_linger);
}

CAF_TEST(unresolvable with finite linger) {
  run(peer_kind::unresolvable, how, finite_linger);
}

CAF_TEST(gone mid - stream with linger - 1) {
  run(peer_kind::gone, how, infinite_linger);
}

CAF_TEST(gone mid - stream with linger 0) {
  run(peer_kind::gone, how, zero_linger);
}

CAF_TEST(gone mid - stream with finite linger) {
  run(peer_kind::gone, how, finite_linger);
}
