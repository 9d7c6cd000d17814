#define CAF_SUITE zmtp_session_messages
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {


// Messages of 1..5 frames, empty frames, and the 255/256 boundary where the
// size field switches from 1 to 8 bytes.
std::vector<message> small_messages() {
  return {
      make_message({"a"}),
      make_message({""}),
      make_message({"", ""}),
      make_message({"a", "", "b"}),
      make_message({"1", "22", "333", "4444", "55555"}),
      make_message({"", "", "", "", ""}),
      message{pattern_frame(255, 1)},
      message{pattern_frame(256, 2)},
      message{pattern_frame(255, 3), pattern_frame(256, 4), frame{}},
      message{frame{}, pattern_frame(1000, 5), pattern_frame(254, 6),
              pattern_frame(257, 7)},
  };
}

// Returns whether `got` holds exactly `want`, in order.
bool same_messages(const std::vector<message>& got,
                   const std::vector<message>& want) {
  if (got.size() != want.size())
    return false;
  for (size_t i = 0; i < got.size(); ++i)
    if (!same_message(got[i], want[i]))
      return false;
  return true;
}

// Sends every message of `msgs` and returns how many were refused.
size_t send_all(session& s, const std::vector<message>& msgs) {
  size_t refused = 0;
  for (const auto& msg : msgs)
    refused += s.send(msg) != local_error::none;
  return refused;
}

// Connects a DEALER (a) and a ROUTER (b) and drops their handshake events.
void connect(session_pair& p) {
  CAF_REQUIRE(p.connect());
  auto a_events = poll_all(p.a);
  auto b_events = poll_all(p.b);
  CAF_REQUIRE_EQUAL(a_events.size(), 1u);
  CAF_REQUIRE_EQUAL(b_events.size(), 1u);
}

} // namespace

// -- round trips
// ---------------------------------------------------------------

CAF_TEST(small_messages_round_trip_with_every_chunking) {
  auto msgs = small_messages();
  std::vector<message> reversed(msgs.rbegin(), msgs.rend());
  for (auto how : all_chunkings(70)) {
    CAF_MESSAGE("chunking " << to_string(how));
    session_pair p{config(socket_type::dealer), config(socket_type::router),
                   how};
    connect(p);
    CAF_CHECK_EQUAL(send_all(p.a, msgs), 0u);
    for (const auto& msg : reversed)
      CAF_CHECK_EQUAL(p.b.send(msg), local_error::none);
    p.run();
    auto at_b = poll_all(p.b);
    auto at_a = poll_all(p.a);
    CAF_CHECK_EQUAL(at_b.size(), msgs.size());
    CAF_CHECK_EQUAL(at_a.size(), msgs.size());
    CAF_CHECK(same_messages(messages_of(at_b), msgs));
    CAF_CHECK(same_messages(messages_of(at_a), reversed));
    CAF_CHECK(p.a.ready() && p.b.ready());
  }
}

CAF_TEST(message_bytes_on_the_wire_follow_rfc_23) {
  session_pair p{config(socket_type::dealer), config(socket_type::router)};
  connect(p);
  auto before = p.a_sent.size();
  auto big = pattern_frame(256, 9);
  CAF_CHECK_EQUAL(p.a.send(message{frame::from_string("ab"), frame{}, big}),
                  local_error::none);
  p.run();
  bytes want = concat({message_frame("ab", true), message_frame(bytes{}, true),
                       message_frame(bytes(big.data(), big.data() + 256))});
  // 256 bytes take the 8-byte size: 0x02 then 00 00 00 00 00 00 01 00.
  CAF_CHECK(bytes(p.a_sent.begin() + static_cast<ptrdiff_t>(before),
                  p.a_sent.end()) == want);
  CAF_CHECK_EQUAL(want[4], 0x01); // the empty frame: MORE, size 0
  CAF_CHECK_EQUAL(want[5], 0x00);
  CAF_CHECK_EQUAL(want[6], 0x02);
  CAF_CHECK_EQUAL(want[13], 0x01);
  CAF_CHECK_EQUAL(want[14], 0x00);
}

CAF_TEST(one_mib_messages_round_trip) {
  const size_t mib = size_t{1} << 20;
  std::vector<message> msgs{
      message{pattern_frame(mib, 1)},
      message{pattern_frame(mib, 2), frame{}, pattern_frame(mib - 1, 3)},
      make_message({"after"}),
  };
  std::vector<chunking> hows{
      chunking::whole(),           chunking::whole(true),
      chunking::split(7),          chunking::split(1000),
      chunking::split(4096, true), chunking::split(65536),
      chunking::split(65537, true)};
  for (auto how : hows) {
    CAF_MESSAGE("chunking " << to_string(how));
    session_pair p{config(socket_type::dealer), config(socket_type::router),
                   how};
    connect(p);
    for (const auto& msg : msgs) {
      CAF_CHECK_EQUAL(p.a.send(msg), local_error::none);
      CAF_CHECK_EQUAL(p.b.send(msg), local_error::none);
    }
    p.run();
    CAF_CHECK(same_messages(messages_of(poll_all(p.b)), msgs));
    CAF_CHECK(same_messages(messages_of(poll_all(p.a)), msgs));
  }
}

CAF_TEST(moderate_messages_round_trip_byte_by_byte) {
  std::vector<message> msgs{
      message{pattern_frame(64 * 1024, 1)},
      message{pattern_frame(300, 2), frame{}, pattern_frame(5000, 3)},
      make_message({"x", "", "yz"}),
  };
  for (bool frames : {false, true}) {
    session_pair p{config(socket_type::dealer), config(socket_type::router),
                   chunking::bytewise(frames)};
    connect(p);
    CAF_CHECK_EQUAL(send_all(p.a, msgs), 0u);
    p.run();
    CAF_CHECK(same_messages(messages_of(poll_all(p.b)), msgs));
  }
}

CAF_TEST(ten_thousand_messages_stay_in_order) {
  // Mixed shapes: 1..3 frames, sizes crossing the 255/256 boundary, and a
  // sequence number in the first frame.
  std::vector<message> msgs;
  for (size_t i = 0; i < 10000; ++i) {
    message msg{frame::from_string("seq-" + std::to_string(i))};
    for (size_t j = 0; j < i % 3; ++j)
      msg.push_back(
          pattern_frame((i * 7 + j * 13) % 300, static_cast<uint8_t>(i)));
    msgs.push_back(std::move(msg));
  }
  for (auto how :
       {chunking::whole(), chunking::split(13), chunking::split(1500, true)}) {
    for (bool interleaved : {false, true}) {
      CAF_MESSAGE("chunking "
                  << to_string(how)
                  << (interleaved ? ", run every 97 sends" : ", one run"));
      session_pair p{config(socket_type::dealer), config(socket_type::router),
                     how};
      connect(p);
      std::vector<message> at_b;
      std::vector<message> at_a;
      auto collect = [&] {
        for (auto& msg : messages_of(poll_all(p.b)))
          at_b.push_back(std::move(msg));
        for (auto& msg : messages_of(poll_all(p.a)))
          at_a.push_back(std::move(msg));
      };
      size_t refused = 0;
      for (size_t i = 0; i < msgs.size(); ++i) {
        refused += p.a.send(msgs[i]) != local_error::none;
        refused += p.b.send(msgs[msgs.size() - 1 - i]) != local_error::none;
        if (interleaved && i % 97 == 0) {
          p.run();
          collect();
        }
      }
      p.run();
      collect();
      CAF_CHECK_EQUAL(refused, 0u);
      CAF_CHECK_EQUAL(at_b.size(), msgs.size());
      CAF_CHECK(same_messages(at_b, msgs));
      std::vector<message> reversed(msgs.rbegin(), msgs.rend());
      CAF_CHECK(same_messages(at_a, reversed));
    }
  }
}

// -- maximum message size
// -------------------------------------------------------

CAF_TEST(max_message_size_counts_all_frames_of_a_message) {
  struct row {
    std::vector<size_t> sizes;
    bool fits;
  };
  // The limit is 1000 bytes (the READY of a DEALER is far smaller). Each
  // frame after the first costs its body plus the overhead O (64): a
  // message fits iff sum(bodies) + (frames - 1) * O <= 1000.
  constexpr size_t o = frame_cost_overhead;
  static_assert(o == 64, "the rows below assume 64");
  std::vector<row> rows{
      {{1000}, true},
      {{1001}, false},
      {{935, 1}, true},  // 936 + 64
      {{936, 1}, false}, // 937 + 64
      {{400, 400, 72}, true},
      {{400, 400, 73}, false},
      {{872, 0, 0}, true},
      {{873, 0, 0}, false},
      {{0, 936}, true},
      {{0, 0, 873}, false},
      {{1, 936}, false},
      {{202, 202, 202, 202}, true},
      {{202, 202, 202, 203}, false},
      // Empty frames are not free: 16 fit (15 * 64 = 960), 17 do not.
      {std::vector<size_t>(16, 0), true},
      {std::vector<size_t>(17, 0), false},
  };
  for (auto how :
       {chunking::whole(), chunking::bytewise(), chunking::split(7, true)}) {
    for (auto& x : rows) {
      std::string shape;
      for (auto n : x.sizes)
        shape += std::to_string(n) + " ";
      CAF_MESSAGE("frames " << shape << "with " << to_string(how));
      auto limited = config(socket_type::router);
      limited.max_message_size = 1000;
      session_pair p{config(socket_type::dealer), limited, how};
      connect(p);
      message msg;
      for (auto n : x.sizes)
        msg.push_back(pattern_frame(n));
      // A message at the limit before and after shows that the count starts
      // afresh with every message.
      auto at_limit = message{pattern_frame(1000, 9)};
      CAF_CHECK_EQUAL(p.a.send(at_limit), local_error::none);
      CAF_CHECK_EQUAL(p.a.send(msg), local_error::none);
      CAF_CHECK_EQUAL(p.a.send(at_limit), local_error::none);
      p.run();
      auto evs = poll_all(p.b);
      if (x.fits) {
        CAF_CHECK(same_messages(messages_of(evs),
                                std::vector<message>{at_limit, msg, at_limit}));
        CAF_CHECK_EQUAL(failure_code(evs), peer_error::none);
        CAF_CHECK(p.b.ready());
      } else {
        // What arrived before the oversized message was delivered.
        CAF_CHECK(
            same_messages(messages_of(evs), std::vector<message>{at_limit}));
        CAF_CHECK_EQUAL(failure_code(evs), peer_error::message_too_large);
        CAF_CHECK_EQUAL(p.b.state(), session_state::failed);
      }
    }
  }
}

CAF_TEST(oversized_frame_fails_on_its_header_before_buffering) {
  auto cfg = config(socket_type::router);
  cfg.max_message_size = 1000;
  {
    session s{cfg};
    raw_handshake(s, 0ns, socket_type::dealer);
    poll_all(s);
    // Only the header of a 1001-byte frame: no body byte needed to refuse it.
    feed_bytes(s, frame_header(0x00, 1001), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  }
  {
    // A hostile 1 TiB size field never makes the session allocate.
    session s{cfg};
    raw_handshake(s, 0ns, socket_type::dealer);
    poll_all(s);
    feed_bytes(s, frame_header(0x00, uint64_t{1} << 40), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  }
  {
    // The second frame's header already exceeds what is left of the budget.
    session s{cfg};
    raw_handshake(s, 0ns, socket_type::dealer);
    poll_all(s);
    feed_bytes(s, message_frame(bytes(600, 'x'), true), 0ns);
    CAF_CHECK(!s.has_events());
    feed_bytes(s, frame_header(0x00, 401), 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::message_too_large);
  }
}

// -- output queue
// ----------------------------------------------------------------

CAF_TEST(partial_writes_of_random_sizes_keep_the_bytes_exact) {
  std::vector<message> msgs = small_messages();
  msgs.push_back(message{pattern_frame(size_t{1} << 20, 11)});
  msgs.push_back(
      message{pattern_frame(70000, 12), frame{}, pattern_frame(2000, 13)});
  for (size_t i = 0; i < 300; ++i)
    msgs.push_back(message{pattern_frame(i * 5, static_cast<uint8_t>(i))});
  // Reference: the same traffic drained in one go per run.
  auto make_cfg = [](socket_type type) {
    auto cfg = config(type);
    cfg.copy_threshold = 64; // many referenced payload slices
    return cfg;
  };
  session_pair ref{make_cfg(socket_type::dealer),
                   make_cfg(socket_type::router)};
  connect(ref);
  CAF_REQUIRE_EQUAL(send_all(ref.a, msgs), 0u);
  ref.run();
  CAF_REQUIRE(same_messages(messages_of(poll_all(ref.b)), msgs));
  for (size_t max_write : {1, 3, 17, 1000, 70000}) {
    CAF_MESSAGE("writes of 1.." << max_write << " bytes");
    std::minstd_rand rng{static_cast<uint32_t>(max_write)};
    std::uniform_int_distribution<size_t> dist{1, max_write};
    session_pair p{make_cfg(socket_type::dealer), make_cfg(socket_type::router),
                   chunking::split(4096)};
    p.write_size = [&] { return dist(rng); };
    connect(p);
    CAF_REQUIRE_EQUAL(send_all(p.a, msgs), 0u);
    p.run();
    CAF_CHECK(p.a_sent == ref.a_sent);
    CAF_CHECK(same_messages(messages_of(poll_all(p.b)), msgs));
    CAF_CHECK(p.a.output().empty());
    CAF_CHECK_EQUAL(p.a.output().slice_count(), 0u);
  }
}

CAF_TEST(sending_between_partial_writes_keeps_the_bytes_exact) {
  // Interleave send() with partial consumption: new frames append behind the
  // unwritten rest, in particular into a half-written staging block.
  std::vector<message> msgs;
  for (size_t i = 0; i < 500; ++i)
    msgs.push_back(
        message{pattern_frame((i * 37) % 3000, static_cast<uint8_t>(i)),
                frame::from_string(std::to_string(i))});
  session_pair ref{config(socket_type::dealer), config(socket_type::router)};
  connect(ref);
  CAF_REQUIRE_EQUAL(send_all(ref.a, msgs), 0u);
  ref.run();
  session_pair p{config(socket_type::dealer), config(socket_type::router)};
  connect(p);
  std::minstd_rand rng{42};
  std::uniform_int_distribution<size_t> dist{1, 700};
  bytes written(p.a_sent);
  auto write_some = [&] {
    io_slice slices[4];
    auto n = p.a.output().gather(slices, 4);
    if (n == 0)
      return;
    auto len = std::min(dist(rng), slices[0].size);
    written.insert(written.end(), slices[0].data, slices[0].data + len);
    p.a.output().consume(len);
  };
  for (const auto& msg : msgs) {
    CAF_REQUIRE_EQUAL(p.a.send(msg), local_error::none);
    write_some();
    write_some();
  }
  auto rest = drain(p.a.output());
  written.insert(written.end(), rest.begin(), rest.end());
  CAF_CHECK(written == ref.a_sent);
}

CAF_TEST(large_payloads_are_queued_by_reference) {
  session_pair p{config(socket_type::dealer), config(socket_type::router)};
  connect(p);
  auto big = pattern_frame(100000, 1);
  CAF_REQUIRE_EQUAL(p.a.send(message{big}), local_error::none);
  io_slice slices[8];
  auto n = p.a.output().gather(slices, 8);
  bool referenced = false;
  for (size_t i = 0; i < n; ++i)
    if (slices[i].data == big.data() && slices[i].size == big.size())
      referenced = true;
  CAF_CHECK(referenced);
  CAF_CHECK_EQUAL(p.a.output().size(), 9u + big.size());
  p.run();
  CAF_CHECK(same_messages(messages_of(poll_all(p.b)),
                          std::vector<message>{message{big}}));
}

// -- local errors
// ------------------------------------------------------------------

CAF_TEST(send_is_refused_before_ready_after_failure_and_when_empty) {
  auto msg = make_message({"hello"});
  session s{config(socket_type::dealer)};
  CAF_CHECK_EQUAL(s.send(msg), local_error::not_ready);
  CAF_CHECK(s.output().empty());
  s.start(0ns);
  CAF_CHECK_EQUAL(s.send(msg), local_error::not_ready);
  feed_bytes(s, greeting_bytes(1), 0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::handshake);
  CAF_CHECK_EQUAL(s.send(msg), local_error::not_ready);
  auto pending = s.output().size();
  feed_bytes(s, ready_command(socket_type::router), 0ns);
  CAF_REQUIRE(s.ready());
  CAF_CHECK_EQUAL(s.output().size(), pending);
  CAF_CHECK_EQUAL(s.send(message{}), local_error::empty_message);
  CAF_CHECK_EQUAL(s.output().size(), pending);
  // One empty frame is a valid message: flags 0, size 0.
  CAF_CHECK_EQUAL(s.send(message{frame{}}), local_error::none);
  CAF_CHECK_EQUAL(s.output().size(), pending + 2);
  // After a failure: closed, even for an empty message.
  feed_bytes(s, command_frame("ERROR", error_data("bye")), 0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::failed);
  pending = s.output().size();
  CAF_CHECK_EQUAL(s.send(msg), local_error::closed);
  CAF_CHECK_EQUAL(s.send(message{}), local_error::closed);
  CAF_CHECK_EQUAL(s.output().size(), pending);
  // A handshake that failed early: closed too.
  session t{config(socket_type::dealer)};
  t.start(0ns);
  feed_bytes(t, greeting_bytes(1, "CURVE"), 0ns);
  CAF_CHECK_EQUAL(t.send(msg), local_error::closed);
}

// -- zero-copy input
// ---------------------------------------------------------------

CAF_TEST(frames_inside_a_fed_chunk_share_its_block) {
  session s{config(socket_type::router)};
  raw_handshake(s, 0ns, socket_type::dealer);
  poll_all(s);
  auto input =
      concat({message_frame("hello", true), message_frame(bytes{}, true),
              message_frame(bytes(300, 'z'))});
  auto chunk = frame::copy_of(byte_span{input.data(), input.size()});
  s.feed(chunk, 0ns);
  auto msgs = messages_of(poll_all(s));
  CAF_REQUIRE_EQUAL(msgs.size(), 1u);
  CAF_REQUIRE_EQUAL(msgs[0].size(), 3u);
  CAF_CHECK_EQUAL(msgs[0][0].to_string(), "hello");
  CAF_CHECK_EQUAL(msgs[0][2].to_string(), std::string(300, 'z'));
  CAF_CHECK(msgs[0][0].block() == chunk.block());
  CAF_CHECK(msgs[0][2].block() == chunk.block());
  CAF_CHECK(msgs[0][0].data() == chunk.data() + 2);
  CAF_CHECK(msgs[0][2].data() == chunk.data() + 2 + 5 + 2 + 9);
  // The chunk's block lives on in the frames.
  chunk = frame{};
  CAF_CHECK_EQUAL(msgs[0][2].to_string(), std::string(300, 'z'));
}

CAF_TEST(frames_straddling_chunks_are_assembled_into_own_blocks) {
  session s{config(socket_type::router)};
  raw_handshake(s, 0ns, socket_type::dealer);
  poll_all(s);
  auto input = concat({message_frame("straddler"), message_frame("inside")});
  // First chunk ends in the middle of "straddler"; the second holds the rest
  // of it and all of "inside".
  auto first = frame::copy_of(byte_span{input.data(), 6});
  auto second = frame::copy_of(byte_span{input.data() + 6, input.size() - 6});
  s.feed(first, 0ns);
  CAF_CHECK(!s.has_events());
  s.feed(second, 0ns);
  auto msgs = messages_of(poll_all(s));
  CAF_REQUIRE_EQUAL(msgs.size(), 2u);
  CAF_CHECK_EQUAL(msgs[0][0].to_string(), "straddler");
  CAF_CHECK(msgs[0][0].block() != first.block());
  CAF_CHECK(msgs[0][0].block() != second.block());
  CAF_CHECK_EQUAL(msgs[1][0].to_string(), "inside");
  CAF_CHECK(msgs[1][0].block() == second.block());
}

CAF_TEST(frames_fed_as_spans_are_copied) {
  session s{config(socket_type::router)};
  raw_handshake(s, 0ns, socket_type::dealer);
  poll_all(s);
  auto input = message_frame(bytes(1000, 'q'));
  feed_bytes(s, input, 0ns);
  std::fill(input.begin(), input.end(), 0); // the caller reuses its buffer
  auto msgs = messages_of(poll_all(s));
  CAF_REQUIRE_EQUAL(msgs.size(), 1u);
  CAF_CHECK_EQUAL(msgs[0][0].to_string(), std::string(1000, 'q'));
}

CAF_TEST(one_mib_frame_in_one_chunk_is_not_copied) {
  session_pair p{config(socket_type::dealer), config(socket_type::router)};
  connect(p);
  auto big = pattern_frame(size_t{1} << 20, 5);
  CAF_REQUIRE_EQUAL(p.a.send(message{big, frame::from_string("tail")}),
                    local_error::none);
  auto wire = drain(p.a.output());
  auto chunk = frame::copy_of(byte_span{wire.data(), wire.size()});
  p.b.feed(chunk, 0ns);
  auto msgs = messages_of(poll_all(p.b));
  CAF_REQUIRE_EQUAL(msgs.size(), 1u);
  CAF_REQUIRE_EQUAL(msgs[0].size(), 2u);
  CAF_CHECK(msgs[0][0] == big);
  CAF_CHECK(msgs[0][0].block() == chunk.block());
  CAF_CHECK(msgs[0][1].block() == chunk.block());
}

// -- commands and multipart messages
// ------------------------------------------------

CAF_TEST(commands_inside_a_multipart_message_are_malformed) {
  {
    session s{config(socket_type::router)};
    raw_handshake(s, 0ns, socket_type::dealer);
    poll_all(s);
    feed_bytes(s,
               concat({message_frame("first", true),
                       command_frame("PING", ping_data(0))}),
               0ns);
    auto evs = poll_all(s);
    CAF_CHECK_EQUAL(evs.size(), 1u);
    CAF_CHECK_EQUAL(failure_code(evs), peer_error::malformed_command);
  }
  {
    // A command frame with the MORE flag (0x05).
    session s{config(socket_type::router)};
    raw_handshake(s, 0ns, socket_type::dealer);
    poll_all(s);
    auto ping = command_frame("PING", ping_data(0));
    ping[0] |= 0x01;
    feed_bytes(s, ping, 0ns);
    CAF_CHECK_EQUAL(failure_code(poll_all(s)), peer_error::malformed_command);
  }
}

CAF_TEST(failure_mid_chunk_keeps_earlier_messages_and_drops_the_rest) {
  session s{config(socket_type::router)};
  raw_handshake(s, 0ns, socket_type::dealer);
  poll_all(s);
  auto input = concat({message_frame("kept"), bytes{0x08, 0x01, 'x'},
                       message_frame("dropped")});
  feed_bytes(s, input, 0ns);
  auto evs = poll_all(s);
  CAF_REQUIRE_EQUAL(evs.size(), 2u);
  CAF_CHECK(same_message(messages_of(evs).at(0), make_message({"kept"})));
  CAF_CHECK_EQUAL(failure_code(evs), peer_error::reserved_flags);
}
