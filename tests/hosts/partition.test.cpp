// (a) A silent partition under traffic (see echo_pair.hpp): the link to
// host 1 is cut with drop rules (nothing is refused, packets vanish) while
// messages flow; our socket and the libzmq baseline must notice the peer
// gone; after the heal the connecting side connects again, traffic flows
// again, and our introspection lists exactly the live peer. Once with
// heartbeats, then with heartbeats off and TCP keepalive (cut while idle:
// the kernel probes only then), then with tcp_maxrt (TCP_USER_TIMEOUT).
#define CAF_SUITE hosts.partition
#include "echo_pair.hpp"

using namespace hosts;

namespace {

void run(interop::fixture& f, const liveness& live, bool ours_binds) {
  host h{1};
  CAF_REQUIRE(h.valid());
  echo_pair r{f, h, live, ours_binds};
  run_fault(r, live,
            {"partition", [&] { return h.cut(); }, [&] { return h.heal(); }});
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(partition_tests, interop::fixture)

CAF_TEST(heartbeat ours binds) {
  run(*this, heartbeat_liveness(), true);
}

CAF_TEST(heartbeat ours connects) {
  run(*this, heartbeat_liveness(), false);
}

CAF_TEST(keepalive ours binds) {
  run(*this, keepalive_liveness(), true);
}

CAF_TEST(keepalive ours connects) {
  run(*this, keepalive_liveness(), false);
}

CAF_TEST(tcp_maxrt ours binds) {
  run(*this, tcp_maxrt_liveness(), true);
}

CAF_TEST(tcp_maxrt ours connects) {
  run(*this, tcp_maxrt_liveness(), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
