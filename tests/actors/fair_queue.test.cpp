// Tests of the hub engine's fair queue on its own: peers with messages take
// turns in arrival order, one message per turn.
#define CAF_SUITE fair_queue
#include <caf/test/unit_test.hpp>

#include "caf/monocoque/internal/fair_queue.hpp"

#include <deque>
#include <vector>

using namespace caf::monocoque::detail;

namespace {

using refs = std::vector<peer_ref>;

refs queued(const fair_queue& fq) {
  return {fq.peers().begin(), fq.peers().end()};
}

peer_ref ref(uint32_t slot, uint64_t epoch = 1) {
  return {slot, epoch};
}

// Takes turns until the queue is empty; `msgs[slot]` is how many messages
// each peer has.
refs drain(fair_queue& fq, std::vector<int> msgs) {
  refs out;
  while (!fq.empty()) {
    auto r = fq.current();
    out.push_back(r);
    fq.next(--msgs[r.slot] > 0);
  }
  return out;
}

} // namespace

CAF_TEST(peers take turns in arrival order) {
  fair_queue fq;
  CAF_CHECK(fq.empty());
  auto a = ref(0), b = ref(1), c = ref(2);
  fq.activated(b);
  fq.activated(a);
  fq.activated(b); // queued already: keeps its place
  fq.activated(c);
  CAF_CHECK(fq.queued(a));
  CAF_CHECK(queued(fq) == (refs{b, a, c}));
  CAF_CHECK(drain(fq, {2, 3, 1}) == (refs{b, a, c, b, a, b}));
  CAF_CHECK(!fq.queued(a));
}

CAF_TEST(a peer that ran dry joins the back again) {
  fair_queue fq;
  auto a = ref(0), b = ref(1);
  fq.activated(a);
  fq.activated(b);
  fq.next(false); // a took its last message
  CAF_CHECK(!fq.queued(a));
  fq.activated(a);
  CAF_CHECK(queued(fq) == (refs{b, a}));
}

CAF_TEST(clear empties the queue) {
  fair_queue fq;
  fq.activated(ref(0));
  fq.activated(ref(3));
  fq.clear();
  CAF_CHECK(fq.empty());
  CAF_CHECK(!fq.queued(ref(3)));
  fq.activated(ref(3));
  CAF_CHECK(queued(fq) == (refs{ref(3)}));
}

CAF_TEST(a stale reference never unqueues its slot successor) {
  fair_queue fq;
  auto old = ref(0, 1), successor = ref(0, 2);
  fq.activated(old);
  fq.activated(successor); // slot reused while the old one is still queued
  CAF_CHECK(fq.queued(successor));
  CAF_CHECK(!fq.queued(old));
  CAF_CHECK(fq.current() == old);
  fq.next(false); // the engine skips the gone incarnation
  CAF_CHECK(fq.queued(successor));
  CAF_CHECK(queued(fq) == (refs{successor}));
  CAF_CHECK(!fq.queued(ref(0, 0))); // epoch 0 names nobody
}
