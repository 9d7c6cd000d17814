// Our connecting sockets against a server that accepts and sends the first
// 10 bytes of a greeting, then nothing: each client gives up after its
// handshake timeout (300 ms here), reports it (handshake_failed_no_detail,
// "handshake timeout") and reconnects, with one connect slot and bounded
// memory.

#define CAF_SUITE hostile.server_stalled

#include "hostile/server_fixture.hpp"

using namespace hostile;

CAF_TEST_FIXTURE_SCOPE(hostile_server_stalled_tests, server_fixture)

CAF_TEST(clients time out a greeting that never completes and reconnect) {
  auto opts = client_options();
  opts.handshake_timeout = std::chrono::milliseconds{300};
  run_clients(
      [](connection& c, const std::string&) {
        if (c.write(greeting().substr(0, 10)) == outcome::ok)
          c.await_close(10000ms); // until the client gives up
      },
      mq::bit(mq::socket_event_type::handshake_failed_no_detail),
      "handshake timeout", 3, opts);
  CAF_MESSAGE("failures:\n" << failures->lines());
  CAF_CHECK_GREATER_OR_EQUAL(failures->count("handshake_timeout"), 10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
