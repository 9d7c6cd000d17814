// Handshakes that fail: incompatible or unknown socket types, other
// mechanisms, ERROR and unexpected commands, timeouts, refused protocol
// versions, what a failed session still does, metadata limits. (The
// successful ones are in zmtp_session_handshake.cpp.)
#define CAF_SUITE zmtp_session_handshake_failures
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

// -- failed handshakes
// ---------------------------------------------------------

CAF_TEST(incompatible_socket_types_fail_both_sides_with_error) {
  std::vector<std::pair<socket_type, socket_type>> pairs{
      {socket_type::dealer, socket_type::pub},
      {socket_type::pub, socket_type::pub},
      {socket_type::sub, socket_type::sub},
      {socket_type::req, socket_type::req},
      {socket_type::rep, socket_type::rep},
      {socket_type::req, socket_type::pull},
      {socket_type::push, socket_type::push},
      {socket_type::pull, socket_type::pull},
      {socket_type::push, socket_type::sub},
      {socket_type::pair, socket_type::dealer},
      {socket_type::router, socket_type::sub},
      {socket_type::xpub, socket_type::xpub},
      {socket_type::xsub, socket_type::dealer},
  };
  for (auto how :
       {chunking::whole(), chunking::bytewise(), chunking::split(9, true)}) {
    for (auto [x, y] : pairs) {
      CAF_MESSAGE(wire_name(x)
                  << " <-> " << wire_name(y) << ", " << to_string(how));
      session_pair p{config(x), config(y), how};
      CAF_CHECK(!p.connect());
      auto a_events = poll_all(p.a);
      auto b_events = poll_all(p.b);
      CAF_CHECK_EQUAL(a_events.size(), 1u);
      CAF_CHECK_EQUAL(b_events.size(), 1u);
      CAF_CHECK_EQUAL(failure_code(a_events), peer_error::socket_type_mismatch);
      CAF_CHECK_EQUAL(failure_code(b_events), peer_error::socket_type_mismatch);
      CAF_CHECK_EQUAL(p.a.state(), session_state::failed);
      CAF_CHECK_EQUAL(p.b.state(), session_state::failed);
      for (auto* side : {&p.a, &p.b}) {
        const auto& sent = side == &p.a ? p.a_sent : p.b_sent;
        const auto& reason = side->error().detail;
        CAF_CHECK(!reason.empty());
        CAF_CHECK_LESS(reason.size(), 250u);
        // 0x04 size 0x05 "ERROR" reason-size reason, as the last frame.
        auto size = static_cast<uint8_t>(7 + reason.size());
        auto tail = concat({bytes{0x04, size, 0x05}, bytes_of("ERROR"),
                            bytes{static_cast<uint8_t>(reason.size())},
                            bytes_of(reason)});
        CAF_CHECK(ends_with(sent, tail));
        auto frames = parse_frames(sent);
        CAF_REQUIRE_EQUAL(frames.size(), 2u);
        CAF_CHECK_EQUAL(command_name_of(frames[0]), "READY");
        CAF_CHECK_EQUAL(command_name_of(frames[1]), "ERROR");
      }
    }
  }
}

CAF_TEST(unknown_or_missing_socket_type_fails_the_handshake) {
  {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s,
               concat({greeting_bytes(1),
                       command_frame("READY", metadata_bytes({{"Socket-Type",
                                                               "STREAM"}}))}),
               0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)),
                    peer_error::socket_type_mismatch);
    auto frames = parse_frames(drain(s.output()));
    CAF_REQUIRE(!frames.empty());
    CAF_CHECK_EQUAL(command_name_of(frames.back()), "ERROR");
  }
  {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(
        s,
        concat({greeting_bytes(1),
                command_frame("READY", metadata_bytes({{"Identity", "x"}}))}),
        0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::invalid_metadata);
  }
  {
    // Lowercase type names are not RFC 23 spellings.
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(s,
               concat({greeting_bytes(1),
                       command_frame("READY", metadata_bytes({{"socket-type",
                                                               "router"}}))}),
               0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)),
                    peer_error::socket_type_mismatch);
  }
}

CAF_TEST(other_mechanism_fails_with_mechanism_mismatch) {
  for (std::string_view mech : {"PLAIN", "CURVE", "NUL", "NULLX"}) {
    CAF_MESSAGE("peer mechanism " << std::string{mech});
    session s{config(socket_type::dealer)};
    s.start(0ns);
    drain(s.output());
    feed_bytes(s, greeting_bytes(1, mech), 0ns);
    auto evs = poll_all(s);
    CAF_CHECK_EQUAL(evs.size(), 1u);
    CAF_CHECK_EQUAL(failure_code(evs), peer_error::mechanism_mismatch);
    CAF_CHECK_EQUAL(s.error().code, peer_error::mechanism_mismatch);
    // No READY, only an ERROR for the peer (after our greeting's rest).
    auto out = drain(s.output());
    CAF_REQUIRE_GREATER_OR_EQUAL(out.size(), 53u);
    out.erase(out.begin(), out.begin() + 53);
    auto frames = parse_frames(out, 0);
    CAF_REQUIRE_EQUAL(frames.size(), 1u);
    CAF_CHECK_EQUAL(command_name_of(frames[0]), "ERROR");
    CAF_CHECK(out == error_command(s.error().detail));
  }
}

CAF_TEST(peer_error_during_the_handshake_fails_with_its_reason) {
  for (auto how : {chunking::whole(), chunking::bytewise()}) {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    drain(s.output());
    feed_chunked(s, concat({greeting_bytes(1), error_command("access denied")}),
                 how, 0ns);
    auto evs = poll_all(s);
    CAF_CHECK_EQUAL(evs.size(), 1u);
    CAF_CHECK_EQUAL(failure_code(evs), peer_error::error_command);
    auto fails = only<events::failed>(evs);
    CAF_REQUIRE_EQUAL(fails.size(), 1u);
    CAF_CHECK_EQUAL(fails[0].reason.detail, "access denied");
    CAF_CHECK_EQUAL(s.error().detail, "access denied");
    // Our READY went out; an ERROR is not answered with an ERROR.
    auto frames = parse_frames(drain(s.output()), 53);
    CAF_REQUIRE_EQUAL(frames.size(), 1u);
    CAF_CHECK_EQUAL(command_name_of(frames[0]), "READY");
  }
  // An empty reason is still a reason.
  session s{config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s, concat({greeting_bytes(1), error_command("")}), 0ns);
  CAF_CHECK_EQUAL(s.error().code, peer_error::error_command);
  CAF_CHECK_EQUAL(s.error().detail, "");
}

CAF_TEST(message_frame_before_ready_fails_with_unexpected_command) {
  for (bool more : {false, true}) {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    drain(s.output());
    feed_bytes(s, concat({greeting_bytes(1), message_frame("hello", more)}),
               0ns);
    auto evs = poll_all(s);
    CAF_CHECK_EQUAL(evs.size(), 1u);
    CAF_CHECK_EQUAL(failure_code(evs), peer_error::unexpected_command);
    CAF_CHECK(!s.ready());
    // After the rest of our greeting (53 bytes): READY, ERROR.
    auto frames = parse_frames(drain(s.output()), 53);
    CAF_REQUIRE_EQUAL(frames.size(), 2u);
    CAF_CHECK_EQUAL(command_name_of(frames[0]), "READY");
    CAF_CHECK_EQUAL(command_name_of(frames[1]), "ERROR");
  }
}

CAF_TEST(other_commands_before_ready_fail_the_handshake) {
  for (std::string_view name : {"PING", "SUBSCRIBE", "HELLO"}) {
    CAF_MESSAGE("command " << std::string{name});
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_bytes(
        s, concat({greeting_bytes(1), command_frame(name, ping_data(0))}), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::unexpected_command);
  }
}

// -- handshake timeout
// ---------------------------------------------------------

CAF_TEST(silent_peer_fails_with_handshake_timeout_at_the_deadline) {
  auto cfg = config(socket_type::dealer);
  cfg.handshake_timeout = 5s;
  // Three stages: nothing received, half a greeting, greeting without READY.
  auto greeting = greeting_bytes(1);
  std::vector<bytes> inputs{
      bytes{}, bytes(greeting.begin(), greeting.begin() + 30), greeting};
  for (size_t i = 0; i < inputs.size(); ++i) {
    CAF_MESSAGE("received " << inputs[i].size() << " bytes");
    session s{cfg};
    CAF_CHECK(!s.next_deadline());
    s.start(10s);
    CAF_CHECK_EQUAL(s.next_deadline(), std::optional<timestamp>{15s});
    feed_bytes(s, inputs[i], 11s);
    CAF_CHECK_EQUAL(s.next_deadline(), std::optional<timestamp>{15s});
    s.advance_time(15s - 1ns);
    CAF_CHECK(!s.has_events());
    CAF_CHECK_NOT_EQUAL(s.state(), session_state::failed);
    s.advance_time(15s);
    auto evs = poll_all(s);
    CAF_CHECK_EQUAL(evs.size(), 1u);
    CAF_CHECK_EQUAL(failure_code(evs), peer_error::handshake_timeout);
    CAF_CHECK(!s.next_deadline());
    s.advance_time(20s);
    CAF_CHECK(!s.has_events());
  }
}

CAF_TEST(handshake_timeout_in_a_session_pair_whose_peer_never_answers) {
  auto cfg = config(socket_type::dealer);
  cfg.handshake_timeout = 2s;
  session_pair p{cfg, config(socket_type::router)};
  p.a.start(p.now);
  p.flush_a(); // b is not started: it ignores input and stays silent
  CAF_CHECK_EQUAL(p.a.next_deadline(), std::optional<timestamp>{2s});
  p.advance(1s);
  CAF_CHECK(!p.a.has_events());
  p.advance(1s);
  CAF_CHECK_EQUAL(failure_code(poll_all(p.a)), peer_error::handshake_timeout);
}

CAF_TEST(handshake_timeout_is_disarmed_once_ready_or_when_zero) {
  {
    auto cfg = config(socket_type::dealer);
    cfg.handshake_timeout = 1s;
    session_pair p{cfg, config(socket_type::router)};
    CAF_REQUIRE(p.connect());
    CAF_CHECK(!p.a.next_deadline());
    p.advance(10s);
    CAF_CHECK(p.a.ready());
    CAF_CHECK_EQUAL(poll_all(p.a).size(), 1u); // just handshake_done
  }
  {
    auto cfg = config(socket_type::dealer);
    cfg.handshake_timeout = 0s;
    session s{cfg};
    s.start(0ns);
    CAF_CHECK(!s.next_deadline());
    s.advance_time(std::chrono::hours{24});
    CAF_CHECK(!s.has_events());
    CAF_CHECK_EQUAL(s.state(), session_state::greeting);
  }
}

// -- old protocol versions
// -----------------------------------------------------

CAF_TEST(revisions_0_and_2_fail_with_unsupported_version_after_11_bytes) {
  // Revision 0 (ZMTP 1.0 with a signature) and the undefined revision 2 are
  // refused on byte 10; ZMTP 2.0 (revision 1) is accepted (zmtp_session_v2).
  for (uint8_t revision : {0, 2}) {
    bytes head{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, revision, 0x05, 0x00};
    session s{config(socket_type::dealer)};
    s.start(0ns);
    drain(s.output());
    for (size_t i = 0; i < 10; ++i)
      s.feed(byte_span{head.data() + i, 1}, 0ns);
    CAF_CHECK(!s.has_events());
    s.feed(byte_span{head.data() + 10, 1}, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)),
                    peer_error::unsupported_version);
    // Nothing more goes out: no greeting rest, no ERROR.
    CAF_CHECK(s.output().empty());
    s.feed(byte_span{head.data() + 11, head.size() - 11}, 0ns);
    CAF_CHECK(!s.has_events());
  }
}

CAF_TEST(zmtp_1_0_greeting_fails_with_unversioned_peer) {
  {
    // ZMTP 1.0 anonymous identity: length 1, flags 0.
    session s{config(socket_type::dealer)};
    s.start(0ns);
    bytes zmtp10{0x01, 0x00};
    s.feed(byte_span{zmtp10.data(), 1}, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::unversioned_peer);
  }
  {
    // ZMTP 1.0 long identity: FF, 8-byte length, flags without bit 0.
    session s{config(socket_type::dealer)};
    s.start(0ns);
    bytes zmtp10{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
    feed_chunked(s, zmtp10, chunking::bytewise(), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::unversioned_peer);
  }
}

// -- after a failure
// -----------------------------------------------------------

CAF_TEST(feeding_after_a_failure_does_nothing) {
  session s{config(socket_type::dealer)};
  s.start(0ns);
  drain(s.output());
  feed_bytes(s, greeting_bytes(1, "PLAIN"), 0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::mechanism_mismatch);
  auto pending = s.output().size();
  auto fine = concat({greeting_bytes(1), ready_command(socket_type::router),
                      message_frame("hello"),
                      command_frame("PING", ping_data(10, bytes_of("ctx")))});
  feed_bytes(s, fine, 1s);
  s.feed(frame::copy_of(byte_span{fine.data(), fine.size()}), 1s);
  feed_chunked(s, fine, chunking::bytewise(), 2s);
  s.advance_time(std::chrono::hours{1});
  CAF_CHECK(!s.has_events());
  CAF_CHECK_EQUAL(s.state(), session_state::failed);
  CAF_CHECK_EQUAL(s.error().code, peer_error::mechanism_mismatch);
  CAF_CHECK_EQUAL(s.output().size(), pending);
  CAF_CHECK(!s.next_deadline());
  CAF_CHECK_EQUAL(s.send(make_message({"x"})), local_error::closed);
  // abort() after a failure changes nothing either.
  s.abort(peer_error::handshake_timeout, "late");
  CAF_CHECK(!s.has_events());
  CAF_CHECK_EQUAL(s.error().code, peer_error::mechanism_mismatch);
}

CAF_TEST(abort_fails_the_session_locally_without_output) {
  session_pair p{config(socket_type::dealer), config(socket_type::router)};
  CAF_REQUIRE(p.connect());
  poll_all(p.a);
  p.a.abort(peer_error::heartbeat_timeout, "transport closed");
  auto evs = poll_all(p.a);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::heartbeat_timeout);
  CAF_CHECK(p.a.output().empty());
  feed_bytes(p.a, message_frame("late"), 1s);
  CAF_CHECK(!p.a.has_events());
}

// -- metadata limits
// -----------------------------------------------------------

CAF_TEST(identity_is_cut_at_255_bytes_and_longer_ones_are_refused) {
  auto long_id = config(socket_type::dealer);
  long_id.identity = std::string(300, 'i');
  session_pair p{long_id, config(socket_type::router)};
  CAF_REQUIRE(p.connect());
  CAF_CHECK_EQUAL(p.b.peer().identity, std::string(255, 'i'));
  // A peer announcing a 256-byte Identity breaks RFC 23's limit.
  session s{config(socket_type::router)};
  s.start(0ns);
  auto id = std::string(256, 'j');
  feed_bytes(
      s,
      concat({greeting_bytes(1),
              command_frame("READY", metadata_bytes({{"Socket-Type", "DEALER"},
                                                     {"Identity", id}}))}),
      0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::invalid_metadata);
  auto frames = parse_frames(drain(s.output()));
  CAF_REQUIRE(!frames.empty());
  CAF_CHECK_EQUAL(command_name_of(frames.back()), "ERROR");
}

CAF_TEST(truncated_ready_metadata_is_invalid) {
  auto props = metadata_bytes({{"Socket-Type", "ROUTER"}});
  props.pop_back(); // the value is one byte short of its size
  session s{config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s, concat({greeting_bytes(1), command_frame("READY", props)}),
             0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::invalid_metadata);
}

