// (b) A frozen peer: the libzmq processes on host 1 get SIGSTOP while
// messages flow. Their kernel keeps the connections open (it even ACKs what
// we send, until the buffers fill), so only heartbeats can tell; our socket
// and the libzmq baseline must notice. After SIGCONT the peers find their
// connections closed and the connecting side connects again; traffic flows
// again and our introspection lists exactly the live peer.
#define CAF_SUITE hosts.frozen
#include "echo_pair.hpp"

using namespace hosts;

namespace {

void run(interop::fixture& f, const liveness& live, bool ours_binds) {
  host h{1};
  CAF_REQUIRE(h.valid());
  echo_pair r{f, h, live, ours_binds};
  run_fault(r, live,
            {"frozen",
             [&] {
               r.peer->freeze();
               r.ref_peer->freeze();
               return true;
             },
             [&] {
               r.peer->thaw();
               r.ref_peer->thaw();
               return true;
             }});
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(frozen_tests, interop::fixture)

CAF_TEST(heartbeat ours binds) {
  run(*this, heartbeat_liveness(), true);
}

CAF_TEST(heartbeat ours connects) {
  run(*this, heartbeat_liveness(), false);
}

CAF_TEST_FIXTURE_SCOPE_END()
