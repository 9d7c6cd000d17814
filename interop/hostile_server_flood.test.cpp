// Our connecting sockets against a server that completes the handshake and
// floods 1 KiB messages (16 MiB) that the application never takes, until
// the client stops reading (the server's writes stall) or all went out.
// Each client stays bounded: one connection, at most RCVHWM plus one read
// of messages held (a receiving type stops reading there; REQ drops stray
// replies, PUSH refuses messages), bounded memory. A flood is no failure,
// and a client that stopped reading does not see the server leave, so no
// reconnect is expected here.

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
      mq::bit(mq::socket_event_type::disconnected), "", 1, client_options());
  CAF_MESSAGE("failures:\n" << failures->lines());
}

CAF_TEST_FIXTURE_SCOPE_END()
