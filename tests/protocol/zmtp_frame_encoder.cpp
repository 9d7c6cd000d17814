// Byte-exact tests of the ZMTP 3.x frame encoder and of the output queue it
// writes to: header bytes at the short/long boundary, MORE on all but the
// last frame, the command layout, copy-vs-reference of payloads, partial
// consumption at every offset, and a round trip through the decoder.
#define CAF_SUITE zmtp_frame_encoder
#include <caf/test/unit_test.hpp>

#include "codec_test_helpers.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"

#include <string>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::codec_test;

namespace {

// Returns the header bytes of a frame with `flags` and `size`.
std::string header(uint8_t flags, uint64_t size) {
  uint8_t buf[frame_encoder::max_header_size + 1];
  buf[frame_encoder::max_header_size] = 0xEE; // must stay untouched
  auto len = frame_encoder::write_header(buf, flags, size);
  if (buf[frame_encoder::max_header_size] != 0xEE)
    return "overflow";
  return hex(buf, len);
}

frame frame_of(const bytes& xs) {
  return frame::copy_of(span_of(xs));
}

// Builds a queue holding a mix of merged copies and referenced payloads:
// with a threshold of 8 and staging blocks of 16 bytes, the payloads of 20
// and 9 bytes are referenced and the staging block overflows once.
struct mixed_queue {
  output_queue queue{8, 16};
  message msg{frame_of(pattern(3)), frame_of(pattern(20, 1)), frame{},
              frame_of(pattern(9, 2)), frame_of(pattern(8, 3))};
  bytes expected;

  mixed_queue() {
    frame_encoder::encode_message(queue, msg);
    frame_encoder::encode_command(queue, "PING", span_of(bytes{0x00, 0x0A}));
    expected = concat({{0x01, 3}, pattern(3), {0x01, 20}, pattern(20, 1),
                       {0x01, 0}, {0x01, 9}, pattern(9, 2), {0x00, 8},
                       pattern(8, 3), {0x04, 7, 4, 'P', 'I', 'N', 'G', 0, 10}});
  }
};

} // namespace

// -- headers ------------------------------------------------------------------

CAF_TEST(write_header_short_sizes) {
  CAF_CHECK_EQUAL(header(0x00, 0), "00 00");
  CAF_CHECK_EQUAL(header(0x00, 1), "00 01");
  CAF_CHECK_EQUAL(header(0x00, 255), "00 FF");
  CAF_CHECK_EQUAL(header(frame_flags::more, 255), "01 FF");
  CAF_CHECK_EQUAL(header(frame_flags::command, 7), "04 07");
}

CAF_TEST(write_header_long_sizes) {
  CAF_CHECK_EQUAL(header(0x00, 256), "02 00 00 00 00 00 00 01 00");
  CAF_CHECK_EQUAL(header(frame_flags::more, 256),
                  "03 00 00 00 00 00 00 01 00");
  CAF_CHECK_EQUAL(header(frame_flags::command, 256),
                  "06 00 00 00 00 00 00 01 00");
  CAF_CHECK_EQUAL(header(0x00, 65536), "02 00 00 00 00 00 01 00 00");
  CAF_CHECK_EQUAL(header(0x00, uint64_t{1} << 32),
                  "02 00 00 00 01 00 00 00 00");
  CAF_CHECK_EQUAL(header(0x00, 0x0102030405060708),
                  "02 01 02 03 04 05 06 07 08");
  CAF_CHECK_EQUAL(header(0x00, (uint64_t{1} << 63) - 1),
                  "02 7F FF FF FF FF FF FF FF");
}

// -- frames, messages and commands --------------------------------------------

CAF_TEST(encode_frame_exact_bytes) {
  output_queue q;
  frame_encoder::encode_frame(q, frame::from_string("abc"), false);
  frame_encoder::encode_frame(q, frame{}, true);
  CAF_CHECK_EQUAL(hex(drain_copy(q)), "00 03 61 62 63 01 00");
  CAF_CHECK_EQUAL(q.size(), 7u);
}

CAF_TEST(encode_message_sets_more_on_all_but_the_last) {
  output_queue q;
  frame_encoder::encode_message(q, make_message({"a", "bc", ""}));
  CAF_CHECK_EQUAL(hex(drain_copy(q)), "01 01 61 01 02 62 63 00 00");
  output_queue single;
  frame_encoder::encode_message(single, make_message({"xyz"}));
  CAF_CHECK_EQUAL(hex(drain_copy(single)), "00 03 78 79 7A");
  // A long frame in the middle keeps MORE next to LONG.
  output_queue mixed;
  message msg{frame::from_string("a"), frame_of(pattern(256)),
              frame::from_string("z")};
  frame_encoder::encode_message(mixed, msg);
  auto want = concat({{0x01, 0x01, 'a'}, {0x03, 0, 0, 0, 0, 0, 0, 1, 0},
                      pattern(256), {0x00, 0x01, 'z'}});
  CAF_CHECK_EQUAL(hex(drain_copy(mixed)), hex(want));
}

CAF_TEST(encode_command_layout) {
  output_queue q;
  frame_encoder::encode_command(q, "READY", span_of(bytes{0xAA, 0xBB}));
  CAF_CHECK_EQUAL(hex(drain_copy(q)),
                  hex(concat({{0x04, 8, 5}, bytes_of("READY"), {0xAA, 0xBB}})));
  output_queue empty_data;
  frame_encoder::encode_command(empty_data, "PONG", byte_span{});
  CAF_CHECK_EQUAL(hex(drain_copy(empty_data)), "04 05 04 50 4F 4E 47");
  // 1 + 5 + 250 = 256 bytes: the first long command.
  output_queue long_cmd;
  auto data = pattern(250);
  frame_encoder::encode_command(long_cmd, "READY", span_of(data));
  auto want = concat(
    {{0x06, 0, 0, 0, 0, 0, 0, 1, 0, 5}, bytes_of("READY"), data});
  CAF_CHECK_EQUAL(hex(drain_copy(long_cmd)), hex(want));
  // 1 + 5 + 249 = 255 bytes: still short.
  output_queue short_cmd;
  data.pop_back();
  frame_encoder::encode_command(short_cmd, "READY", span_of(data));
  want = concat({{0x04, 255, 5}, bytes_of("READY"), data});
  CAF_CHECK_EQUAL(hex(drain_copy(short_cmd)), hex(want));
}

// -- output queue -------------------------------------------------------------

CAF_TEST(small_payloads_are_copied_and_merged) {
  output_queue q; // threshold 1024
  auto a = frame_of(pattern(10));
  auto b = frame_of(pattern(1024, 1)); // at the threshold: still copied
  frame_encoder::encode_frame(q, a, true);
  frame_encoder::encode_frame(q, b, false);
  frame_encoder::encode_command(q, "PING", span_of(bytes{0, 1}));
  CAF_CHECK_EQUAL(q.slice_count(), 1u);
  CAF_CHECK_EQUAL(q.size(), 2u + 10 + 9 + 1024 + 9);
  io_slice slice{};
  CAF_REQUIRE_EQUAL(q.gather(&slice, 1), 1u);
  CAF_CHECK(slice.data != a.data());
  CAF_CHECK(slice.data != b.data());
  // Copies do not hold references to the payload's block.
  CAF_CHECK(a.block()->unique());
  CAF_CHECK(b.block()->unique());
}

CAF_TEST(large_payloads_are_referenced_not_copied) {
  output_queue q; // threshold 1024
  auto big = frame_of(pattern(1025));
  frame_encoder::encode_frame(q, big, false);
  CAF_CHECK(!big.block()->unique());
  CAF_REQUIRE_EQUAL(q.slice_count(), 2u);
  io_slice slices[2];
  CAF_REQUIRE_EQUAL(q.gather(slices, 2), 2u);
  CAF_CHECK_EQUAL(hex(slices[0].data, slices[0].size),
                  "02 00 00 00 00 00 00 04 01");
  CAF_CHECK(slices[1].data == big.data());
  CAF_CHECK_EQUAL(slices[1].size, 1025u);
  // A slice of a larger block is referenced at its own offset.
  auto sliced = big.slice(7, 100);
  output_queue q2{16};
  q2.append(sliced);
  CAF_REQUIRE_EQUAL(q2.gather(slices, 2), 1u);
  CAF_CHECK(slices[0].data == big.data() + 7);
  // A following header goes into a new slice, not into the payload's block.
  frame_encoder::encode_frame(q, frame::from_string("x"), false);
  CAF_CHECK_EQUAL(q.slice_count(), 3u);
  // The queue releases the block once its bytes are consumed.
  q.consume(q.size());
  q2.clear();
  sliced = frame{};
  CAF_CHECK(q.empty());
  CAF_CHECK(big.block()->unique());
}

CAF_TEST(gather_respects_max) {
  mixed_queue m;
  auto total = m.queue.slice_count();
  CAF_REQUIRE_GREATER(total, 3u);
  std::vector<io_slice> slices(total + 2);
  CAF_CHECK_EQUAL(m.queue.gather(slices.data(), 2), 2u);
  CAF_CHECK_EQUAL(m.queue.gather(slices.data(), slices.size()), total);
  CAF_CHECK_EQUAL(m.queue.gather(slices.data(), 0), 0u);
  CAF_CHECK_EQUAL(hex(drain_copy(m.queue)), hex(m.expected));
  CAF_CHECK_EQUAL(m.queue.size(), m.expected.size());
}

CAF_TEST(consume_at_every_offset) {
  auto n = mixed_queue{}.expected.size();
  std::string bad;
  for (size_t k = 0; k <= n + 1; ++k) {
    mixed_queue m;
    m.queue.consume(k);
    auto rest = sub(m.expected, k);
    if (drain_copy(m.queue) != rest || m.queue.size() != rest.size()
        || m.queue.empty() != rest.empty())
      bad += " k=" + std::to_string(k);
  }
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(consume_in_steps_of_every_size) {
  // Simulates short writes: the transport takes `step` bytes at a time, and
  // the concatenation of what it took must be the exact byte stream.
  auto n = mixed_queue{}.expected.size();
  std::string bad;
  for (size_t step = 1; step <= n; ++step) {
    mixed_queue m;
    bytes written;
    while (!m.queue.empty()) {
      io_slice slices[64];
      auto count = m.queue.gather(slices, 64);
      size_t taken = 0;
      for (size_t i = 0; i < count && taken < step; ++i) {
        auto len = std::min(slices[i].size, step - taken);
        written.insert(written.end(), slices[i].data, slices[i].data + len);
        taken += len;
      }
      m.queue.consume(taken);
    }
    if (written != m.expected)
      bad += " step=" + std::to_string(step);
  }
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(append_after_partial_consume_keeps_order) {
  // Appending after a partial write must neither reorder nor overwrite bytes
  // still pending in the staging block.
  mixed_queue m;
  std::string bad;
  for (size_t k = 0; k <= m.expected.size(); ++k) {
    mixed_queue x;
    x.queue.consume(k);
    frame_encoder::encode_frame(x.queue, frame::from_string("tail"), false);
    auto want = concat({sub(x.expected, k),
                        {0x00, 0x04, 't', 'a', 'i', 'l'}});
    if (drain_copy(x.queue) != want)
      bad += " k=" + std::to_string(k);
  }
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(clear_drops_everything) {
  mixed_queue m;
  auto big = m.msg[1];
  CAF_CHECK(!big.block()->unique());
  m.queue.clear();
  CAF_CHECK(m.queue.empty());
  CAF_CHECK_EQUAL(m.queue.size(), 0u);
  CAF_CHECK_EQUAL(m.queue.slice_count(), 0u);
  io_slice slice{};
  CAF_CHECK_EQUAL(m.queue.gather(&slice, 1), 0u);
  m.msg.clear();
  CAF_CHECK(big.block()->unique());
  // The queue is reusable afterwards.
  frame_encoder::encode_frame(m.queue, frame::from_string("ok"), false);
  CAF_CHECK_EQUAL(hex(drain_copy(m.queue)), "00 02 6F 6B");
}

// -- round trip ---------------------------------------------------------------

CAF_TEST(decoder_round_trips_encoder_output) {
  std::vector<size_t> sizes{0, 1, 255, 256, 65536};
  std::vector<message> msgs;
  for (size_t i = 0; i < sizes.size(); ++i)
    msgs.push_back({frame_of(pattern(sizes[i], static_cast<uint8_t>(i)))});
  message multi;
  for (size_t i = 0; i < sizes.size(); ++i)
    multi.push_back(frame_of(pattern(sizes[i], static_cast<uint8_t>(i + 9))));
  msgs.push_back(multi);
  output_queue q;
  for (const auto& msg : msgs)
    frame_encoder::encode_message(q, msg);
  // Feed the decoder slice by slice, as a vectored read would deliver them.
  std::vector<io_slice> slices(q.slice_count());
  CAF_REQUIRE_EQUAL(q.gather(slices.data(), slices.size()), slices.size());
  frame_decoder dec;
  std::vector<decoded_frame> frames;
  for (const auto& s : slices) {
    byte_span input{s.data, s.size};
    while (dec.next(input) == frame_decoder::status::frame_ready)
      frames.push_back(dec.take());
    CAF_CHECK(input.empty());
  }
  std::string bad;
  size_t index = 0;
  for (size_t m = 0; m < msgs.size(); ++m) {
    for (size_t f = 0; f < msgs[m].size(); ++f, ++index) {
      if (index >= frames.size()) {
        bad += " missing frame " + std::to_string(index);
        continue;
      }
      const auto& got = frames[index];
      bool last = f + 1 == msgs[m].size();
      if (got.body != msgs[m][f] || got.more == last || got.command)
        bad += " msg " + std::to_string(m) + " frame " + std::to_string(f);
    }
  }
  CAF_CHECK_EQUAL(bad, "");
  CAF_CHECK_EQUAL(frames.size(), index);
  // The same bytes, one at a time.
  auto stream = drain_copy(q);
  frame_decoder bytewise;
  size_t count = 0;
  for (auto b : stream) {
    byte_span input{&b, 1};
    if (bytewise.next(input) == frame_decoder::status::frame_ready
        && count < frames.size() && bytewise.take().body == frames[count].body)
      ++count;
  }
  CAF_CHECK_EQUAL(count, frames.size());
}
