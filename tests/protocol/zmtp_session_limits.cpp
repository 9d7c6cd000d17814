// Limits on what an unauthenticated peer can make a session hold: handshake
// commands are capped (max_handshake_size, 64 KiB by default) and refused on
// their header, before a byte of the body is buffered; after the handshake
// the message limit applies.
#define CAF_SUITE zmtp_session_limits
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

CAF_TEST(an_oversized_ready_fails_on_its_header) {
  session s{config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s, greeting_bytes(), 0ns);
  // A READY announcing 64 MiB: refused on the 9-byte header alone.
  feed_bytes(s, frame_header(0x04, uint64_t{64} << 20), 0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  CAF_CHECK_EQUAL(s.state(), session_state::failed);
}

CAF_TEST(the_handshake_limit_is_an_option_and_exact) {
  auto cfg = config(socket_type::dealer);
  cfg.max_handshake_size = 1000;
  // A READY of exactly 1000 bytes passes (padded with an X- property).
  auto ready_of = [](size_t total) {
    auto props = metadata_bytes({{"Socket-Type", "ROUTER"}});
    auto head = 1 + 5; // name-size + "READY"
    auto pad = total - head - props.size() - 1 - 3 - 4;
    auto extra = metadata_bytes({{"X-P", std::string(pad, 'x')}});
    props.insert(props.end(), extra.begin(), extra.end());
    return command_frame("READY", props);
  };
  {
    session s{cfg};
    s.start(0ns);
    feed_bytes(s, concat({greeting_bytes(), ready_of(1000)}), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::none);
    CAF_CHECK(s.ready());
  }
  {
    session s{cfg};
    s.start(0ns);
    feed_bytes(s, concat({greeting_bytes(), ready_of(1001)}), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  }
}

CAF_TEST(after_the_handshake_messages_use_the_message_limit) {
  auto cfg = config(socket_type::dealer);
  cfg.max_handshake_size = 100;
  cfg.max_message_size = 100000;
  session s{cfg};
  raw_handshake(s, 0ns, socket_type::router);
  poll_all(s);
  CAF_REQUIRE(s.ready());
  // Well above the handshake limit, within the message limit.
  feed_bytes(s, message_frame(std::string(50000, 'm')), 0ns);
  auto evs = poll_all(s);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::none);
  CAF_CHECK_EQUAL(messages_of(evs).size(), 1u);
}

CAF_TEST(the_handshake_limit_never_exceeds_the_message_limit) {
  auto cfg = config(socket_type::dealer);
  cfg.max_handshake_size = 1 << 20;
  cfg.max_message_size = 200;
  session s{cfg};
  s.start(0ns);
  feed_bytes(s, greeting_bytes(), 0ns);
  feed_bytes(s, frame_header(0x04, 201), 0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
}
