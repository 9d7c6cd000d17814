// Fuzz target for `frame_decoder`.
//
// Input layout: [config][seed][stream...]
//   config bits 0-2: max_body_size (see `limits`)
//   config bits 3-5: largest chunk size (see `chunk_limits`)
//   config bit 6:    ZMTP 2.0 framing (`zmtp20`: the COMMAND bit is reserved)
//   seed:            seeds the chunk sizes
//
// The stream is decoded three times, cut into chunks of pseudo-random sizes:
// without an owner (each chunk copied into a buffer that dies right after the
// call, so ASan catches a decoder that keeps pointers into foreign input),
// with one owner frame per chunk (like a receive buffer), and with one owner
// for the whole stream (slices at non-zero offsets). Every run must agree
// with a straightforward whole-buffer parser on each frame (flags, size,
// bytes, end offset), on where and why decoding fails, and on zero-copy:
// a body is a slice of the owner exactly when it lies inside the chunk that
// completed it.
#include "fuzz_check.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using namespace monocoque::zmtp;
using monocoque::fuzz::prng;

// Small limits keep allocations bounded (never above 1 MiB per frame).
constexpr uint64_t limits[] = {1 << 20, 0, 1, 254, 255, 256, 65535, 1 << 20};
constexpr size_t chunk_limits[] = {1, 2, 7, 64, 255, 4096, 65536, SIZE_MAX};

// -- reference parser ---------------------------------------------------------

struct ref_frame {
  size_t body_offset;
  size_t size;
  uint8_t flags;
};

struct ref_result {
  std::vector<ref_frame> frames;
  bool failed = false;
  peer_error code = peer_error::none;
  // Bytes the decoder has consumed when it reports the failure.
  size_t fail_pos = 0;
};

// The reserved bits of this run: ZMTP 3.x or 2.0 framing (config bit 6).
uint8_t reserved_mask = frame_flags::reserved;

ref_result parse_whole(const uint8_t* data, size_t size, uint64_t limit) {
  ref_result result;
  size_t pos = 0;
  while (pos < size) {
    auto flags = data[pos];
    if ((flags & reserved_mask) != 0) {
      result.failed = true;
      result.code = peer_error::reserved_flags;
      result.fail_pos = pos + 1;
      return result;
    }
    size_t header = (flags & frame_flags::long_size) != 0 ? 9 : 2;
    if (size - pos < header)
      return result; // truncated header
    uint64_t body = header == 9 ? get_u64(data + pos + 1) : data[pos + 1];
    if (body >= (uint64_t{1} << 63) || body > limit) {
      result.failed = true;
      result.code = body >= (uint64_t{1} << 63) ? peer_error::invalid_frame_size
                                                : peer_error::message_too_large;
      result.fail_pos = pos + header;
      return result;
    }
    if (size - pos - header < body)
      return result; // truncated body
    result.frames.push_back(
        ref_frame{pos + header, static_cast<size_t>(body), flags});
    pos += header + static_cast<size_t>(body);
  }
  return result;
}

// -- incremental runs ---------------------------------------------------------

enum class owner_mode { none, per_chunk, whole };

void run(const uint8_t* data, size_t size, uint64_t limit, size_t max_chunk,
         owner_mode mode, prng& rng, const ref_result& ref) {
  frame_decoder dec;
  dec.zmtp20(reserved_mask == frame_flags::reserved_zmtp20);
  dec.max_body_size(limit);
  frame whole;
  if (mode == owner_mode::whole && size > 0)
    whole = frame::copy_of(byte_span{data, size});
  std::vector<decoded_frame> kept; // re-checked at the end
  size_t pos = 0;
  size_t consumed = 0;
  size_t index = 0;
  bool failed = false;
  while (pos < size && !failed) {
    auto n = static_cast<size_t>(rng.between(1, std::min(max_chunk, size)));
    n = std::min(n, size - pos);
    std::vector<uint8_t> scratch;
    frame chunk;
    const frame* owner = nullptr;
    byte_span input;
    switch (mode) {
    case owner_mode::none:
      scratch.assign(data + pos, data + pos + n);
      input = byte_span{scratch.data(), n};
      break;
    case owner_mode::per_chunk:
      chunk = frame::copy_of(byte_span{data + pos, n});
      input = chunk.bytes();
      owner = &chunk;
      break;
    case owner_mode::whole:
      input = whole.bytes().subspan(pos, n);
      owner = &whole;
      break;
    }
    const auto chunk_start = pos;
    for (;;) {
      auto before = input;
      auto st = dec.next(input, owner);
      // Consumes from the front only, never more than it was given.
      FUZZ_CHECK(input.size() <= before.size());
      auto used = before.size() - input.size();
      FUZZ_CHECK(input.data() == before.data() + used);
      consumed += used;
      if (st == frame_decoder::status::need_more) {
        FUZZ_CHECK(input.empty());
        break;
      }
      if (st == frame_decoder::status::failed) {
        FUZZ_CHECK(ref.failed);
        FUZZ_CHECK(index == ref.frames.size());
        FUZZ_CHECK(consumed == ref.fail_pos);
        FUZZ_CHECK(dec.error().code == ref.code);
        FUZZ_CHECK(!dec.error().detail.empty());
        // Failed is terminal: no progress, no frame.
        auto again = input;
        FUZZ_CHECK(dec.next(again, owner) == frame_decoder::status::failed);
        FUZZ_CHECK(again.size() == input.size());
        FUZZ_CHECK(dec.take().body.empty());
        failed = true;
        break;
      }
      FUZZ_CHECK(st == frame_decoder::status::frame_ready);
      FUZZ_CHECK(index < ref.frames.size());
      const auto& expected = ref.frames[index++];
      auto got = dec.take();
      FUZZ_CHECK(got.body.size() == expected.size);
      FUZZ_CHECK(got.body.bytes() ==
                 byte_span(data + expected.body_offset, expected.size));
      FUZZ_CHECK(got.more == ((expected.flags & frame_flags::more) != 0));
      FUZZ_CHECK(got.command == ((expected.flags & frame_flags::command) != 0));
      // The decoder stops right after the body.
      FUZZ_CHECK(consumed == expected.body_offset + expected.size);
      if (expected.size > 0) {
        FUZZ_CHECK(got.body.block() != nullptr);
        bool in_chunk = expected.body_offset >= chunk_start;
        if (owner != nullptr && in_chunk) {
          FUZZ_CHECK(got.body.block() == owner->block());
          FUZZ_CHECK(got.body.data() ==
                     owner->data() +
                         (mode == owner_mode::whole
                              ? expected.body_offset
                              : expected.body_offset - chunk_start));
        } else {
          // Assembled from several chunks (or unowned input): a fresh block
          // of exactly the body size.
          FUZZ_CHECK(got.body.block() != (owner ? owner->block() : nullptr));
          FUZZ_CHECK(got.body.block()->capacity() == expected.size);
        }
      }
      // A second take() without a new frame yields nothing.
      FUZZ_CHECK(dec.take().body.empty());
      kept.push_back(std::move(got));
    }
    pos += n;
  }
  FUZZ_CHECK(failed == ref.failed);
  FUZZ_CHECK(index == ref.frames.size());
  if (!failed)
    FUZZ_CHECK(consumed == size);
  // Frames handed out earlier must not have been overwritten since.
  for (size_t i = 0; i < kept.size(); ++i)
    FUZZ_CHECK(kept[i].body.bytes() ==
               byte_span(data + ref.frames[i].body_offset, ref.frames[i].size));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  auto config = data[0];
  auto seed = data[1];
  data += 2;
  size -= 2;
  auto limit = limits[config & 0x07];
  auto max_chunk = chunk_limits[(config >> 3) & 0x07];
  reserved_mask = (config & 0x40) != 0 ? frame_flags::reserved_zmtp20
                                       : frame_flags::reserved;
  auto ref = parse_whole(data, size, limit);
  prng rng{seed};
  run(data, size, limit, max_chunk, owner_mode::none, rng, ref);
  run(data, size, limit, max_chunk, owner_mode::per_chunk, rng, ref);
  run(data, size, limit, max_chunk, owner_mode::whole, rng, ref);
  return 0;
}
