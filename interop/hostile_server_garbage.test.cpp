// Our connecting sockets against a server that completes the handshake
// (greeting and a READY announcing the client's counterpart) and then
// sends 64 KiB of garbage: each client drops it with reserved_flags,
// reports it (disconnected, or handshake_failed_protocol when the garbage
// came in the READY's read) and reconnects, with one connect slot and
// bounded memory.

#define CAF_SUITE hostile.server_garbage

#include "hostile/server_fixture.hpp"

using namespace hostile;

CAF_TEST_FIXTURE_SCOPE(hostile_server_garbage_tests, server_fixture)

CAF_TEST(clients drop a server that sends garbage and reconnect) {
  run_clients(
      [](connection& c, const std::string& type) {
        if (c.write(handshake(type)) == outcome::ok
            && c.write(garbage(64 * 1024)) == outcome::ok)
          c.await_close(5000ms);
      },
      mq::bit(mq::socket_event_type::disconnected)
        | mq::bit(mq::socket_event_type::handshake_failed_protocol),
      "reserved_flags", 3, client_options());
  CAF_MESSAGE("failures:\n" << failures->lines());
  CAF_CHECK_GREATER_OR_EQUAL(failures->count("reserved_flags"), 10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
