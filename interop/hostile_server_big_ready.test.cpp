// Our connecting sockets against a server whose READY is 64 MiB (streamed
// from a small buffer): each client drops it on the header with
// message_too_large (the 64 KiB handshake cap), reports it
// (handshake_failed_protocol) and reconnects, with one connect slot and
// bounded memory.

#define CAF_SUITE hostile.server_big_ready

#include "hostile/server_fixture.hpp"

using namespace hostile;

CAF_TEST_FIXTURE_SCOPE(hostile_server_big_ready_tests, server_fixture)

CAF_TEST(clients drop a 64 MiB READY and reconnect) {
  run_clients(
      [](connection& c, const std::string& type) {
        uint64_t body = 6 + 6 * ((64 * mib - 6) / 6);
        // The READY announces the client's counterpart, though no byte of
        // it is ever parsed.
        static_cast<void>(type);
        if (c.write(big_first_frame(body)) == outcome::ok)
          c.repeat(tiny_property(), body - 6);
      },
      mq::bit(mq::socket_event_type::handshake_failed_protocol),
      "message_too_large", 3, client_options());
  CAF_MESSAGE("failures:\n" << failures->lines());
  CAF_CHECK_GREATER_OR_EQUAL(failures->count("message_too_large"), 10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
