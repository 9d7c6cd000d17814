// Our connecting sockets against a server that completes the handshake and
// floods 1 KiB messages (16 MiB per connection) that nobody reads, then
// closes once the client stops taking them (or all went out). Each client
// stays bounded (a receiving one stops reading at RCVHWM, the others drop
// or refuse what they cannot take), reports the end (disconnected) and
// reconnects, with one connect slot and bounded memory.

#define CAF_SUITE hostile.server_flood

#include "hostile/server_fixture.hpp"

using namespace hostile;

CAF_TEST_FIXTURE_SCOPE(hostile_server_flood_tests, server_fixture)

CAF_TEST(clients stay bounded under a message flood and reconnect) {
  run_clients(
      [](connection& c, const std::string& type) {
        if (c.write(handshake(type)) == outcome::ok)
          c.repeat(interop::message_frame(std::string(1024, 'f'), false),
                   16 * mib);
      },
      mq::bit(mq::socket_event_type::disconnected), "", 3, client_options());
  CAF_MESSAGE("failures:\n" << failures->lines());
}

CAF_TEST_FIXTURE_SCOPE_END()
