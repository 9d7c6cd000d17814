#define CAF_SUITE zmtp_session_heartbeat
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

using opt_time = std::optional<timestamp>;

session_config config(socket_type type, duration interval = 0s,
                      duration ttl = 0s, duration timeout = duration{-1}) {
  session_config cfg;
  cfg.type = type;
  cfg.heartbeat.interval = interval;
  cfg.heartbeat.ttl = ttl;
  cfg.heartbeat.timeout = timeout;
  return cfg;
}

// PING as RFC 37 and libzmq write it: 0x04 size 0x04 "PING" TTL context.
bytes ping_command(uint16_t ttl, const bytes& context = {}) {
  return command_frame("PING", ping_data(ttl, context));
}

bytes pong_command(const bytes& context) {
  return command_frame("PONG", context);
}

// A ready DEALER session played against a raw ROUTER peer, handshake at `t`.
struct raw_fixture {
  explicit raw_fixture(session_config cfg, timestamp t = 0s) : s(cfg) {
    raw_handshake(s, t, socket_type::router);
    CAF_REQUIRE(s.ready());
    CAF_REQUIRE_EQUAL(poll_all(s).size(), 1u);
  }

  session s;
};

} // namespace

// -- sending PINGs
// --------------------------------------------------------------

CAF_TEST(pings_go_out_at_each_interval_and_the_peer_answers) {
  auto cfg = config(socket_type::dealer, 1s);
  session_pair p{cfg, config(socket_type::router)};
  p.now = 5s;
  CAF_REQUIRE(p.connect());
  poll_all(p.a);
  poll_all(p.b);
  CAF_CHECK_EQUAL(p.a.next_deadline(), opt_time{6s});
  CAF_CHECK(!p.b.next_deadline());
  for (int i = 1; i <= 5; ++i) {
    CAF_MESSAGE("interval " << i);
    auto before = p.a_sent.size();
    auto b_before = p.b_sent.size();
    p.advance(1s - 1ns);
    CAF_CHECK(p.a.output().empty());
    p.advance(1ns);
    // 0x04 0x07 0x04 "PING" and a zero TTL.
    bytes ping{0x04, 0x07, 0x04, 'P', 'I', 'N', 'G', 0x00, 0x00};
    CAF_CHECK(drain(p.a.output()) == ping);
    p.a_sent.insert(p.a_sent.end(), ping.begin(), ping.end());
    feed_bytes(p.b, ping, p.now);
    p.run();
    CAF_CHECK_EQUAL(p.a_sent.size(), before + ping.size());
    // The answer: 0x04 0x05 0x04 "PONG" with the empty context.
    CAF_CHECK(bytes(p.b_sent.begin() + static_cast<ptrdiff_t>(b_before),
                    p.b_sent.end()) ==
              (bytes{0x04, 0x05, 0x04, 'P', 'O', 'N', 'G'}));
    CAF_CHECK_EQUAL(p.a.next_deadline(), opt_time{p.now + 1s});
  }
  CAF_CHECK(p.a.ready() && p.b.ready());
  CAF_CHECK(!p.a.has_events());
  CAF_CHECK(!p.b.has_events());
}

CAF_TEST(pings_carry_the_configured_ttl_in_deciseconds) {
  struct row {
    duration ttl;
    uint16_t wire;
  };
  std::vector<row> rows{{0s, 0},
                        {1s, 10},
                        {2500ms, 25},
                        {2599ms, 25},
                        {99ms, 0},
                        {6553500ms, 65535},
                        {std::chrono::hours{10}, 65535}};
  for (auto& x : rows) {
    CAF_MESSAGE("ttl " << x.ttl.count() << " ns");
    raw_fixture f{config(socket_type::dealer, 1s, x.ttl)};
    f.s.advance_time(1s);
    CAF_CHECK(drain(f.s.output()) == ping_command(x.wire));
  }
}

CAF_TEST(no_pings_without_an_interval) {
  raw_fixture f{config(socket_type::dealer)};
  CAF_CHECK(!f.s.next_deadline());
  f.s.advance_time(std::chrono::hours{1});
  CAF_CHECK(f.s.output().empty());
  CAF_CHECK(f.s.ready());
}

// -- answering PINGs
// -------------------------------------------------------------

CAF_TEST(pong_echoes_the_ping_context_up_to_16_bytes) {
  raw_fixture f{config(socket_type::dealer)};
  feed_bytes(f.s, ping_command(0, bytes{0xAA, 0xBB, 0xCC}), 0s);
  CAF_CHECK(drain_written(f.s) ==
            (bytes{0x04, 0x08, 0x04, 'P', 'O', 'N', 'G', 0xAA, 0xBB, 0xCC}));
  bytes context20;
  for (uint8_t i = 0; i < 20; ++i)
    context20.push_back(static_cast<uint8_t>(0x40 + i));
  feed_bytes(f.s, ping_command(0, context20), 0s);
  // Size 0x15 = 1 + 4 + 16: the context is cut to its first 16 bytes.
  auto want = bytes{0x04, 0x15, 0x04, 'P', 'O', 'N', 'G'};
  want.insert(want.end(), context20.begin(), context20.begin() + 16);
  CAF_CHECK(drain_written(f.s) == want);
  feed_bytes(f.s, ping_command(0, bytes(16, 0x07)), 0s);
  CAF_CHECK(drain_written(f.s) == pong_command(bytes(16, 0x07)));
  CAF_CHECK(!f.s.has_events());
  CAF_CHECK(f.s.ready());
}

CAF_TEST(ping_without_a_ttl_is_malformed) {
  raw_fixture f{config(socket_type::dealer)};
  feed_bytes(f.s, command_frame("PING", bytes{0x00}), 0s);
  CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::malformed_command);
}

// -- PING timeout
// ------------------------------------------------------------------

CAF_TEST(no_answer_fails_with_heartbeat_timeout_after_the_interval) {
  // Default timeout = interval: PING at 1 s, failure at 2 s.
  raw_fixture f{config(socket_type::dealer, 1s)};
  f.s.advance_time(1s);
  CAF_CHECK(drain(f.s.output()) == ping_command(0));
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2s});
  f.s.advance_time(2s - 1ns);
  CAF_CHECK(!f.s.has_events());
  f.s.advance_time(2s);
  auto evs = poll_all(f.s);
  CAF_CHECK_EQUAL(evs.size(), 1u);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::heartbeat_timeout);
  // No second PING goes out with the failure.
  CAF_CHECK(f.s.output().empty());
  CAF_CHECK(!f.s.next_deadline());
}

CAF_TEST(explicit_timeout_shorter_than_the_interval) {
  raw_fixture f{config(socket_type::dealer, 1s, 0s, 300ms)};
  f.s.advance_time(1s);
  CAF_CHECK(drain(f.s.output()) == ping_command(0));
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{1300ms});
  f.s.advance_time(1300ms - 1ns);
  CAF_CHECK(!f.s.has_events());
  f.s.advance_time(1300ms);
  CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::heartbeat_timeout);
}

CAF_TEST(heartbeat_timeout_in_a_session_pair_whose_peer_went_silent) {
  session_pair p{config(socket_type::dealer, 1s), config(socket_type::router)};
  CAF_REQUIRE(p.connect());
  poll_all(p.a);
  p.advance(1s);
  p.run(); // PING and PONG
  CAF_CHECK(!p.a.has_events());
  p.advance(1s);
  p.flush_a(); // the next PING reaches b, but b's PONG is lost
  drain(p.b.output());
  p.advance(1s - 1ns);
  CAF_CHECK(!p.a.has_events());
  p.advance(1ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(p.a)), peer_error::heartbeat_timeout);
  CAF_CHECK(p.b.ready());
}

CAF_TEST(any_received_frame_cancels_the_ping_timeout) {
  std::vector<std::pair<std::string, bytes>> inputs{
      {"PONG", pong_command({})},
      {"message", message_frame("data")},
      {"first frame of a message", message_frame("part", true)},
      {"unknown command", command_frame("FOOBAR", bytes_of("xyz"))},
      {"PING", ping_command(0)},
  };
  for (auto& [what, input] : inputs) {
    CAF_MESSAGE(what);
    raw_fixture f{config(socket_type::dealer, 1s)};
    f.s.advance_time(1s);
    CAF_CHECK(drain(f.s.output()) == ping_command(0));
    feed_bytes(f.s, input, 1500ms);
    drain(f.s.output());
    // The timeout at 2 s is gone; the next PING is due then instead.
    CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2s});
    f.s.advance_time(2s);
    CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::none);
    CAF_CHECK(f.s.ready());
    CAF_CHECK(drain(f.s.output()) == ping_command(0));
    // The new PING re-arms the timeout.
    CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{3s});
    f.s.advance_time(3s);
    CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::heartbeat_timeout);
  }
}

CAF_TEST(timeout_longer_than_the_interval_is_not_rearmed_by_later_pings) {
  // libzmq arms the PING timeout only if none is running.
  raw_fixture f{config(socket_type::dealer, 1s, 0s, 2500ms)};
  f.s.advance_time(1s);
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2s});
  f.s.advance_time(2s);
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{3s});
  f.s.advance_time(3s);
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{3500ms});
  CAF_CHECK(drain(f.s.output()) ==
            concat({ping_command(0), ping_command(0), ping_command(0)}));
  f.s.advance_time(3500ms);
  CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::heartbeat_timeout);
}

// -- peer TTL
// ------------------------------------------------------------------------

CAF_TEST(peer_ttl_expires_after_silence) {
  raw_fixture f{config(socket_type::dealer)};
  // TTL 10 deciseconds = 1 s from the PING's arrival.
  feed_bytes(f.s, ping_command(10), 4s);
  drain(f.s.output());
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{5s});
  f.s.advance_time(5s - 1ns);
  CAF_CHECK(!f.s.has_events());
  f.s.advance_time(5s);
  auto evs = poll_all(f.s);
  CAF_CHECK_EQUAL(evs.size(), 1u);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::ttl_expired);
}

CAF_TEST(any_frame_cancels_the_peer_ttl) {
  raw_fixture f{config(socket_type::dealer)};
  feed_bytes(f.s, ping_command(10), 0s);
  feed_bytes(f.s, message_frame("alive"), 900ms);
  CAF_CHECK(!f.s.next_deadline());
  f.s.advance_time(10s);
  CAF_CHECK(f.s.ready());
  CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::none);
  // A PING with TTL 0 arms nothing.
  feed_bytes(f.s, ping_command(0), 11s);
  CAF_CHECK(!f.s.next_deadline());
}

CAF_TEST(our_ttl_makes_a_silent_session_pair_peer_drop_us) {
  // a pings with TTL 3 s; b applies it once a's PINGs stop arriving.
  session_pair p{config(socket_type::dealer, 1s, 3s),
                 config(socket_type::router)};
  CAF_REQUIRE(p.connect());
  poll_all(p.a);
  poll_all(p.b);
  p.advance(1s);
  p.run();
  CAF_CHECK_EQUAL(p.b.next_deadline(), opt_time{p.now + 3s});
  // From now on, nothing from a reaches b.
  p.advance(1s);
  drain(p.a.output());
  p.advance(2s - 1ns);
  CAF_CHECK(!p.b.has_events());
  p.advance(1ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(p.b)), peer_error::ttl_expired);
}

// -- deadlines
// -----------------------------------------------------------------------

CAF_TEST(next_deadline_is_always_the_earliest_pending_timer) {
  // Interval 1 s, timeout 1.5 s, and the peer's TTL; the test tracks each
  // timer by hand and compares after every step.
  raw_fixture f{config(socket_type::dealer, 1s, 0s, 1500ms)};
  opt_time next_ping = 1s;
  opt_time timeout;
  opt_time ttl;
  auto earliest = [&] {
    opt_time result;
    for (auto x : {next_ping, timeout, ttl})
      if (x && (!result || *x < *result))
        result = x;
    return result;
  };
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  // t = 0.2 s: the peer pings with TTL 2 s (deadline 2.2 s).
  feed_bytes(f.s, ping_command(20), 200ms);
  drain(f.s.output());
  ttl = 2200ms;
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  // t = 1 s: our PING; timeout at 2.5 s.
  f.s.advance_time(1s);
  next_ping = 2s;
  timeout = 2500ms;
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2s});
  // t = 2 s: our PING; the timeout keeps running.
  f.s.advance_time(2s);
  next_ping = 3s;
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2200ms});
  // t = 2.1 s: a PONG cancels the timeout and the TTL.
  feed_bytes(f.s, pong_command({}), 2100ms);
  timeout.reset();
  ttl.reset();
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{3s});
  // t = 2.5 s: a PING with TTL 0.3 s makes the TTL the earliest timer.
  feed_bytes(f.s, ping_command(3), 2500ms);
  ttl = 2800ms;
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  CAF_CHECK_EQUAL(f.s.next_deadline(), opt_time{2800ms});
  // Calling advance_time early changes nothing.
  f.s.advance_time(2700ms);
  CAF_CHECK_EQUAL(f.s.next_deadline(), earliest());
  CAF_CHECK(f.s.ready());
  f.s.advance_time(*earliest());
  CAF_CHECK_EQUAL(failure_code(poll_all(f.s)), peer_error::ttl_expired);
  CAF_CHECK(!f.s.next_deadline());
}

// -- commands after the handshake
// -----------------------------------------------------

CAF_TEST(unknown_commands_after_the_handshake_are_ignored) {
  raw_fixture f{config(socket_type::dealer)};
  feed_bytes(f.s,
             concat({command_frame("FOOBAR", bytes_of("payload")),
                     command_frame("X"), command_frame("HELLO"),
                     command_frame("PONG", bytes_of("unasked")),
                     command_frame(std::string(255, 'N'), bytes(300, 1)),
                     message_frame("still here")}),
             0s);
  auto evs = poll_all(f.s);
  CAF_CHECK_EQUAL(evs.size(), 1u);
  CAF_CHECK(same_message(messages_of(evs).at(0), make_message({"still here"})));
  CAF_CHECK(f.s.output().empty());
  CAF_CHECK(f.s.ready());
}

CAF_TEST(ready_after_the_handshake_fails_with_unexpected_command) {
  raw_fixture f{config(socket_type::dealer)};
  feed_bytes(f.s, ready_command(socket_type::router), 0s);
  auto evs = poll_all(f.s);
  CAF_CHECK_EQUAL(evs.size(), 1u);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::unexpected_command);
}

CAF_TEST(error_after_the_handshake_fails_with_error_command) {
  raw_fixture f{config(socket_type::dealer, 1s)};
  feed_bytes(f.s, concat({message_frame("last words"), error_command("bye")}),
             0s);
  auto evs = poll_all(f.s);
  CAF_REQUIRE_EQUAL(evs.size(), 2u);
  CAF_CHECK_EQUAL(messages_of(evs).size(), 1u);
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::error_command);
  CAF_CHECK_EQUAL(f.s.error().detail, "bye");
  // No ERROR goes back, no timers remain.
  CAF_CHECK(f.s.output().empty());
  CAF_CHECK(!f.s.next_deadline());
  f.s.advance_time(10s);
  CAF_CHECK(f.s.output().empty());
}
