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

// -- frame cost ---------------------------------------------------------------

CAF_TEST(empty_frames_with_more_cost_the_overhead_each) {
  // 20 MiB of `01 00` against a 1 MiB limit: refused after 1 MiB / 64 frames
  // (16384), with nothing but the frame slots buffered.
  auto cfg = config(socket_type::dealer);
  cfg.max_message_size = 1 << 20;
  session s{cfg};
  raw_handshake(s, 0ns, socket_type::router);
  poll_all(s);
  CAF_REQUIRE(s.ready());
  bytes chunk;
  for (int i = 0; i < 4096; ++i)
    chunk.insert(chunk.end(), {0x01, 0x00});
  size_t fed = 0;
  while (s.state() != session_state::failed && fed < (size_t{20} << 20)) {
    feed_bytes(s, chunk, 0ns);
    fed += chunk.size();
  }
  CAF_CHECK_EQUAL(s.error().code, peer_error::message_too_large);
  // Failed on frame 16385: its slot would bring the cost to 1 MiB + 64.
  CAF_CHECK_EQUAL(fed, 5 * chunk.size());
  CAF_MESSAGE(s.error().detail);
}

CAF_TEST(the_frame_cost_rule_is_exact_at_the_boundary) {
  constexpr auto o = frame_cost_overhead;
  for (size_t frames : {1, 2, 3, 16}) {
    for (bool over : {false, true}) {
      auto cfg = config(socket_type::dealer);
      cfg.max_message_size = 4096;
      session s{cfg};
      raw_handshake(s, 0ns, socket_type::router);
      poll_all(s);
      // Bodies fill what the overheads leave: sum + (frames - 1) * o.
      auto budget = 4096 - (frames - 1) * o + (over ? 1 : 0);
      bytes input;
      for (size_t i = 0; i < frames; ++i) {
        auto n = i + 1 < frames ? size_t{0} : budget;
        input = concat({input, message_frame(bytes(n, 'x'), i + 1 < frames)});
      }
      feed_bytes(s, input, 0ns);
      auto evs = poll_all(s);
      CAF_CHECK_EQUAL(failure_code(evs), over ? peer_error::message_too_large
                                              : peer_error::none);
      CAF_CHECK_EQUAL(messages_of(evs).size(), over ? 0u : 1u);
    }
  }
}

CAF_TEST(handshake_commands_share_one_budget) {
  // A command before READY costs its body plus the overhead; READY gets what
  // is left. Here an unknown command is refused by NULL itself, so the
  // budget shows on the header of an oversized first command only.
  auto cfg = config(socket_type::dealer);
  cfg.max_handshake_size = 1000;
  session s{cfg};
  s.start(0ns);
  feed_bytes(s, concat({greeting_bytes(), frame_header(0x04, 1001)}), 0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
}

// -- PONGs --------------------------------------------------------------------

namespace {

bytes ping_frame(const bytes& context) {
  return command_frame("PING", ping_data(0, context));
}

bytes pong_frame(const bytes& context) {
  return command_frame("PONG", context);
}

} // namespace

CAF_TEST(one_pong_pending_later_pings_refresh_its_context) {
  session s{config(socket_type::dealer)};
  raw_handshake(s, 0ns, socket_type::router); // reports its writes
  poll_all(s);
  CAF_REQUIRE(s.ready());
  CAF_CHECK(!s.awaiting_write());
  // The first PING is answered at once; the PONG is not written yet.
  feed_bytes(s, ping_frame(bytes_of("a")), 0ns);
  CAF_CHECK(s.awaiting_write());
  CAF_CHECK(!s.pong_pending());
  auto first = drain(s.output()); // handed over, not reported written yet
  CAF_CHECK(first == pong_frame(bytes_of("a")));
  // A flood of PINGs: nothing more is queued, one PONG waits.
  for (int i = 0; i < 10000; ++i)
    feed_bytes(s, ping_frame(bytes_of("b" + std::to_string(i % 10))), 0ns);
  feed_bytes(s, ping_frame(bytes_of("last")), 0ns);
  CAF_CHECK(s.output().empty());
  CAF_CHECK(s.pong_pending());
  // A report short of the first PONG's end changes nothing.
  auto end = s.output().total_appended();
  s.written(end - 1);
  CAF_CHECK(s.output().empty());
  // Once the first PONG is written, the pending one goes out with the latest
  // context.
  s.written(end);
  CAF_CHECK(!s.pong_pending());
  CAF_CHECK(s.awaiting_write());
  CAF_CHECK(drain(s.output()) == pong_frame(bytes_of("last")));
  s.written(s.output().total_appended());
  CAF_CHECK(!s.awaiting_write());
  CAF_CHECK(s.output().empty());
  // Idle again: the next PING is answered at once.
  feed_bytes(s, ping_frame(bytes_of("c")), 0ns);
  CAF_CHECK(drain(s.output()) == pong_frame(bytes_of("c")));
  CAF_CHECK(!s.has_events());
}

CAF_TEST(a_held_back_pong_keeps_16_bytes_of_context) {
  // RFC 37 allows 16 bytes; libzmq cuts longer contexts to 16, and so do we,
  // held back or not.
  session s{config(socket_type::dealer)};
  raw_handshake(s, 0ns, socket_type::router);
  poll_all(s);
  feed_bytes(s, ping_frame(bytes(3, 0x01)), 0ns);
  drain(s.output());
  bytes context20;
  for (uint8_t i = 0; i < 20; ++i)
    context20.push_back(static_cast<uint8_t>(0x40 + i));
  feed_bytes(s, ping_frame(context20), 0ns);
  s.written(s.output().total_appended());
  CAF_CHECK(drain(s.output())
            == pong_frame(bytes(context20.begin(), context20.begin() + 16)));
  CAF_CHECK(s.ready());
}

CAF_TEST(pongs_wait_behind_our_own_unwritten_messages) {
  // The stream offset counts every byte: a PONG queued after a large message
  // is written only once the message is, and only then may the next go out.
  session s{config(socket_type::dealer)};
  raw_handshake(s, 0ns, socket_type::router);
  poll_all(s);
  auto base = s.output().total_appended();
  CAF_REQUIRE_EQUAL(s.send(make_message({std::string(5000, 'm')})),
                    local_error::none);
  feed_bytes(s, ping_frame(bytes_of("1")), 0ns);
  feed_bytes(s, ping_frame(bytes_of("2")), 0ns);
  CAF_CHECK(s.pong_pending());
  s.written(base + 5000); // the message is not fully written yet (header)
  CAF_CHECK(s.pong_pending());
  s.written(s.output().total_appended());
  CAF_CHECK(!s.pong_pending());
  auto out = drain(s.output());
  CAF_CHECK(ends_with(out, concat({pong_frame(bytes_of("1")),
                                   pong_frame(bytes_of("2"))})));
}

// -- the peer's READY, held once ----------------------------------------------

CAF_TEST(a_64_kib_ready_of_6_byte_properties_is_held_in_one_block) {
  // 10900 properties `01 'a' 00 00 00 00` after Socket-Type: 64 KiB of READY.
  auto props = metadata_bytes({{"Socket-Type", "ROUTER"}});
  while (props.size() + 6 <= 65000)
    props.insert(props.end(), {0x01, 'a', 0, 0, 0, 0});
  auto ready = command_frame("READY", props);
  for (bool as_frames : {false, true}) {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    feed_chunked(s, concat({greeting_bytes(), ready}),
                 chunking::split(4096, as_frames), 0ns);
    auto evs = poll_all(s);
    CAF_REQUIRE_EQUAL(failure_code(evs), peer_error::none);
    auto done = only<events::handshake_done>(evs);
    CAF_REQUIRE_EQUAL(done.size(), 1u);
    const auto& md = done[0].peer.properties;
    CAF_CHECK_EQUAL(md.size(), 1 + (props.size() - 22) / 6);
    CAF_CHECK_EQUAL(md.find("socket-type"), std::optional<std::string_view>{"ROUTER"});
    CAF_CHECK_EQUAL(md.find("A"), std::optional<std::string_view>{""});
    // One block holds the raw properties (not a string pair each); the
    // session's copy and the event's copy share it.
    CAF_REQUIRE(md.raw().block() != nullptr);
    CAF_CHECK_EQUAL(md.raw().size(), props.size());
    CAF_CHECK(md.raw().bytes() == byte_span(props.data(), props.size()));
    CAF_CHECK_LESS_OR_EQUAL(md.raw().block()->capacity(), props.size() + 64);
    CAF_CHECK_EQUAL(s.peer().properties.raw().block(), md.raw().block());
    auto copy = done[0].peer;
    CAF_CHECK_EQUAL(copy.properties.raw().block(), md.raw().block());
    size_t seen = 0;
    md.for_each([&seen](const metadata_view::entry&) { ++seen; });
    CAF_CHECK_EQUAL(seen, md.size());
  }
}

CAF_TEST(a_malformed_property_anywhere_refuses_the_ready) {
  auto props = metadata_bytes({{"Socket-Type", "ROUTER"}});
  for (int i = 0; i < 1000; ++i)
    props.insert(props.end(), {0x01, 'a', 0, 0, 0, 0});
  props.insert(props.end(), {0x01, '!', 0, 0, 0, 0}); // invalid name char
  session s{config(socket_type::dealer)};
  s.start(0ns);
  feed_bytes(s, concat({greeting_bytes(), command_frame("READY", props)}), 0ns);
  CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::invalid_metadata);
}

CAF_TEST(a_small_ready_does_not_pin_a_large_receive_chunk) {
  // A READY that is a slice of a 64 KiB receive chunk is copied once into
  // its own block, so the peer info never holds the chunk.
  auto input = concat({greeting_bytes(), ready_command(socket_type::router)});
  input.resize(65536, 0); // the rest of the chunk: not yet parsed
  auto chunk = frame::copy_of(byte_span{input.data(), input.size()});
  session s{config(socket_type::dealer)};
  s.start(0ns);
  s.feed(chunk.slice(0, 64 + 2 + 6 + 22), 0ns);
  auto done = only<events::handshake_done>(poll_all(s));
  CAF_REQUIRE_EQUAL(done.size(), 1u);
  CAF_CHECK_NOT_EQUAL(done[0].peer.properties.raw().block(), chunk.block());
  CAF_CHECK_LESS(done[0].peer.properties.raw().block()->capacity(), 64u);
}
