// Byte-exact tests of the ZMTP 3.x frame decoder (RFC 23 "Framing"). Every
// vector is fed whole, one byte at a time, split at every offset, and followed
// by trailing bytes, both as plain spans and as chunks owned by a `frame`
// (the zero-copy path). Then the refusals, the size limit and block sharing.
#define CAF_SUITE zmtp_frame_decoder
#include <caf/test/unit_test.hpp>

#include "codec_test_helpers.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <string>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::codec_test;

namespace {

using status = frame_decoder::status;

// One frame on the wire and what the decoder must make of it.
struct vector_case {
  const char* name;
  bytes wire;
  bytes body;
  bool more;
  bool command;
};

bytes short_header(uint8_t flags, uint8_t size) {
  return {flags, size};
}

bytes long_header(uint8_t flags, uint64_t size) {
  bytes out(9);
  out[0] = flags;
  put_u64(out.data() + 1, size);
  return out;
}

std::vector<vector_case> make_vectors() {
  std::vector<vector_case> out;
  auto add = [&](const char* name, bytes header, bytes body, bool more,
                 bool command) {
    out.push_back({name, concat({header, body}), body, more, command});
  };
  add("short", short_header(0x00, 3), bytes_of("abc"), false, false);
  add("empty", short_header(0x00, 0), {}, false, false);
  add("one", short_header(0x00, 1), bytes_of("x"), false, false);
  add("more", short_header(0x01, 5), bytes_of("hello"), true, false);
  add("empty_more", short_header(0x01, 0), {}, true, false);
  add("short_255", short_header(0x00, 255), pattern(255), false, false);
  add("long_256", long_header(0x02, 256), pattern(256, 1), false, false);
  add("long_more_300", long_header(0x03, 300), pattern(300, 2), true, false);
  add("long_empty", long_header(0x02, 0), {}, false, false);
  // RFC 23 says SHOULD, not MUST, use the short form: a long header with a
  // small size is valid.
  add("long_small", long_header(0x02, 5), bytes_of("small"), false, false);
  add("command", short_header(0x04, 6), bytes_of("\x05READY"), false, true);
  add("long_command", long_header(0x06, 262),
      concat({bytes_of("\x04PING"), pattern(257, 3)}), false, true);
  return out;
}

const std::vector<vector_case> vectors = make_vectors();

// Renders a decoded frame as "M|C|<hex>" (flags as 0/1).
std::string render(const decoded_frame& x) {
  return std::to_string(x.more) + "|" + std::to_string(x.command) + "|"
         + hex(x.body.bytes());
}

std::string render(const vector_case& x) {
  return std::to_string(x.more) + "|" + std::to_string(x.command) + "|"
         + hex(x.body);
}

// Feeds `chunks` in order (each optionally owned by a frame) and renders
// everything that happens: decoded frames, leftovers after `need_more` (a
// bug: the decoder must use up its input) and failures.
std::string decode_chunks(frame_decoder& dec, const std::vector<bytes>& chunks,
                          bool owned) {
  std::string trace;
  for (const auto& chunk : chunks) {
    auto owner = frame::copy_of(span_of(chunk));
    auto input = owned ? owner.bytes() : span_of(chunk);
    for (;;) {
      auto st = dec.next(input, owned ? &owner : nullptr);
      if (st == status::frame_ready) {
        trace += "[" + render(dec.take()) + "]";
        continue;
      }
      if (st == status::failed)
        return trace + "[failed:" + code(dec.error().code) + "]";
      if (!input.empty())
        trace += "[need_more with " + std::to_string(input.size())
                 + " bytes left]";
      break;
    }
  }
  return trace;
}

// Runs `fn(vector, owned)` for every vector in both input modes and collects
// the names of the failing combinations.
template <class F>
std::string for_each_vector(F fn) {
  std::string failures;
  for (const auto& v : vectors)
    for (bool owned : {false, true})
      if (auto what = fn(v, owned); !what.empty())
        failures += std::string{" "} + v.name + (owned ? "/owned" : "")
                    + ": " + what + ";";
  return failures;
}

} // namespace

// -- valid vectors ------------------------------------------------------------

CAF_TEST(vectors_fed_whole) {
  auto failures = for_each_vector([](const vector_case& v, bool owned) {
    frame_decoder dec;
    auto got = decode_chunks(dec, {v.wire}, owned);
    auto want = "[" + render(v) + "]";
    return got == want ? std::string{} : got + " != " + want;
  });
  CAF_CHECK_EQUAL(failures, "");
}

CAF_TEST(vectors_fed_one_byte_at_a_time) {
  auto failures = for_each_vector([](const vector_case& v, bool owned) {
    frame_decoder dec;
    std::vector<bytes> chunks;
    for (auto b : v.wire)
      chunks.push_back({b});
    // The frame must complete on the very last byte, not earlier.
    auto head = std::vector<bytes>(chunks.begin(), chunks.end() - 1);
    auto early = decode_chunks(dec, head, owned);
    if (!early.empty())
      return "early: " + early;
    auto got = decode_chunks(dec, {chunks.back()}, owned);
    auto want = "[" + render(v) + "]";
    return got == want ? std::string{} : got + " != " + want;
  });
  CAF_CHECK_EQUAL(failures, "");
}

CAF_TEST(vectors_split_at_every_offset) {
  auto failures = for_each_vector([](const vector_case& v, bool owned) {
    std::string bad;
    for (size_t k = 0; k <= v.wire.size(); ++k) {
      frame_decoder dec;
      auto first = sub(v.wire, 0, k);
      auto second = sub(v.wire, k);
      auto got = decode_chunks(dec, {first, second}, owned);
      if (got != "[" + render(v) + "]")
        bad += " k=" + std::to_string(k);
    }
    return bad;
  });
  CAF_CHECK_EQUAL(failures, "");
}

CAF_TEST(vectors_with_trailing_bytes) {
  // After the frame: a complete short frame, then a byte with reserved bits.
  // The decoder must stop right after the first frame, then decode the
  // second, then fail on the garbage only when it gets there.
  bytes trailer{0x00, 0x01, 'Z', 0xFF};
  auto failures = for_each_vector([&](const vector_case& v, bool owned) {
    auto wire = concat({v.wire, trailer});
    auto owner = frame::copy_of(span_of(wire));
    auto input = owned ? owner.bytes() : span_of(wire);
    const auto* base = input.data();
    const frame* own = owned ? &owner : nullptr;
    frame_decoder dec;
    if (dec.next(input, own) != status::frame_ready)
      return std::string{"first frame not ready"};
    if (input.data() != base + v.wire.size() || input.size() != 4)
      return "stopped at " + std::to_string(input.data() - base);
    if (auto got = render(dec.take()); got != render(v))
      return got + " != " + render(v);
    if (dec.next(input, own) != status::frame_ready || input.size() != 1)
      return std::string{"second frame not ready"};
    if (auto got = render(dec.take()); got != "0|0|5A")
      return "second frame: " + got;
    if (dec.next(input, own) != status::failed || !input.empty())
      return std::string{"garbage not refused"};
    return std::string{};
  });
  CAF_CHECK_EQUAL(failures, "");
}

CAF_TEST(all_vectors_back_to_back_split_at_every_offset) {
  bytes stream;
  std::string want;
  for (const auto& v : vectors) {
    stream = concat({stream, v.wire});
    want += "[" + render(v) + "]";
  }
  std::string bad;
  for (bool owned : {false, true})
    for (size_t k = 0; k <= stream.size(); ++k) {
      frame_decoder dec;
      auto first = sub(stream, 0, k);
      auto second = sub(stream, k);
      if (decode_chunks(dec, {first, second}, owned) != want)
        bad += " k=" + std::to_string(k) + (owned ? "/owned" : "");
    }
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(take_without_a_ready_frame_returns_nothing) {
  frame_decoder dec;
  bytes partial{0x01, 0x03, 'a'};
  auto input = span_of(partial);
  CAF_CHECK(dec.next(input) == status::need_more);
  auto x = dec.take();
  CAF_CHECK(x.body.empty());
  // The partial frame survives the premature take.
  bytes rest{'b', 'c'};
  auto input2 = span_of(rest);
  CAF_REQUIRE(dec.next(input2) == status::frame_ready);
  CAF_CHECK_EQUAL(render(dec.take()), "1|0|61 62 63");
}

CAF_TEST(empty_input_needs_more) {
  frame_decoder dec;
  byte_span empty;
  CAF_CHECK(dec.next(empty) == status::need_more);
  // ... in every state: after the flags, inside the size, inside the body.
  bytes wire = concat({long_header(0x02, 3), bytes_of("abc")});
  std::string bad;
  for (size_t i = 0; i < wire.size(); ++i) {
    byte_span one{wire.data() + i, 1};
    auto st = dec.next(one);
    byte_span nothing;
    auto again = dec.next(nothing);
    if (i + 1 < wire.size()
        && (st != status::need_more || again != status::need_more))
      bad += " i=" + std::to_string(i);
  }
  CAF_CHECK_EQUAL(bad, "");
  CAF_REQUIRE(dec.next(empty) == status::frame_ready);
  CAF_CHECK_EQUAL(dec.take().body.to_string(), "abc");
}

// -- refusals -----------------------------------------------------------------

CAF_TEST(reserved_flag_bits_fail) {
  for (uint8_t bit : {0x08, 0x10, 0x20, 0x40, 0x80}) {
    for (uint8_t base : {0x00, 0x07}) {
      bytes wire{static_cast<uint8_t>(base | bit), 0x01, 'a'};
      auto input = span_of(wire);
      frame_decoder dec;
      CAF_CHECK(dec.next(input) == status::failed);
      CAF_CHECK_EQUAL(code(dec.error().code), code(peer_error::reserved_flags));
      // Refused on the flags byte, before reading the size.
      CAF_CHECK_EQUAL(input.size(), 2u);
      // Failed stays failed and consumes nothing.
      CAF_CHECK(dec.next(input) == status::failed);
      CAF_CHECK_EQUAL(input.size(), 2u);
    }
  }
}

CAF_TEST(size_with_top_bit_set_fails) {
  for (uint64_t size : {uint64_t{1} << 63, ~uint64_t{0}}) {
    auto wire = concat({long_header(0x02, size), bytes_of("xyz")});
    auto input = span_of(wire);
    frame_decoder dec;
    CAF_CHECK(dec.next(input) == status::failed);
    CAF_CHECK_EQUAL(code(dec.error().code),
                    code(peer_error::invalid_frame_size));
    CAF_CHECK_EQUAL(input.size(), 3u);
  }
  // 2^63-1 is a valid size; only the limit refuses it.
  auto wire = long_header(0x02, (uint64_t{1} << 63) - 1);
  auto input = span_of(wire);
  frame_decoder dec;
  dec.max_body_size(1 << 20);
  CAF_CHECK(dec.next(input) == status::failed);
  CAF_CHECK_EQUAL(code(dec.error().code), code(peer_error::message_too_large));
}

CAF_TEST(max_body_size_refuses_before_any_body_byte) {
  // At the limit: accepted.
  {
    auto wire = concat({short_header(0x00, 10), pattern(10)});
    auto input = span_of(wire);
    frame_decoder dec;
    dec.max_body_size(10);
    CAF_CHECK(dec.next(input) == status::frame_ready);
    CAF_CHECK_EQUAL(dec.take().body.size(), 10u);
  }
  // One above, short and long headers, fed whole or header only.
  for (auto header : {short_header(0x00, 11), long_header(0x02, 11)}) {
    auto wire = concat({header, pattern(11)});
    auto input = span_of(wire);
    frame_decoder dec;
    dec.max_body_size(10);
    CAF_CHECK(dec.next(input) == status::failed);
    CAF_CHECK_EQUAL(code(dec.error().code),
                    code(peer_error::message_too_large));
    CAF_CHECK_EQUAL(input.size(), 11u); // no body byte consumed
    frame_decoder header_only;
    header_only.max_body_size(10);
    auto head = span_of(header);
    CAF_CHECK(header_only.next(head) == status::failed);
    CAF_CHECK(head.empty());
  }
  // A huge announced size fails at once instead of waiting for its bytes.
  auto wire = long_header(0x02, uint64_t{1} << 40);
  auto input = span_of(wire);
  frame_decoder dec;
  dec.max_body_size(1 << 20);
  CAF_CHECK(dec.next(input) == status::failed);
  CAF_CHECK_EQUAL(code(dec.error().code), code(peer_error::message_too_large));
}

// -- zero-copy ----------------------------------------------------------------

CAF_TEST(frames_inside_an_owned_chunk_share_its_block) {
  auto first = concat({short_header(0x01, 4), bytes_of("abcd")});
  auto second = concat({long_header(0x02, 300), pattern(300)});
  auto chunk = frame::copy_of(span_of(concat({first, second})));
  auto input = chunk.bytes();
  frame_decoder dec;
  CAF_REQUIRE(dec.next(input, &chunk) == status::frame_ready);
  auto x = dec.take();
  CAF_CHECK(x.body.block() == chunk.block());
  CAF_CHECK(x.body.data() == chunk.data() + 2);
  CAF_CHECK_EQUAL(x.body.to_string(), "abcd");
  CAF_REQUIRE(dec.next(input, &chunk) == status::frame_ready);
  auto y = dec.take();
  CAF_CHECK(y.body.block() == chunk.block());
  CAF_CHECK(y.body.data() == chunk.data() + first.size() + 9);
  CAF_CHECK_EQUAL(hex(y.body.bytes()), hex(pattern(300)));
  CAF_CHECK(input.empty());
  // The slices keep the block alive after the chunk is gone.
  chunk = frame{};
  CAF_CHECK_EQUAL(x.body.to_string(), "abcd");
  CAF_CHECK_EQUAL(hex(y.body.bytes()), hex(pattern(300)));
}

CAF_TEST(straddling_frames_get_a_new_block) {
  auto wire = concat({short_header(0x00, 6), bytes_of("abcdef")});
  for (size_t k = 3; k < wire.size(); ++k) { // split inside the body
    auto c1 = frame::copy_of(span_of(wire).first(k));
    auto c2 = frame::copy_of(span_of(wire).subspan(k));
    frame_decoder dec;
    auto in1 = c1.bytes();
    CAF_CHECK(dec.next(in1, &c1) == status::need_more);
    auto in2 = c2.bytes();
    CAF_REQUIRE(dec.next(in2, &c2) == status::frame_ready);
    auto x = dec.take();
    CAF_CHECK(x.body.block() != c1.block());
    CAF_CHECK(x.body.block() != c2.block());
    CAF_CHECK(x.body.block() != nullptr);
    CAF_CHECK_EQUAL(x.body.to_string(), "abcdef");
  }
}

CAF_TEST(body_wholly_in_the_next_chunk_shares_that_chunk) {
  // However the header is split, a body that lies wholly in the second chunk
  // is a slice of that chunk.
  auto header = long_header(0x02, 5);
  for (size_t k = 1; k <= header.size(); ++k) {
    auto c1 = frame::copy_of(span_of(header).first(k));
    auto c2 = frame::copy_of(
      span_of(concat({sub(header, k), bytes_of("hello"), bytes{0x00}})));
    frame_decoder dec;
    auto in1 = c1.bytes();
    CAF_CHECK(dec.next(in1, &c1) == status::need_more);
    auto in2 = c2.bytes();
    CAF_REQUIRE(dec.next(in2, &c2) == status::frame_ready);
    auto x = dec.take();
    CAF_CHECK(x.body.block() == c2.block());
    CAF_CHECK_EQUAL(x.body.to_string(), "hello");
    CAF_CHECK_EQUAL(in2.size(), 1u);
  }
}
