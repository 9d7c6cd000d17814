// Tests of the hub engine's load balancer on its own: round robin over the
// peers with room, blocked peers skipped until activated, attach and detach
// at any point; plus a randomized cross-check against a naive model.
#define CAF_SUITE load_balancer
#include <caf/test/unit_test.hpp>

#include "caf/monocoque/internal/load_balancer.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace caf::monocoque::detail;

namespace {

using refs = std::vector<peer_ref>;

peer_ref ref(uint32_t slot, uint64_t epoch = 1) {
  return {slot, epoch};
}

// Picks `n` times.
refs picks(load_balancer& lb, size_t n) {
  refs out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(lb.next());
  return out;
}

} // namespace

CAF_TEST(an empty balancer has nobody) {
  load_balancer lb;
  CAF_CHECK(!lb.has_out());
  CAF_CHECK(lb.empty());
  CAF_CHECK_EQUAL(lb.next().epoch, 0u);
}

CAF_TEST(picks go round robin in attach order) {
  load_balancer lb;
  auto a = ref(0), b = ref(1), c = ref(2);
  lb.attach(a);
  lb.attach(b);
  lb.attach(c);
  lb.attach(b); // attached already: nothing changes
  CAF_CHECK_EQUAL(lb.size(), 3u);
  CAF_CHECK(picks(lb, 7) == (refs{a, b, c, a, b, c, a}));
}

CAF_TEST(a peer attached after a pick gets the next turn) {
  load_balancer lb;
  auto a = ref(0), b = ref(1);
  lb.attach(a);
  CAF_CHECK(lb.next() == a);
  lb.attach(b);
  CAF_CHECK(picks(lb, 4) == (refs{b, a, b, a}));
}

CAF_TEST(blocked peers are skipped and the round keeps its order) {
  load_balancer lb;
  auto a = ref(0), b = ref(1), c = ref(2);
  for (auto r : {a, b, c})
    lb.attach(r);
  CAF_CHECK(picks(lb, 4) == (refs{a, b, c, a}));
  lb.blocked(a); // a reached its SNDHWM with its last message
  CAF_CHECK(picks(lb, 2) == (refs{b, c}));
  lb.blocked(b);
  lb.blocked(c);
  CAF_CHECK(!lb.has_out());
  CAF_CHECK_EQUAL(lb.next().epoch, 0u);
  CAF_CHECK_EQUAL(lb.size(), 3u); // still attached
  lb.activated(b);
  CAF_CHECK(lb.has_out());
  CAF_CHECK(picks(lb, 2) == (refs{b, b}));
  lb.activated(a);
  lb.activated(a); // twice: no-op
  auto next = picks(lb, 4);
  CAF_CHECK_EQUAL(std::count(next.begin(), next.end(), a), 2);
  CAF_CHECK_EQUAL(std::count(next.begin(), next.end(), b), 2);
}

CAF_TEST(a peer activated before its turn came simply stays) {
  load_balancer lb;
  auto a = ref(0), b = ref(1);
  lb.attach(a);
  lb.attach(b);
  lb.blocked(b);
  lb.activated(b);
  CAF_CHECK(picks(lb, 4) == (refs{a, b, a, b}));
}

CAF_TEST(detached peers and stale references) {
  load_balancer lb;
  auto a = ref(0), b = ref(1), c = ref(2);
  for (auto r : {a, b, c})
    lb.attach(r);
  lb.blocked(c);
  lb.detached(b);
  lb.detached(c); // blocked and detached
  CAF_CHECK_EQUAL(lb.size(), 1u);
  CAF_CHECK(!lb.contains(b));
  CAF_CHECK(picks(lb, 2) == (refs{a, a}));
  // The slot of b holds a new incarnation: the old reference names nobody.
  auto b2 = ref(1, 7);
  lb.attach(b2);
  lb.blocked(b);
  lb.detached(b);
  CAF_CHECK(lb.contains(b2));
  auto next = picks(lb, 2);
  CAF_CHECK(std::count(next.begin(), next.end(), b2) == 1);
  lb.detached(a);
  lb.detached(b2);
  CAF_CHECK(lb.empty());
  CAF_CHECK(!lb.has_out());
}

// Random operations against a model (attached peers and which have room):
// every pick has room and `has_out` tells the truth. While nothing changes,
// picks go round robin: once the blocked peers left the active part (one
// round), each of n peers with room gets exactly one of every n picks.
// (Before that, as in libzmq, the peer that takes a blocked one's place may
// get its turn early: never more than one extra.)
CAF_TEST(randomized cross-check against a model) {
  std::mt19937 rng{7};
  load_balancer lb;
  std::map<uint32_t, uint64_t> epoch_of; // slot -> attached epoch
  std::set<uint32_t> full;
  uint64_t next_epoch = 1;
  auto with_room = [&] {
    std::vector<uint32_t> out;
    for (auto& [slot, epoch] : epoch_of)
      if (full.count(slot) == 0)
        out.push_back(slot);
    return out;
  };
  for (int step = 0; step < 20000; ++step) {
    auto slot = static_cast<uint32_t>(rng() % 12);
    auto known = epoch_of.count(slot) != 0;
    switch (rng() % 5) {
      case 0:
        if (!known) {
          epoch_of[slot] = next_epoch++;
          lb.attach(ref(slot, epoch_of[slot]));
        }
        break;
      case 1:
        if (known) {
          lb.detached(ref(slot, epoch_of[slot]));
          epoch_of.erase(slot);
          full.erase(slot);
        }
        break;
      case 2:
        if (known) {
          lb.blocked(ref(slot, epoch_of[slot]));
          full.insert(slot);
        }
        break;
      case 3:
        if (known) {
          lb.activated(ref(slot, epoch_of[slot]));
          full.erase(slot);
        }
        break;
      default: {
        auto room = with_room();
        CAF_REQUIRE_EQUAL(lb.has_out(), !room.empty());
        CAF_REQUIRE_EQUAL(lb.size(), epoch_of.size());
        if (room.empty())
          break;
        // Four rounds with no change in between.
        std::map<uint32_t, int> got;
        for (size_t i = 0; i < 4 * room.size(); ++i) {
          auto r = lb.next();
          CAF_REQUIRE(epoch_of.count(r.slot) != 0);
          CAF_REQUIRE_EQUAL(r.epoch, epoch_of[r.slot]);
          CAF_REQUIRE(full.count(r.slot) == 0);
          if (i == room.size()) {
            for (auto s : room)
              CAF_REQUIRE_LESS_OR_EQUAL(got[s], 2);
            got.clear(); // the first round is over
          }
          ++got[r.slot];
        }
        for (auto s : room)
          CAF_REQUIRE_EQUAL(got[s], 3);
      }
    }
  }
}
