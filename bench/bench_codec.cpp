// Throughput of the sans-IO codec: frame decoding (copying and zero-copy),
// frame encoding into the output queue, and a whole ready session fed like a
// transport feeds it. No sockets: these are the user-space costs per message
// that sit on top of the syscall costs in docs/machine-facts.md.
//
//   build/bin/bench-codec --benchmark_min_time=0.5
//
// Every benchmark reports bytes/s (wire bytes) and items/s (messages).
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/frame_encoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/metadata.hpp"
#include "monocoque/zmtp/output_queue.hpp"
#include "monocoque/zmtp/session.hpp"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using namespace monocoque::zmtp;

// Input is handed over in chunks of this size, like 64 KiB socket reads
// (the batch size that maximised raw throughput on this machine).
constexpr size_t chunk_size = 64 * 1024;

// Each iteration processes about this many wire bytes.
constexpr size_t stream_target = 4 * 1024 * 1024;

// Returns `count` single-frame messages of `size` bytes, encoded.
std::vector<uint8_t> encoded_stream(size_t size, size_t count) {
  std::vector<uint8_t> out;
  std::vector<uint8_t> payload(size);
  for (size_t i = 0; i < size; ++i)
    payload[i] = static_cast<uint8_t>(i);
  uint8_t header[frame_encoder::max_header_size];
  for (size_t i = 0; i < count; ++i) {
    auto len = frame_encoder::write_header(header, 0, size);
    out.insert(out.end(), header, header + len);
    out.insert(out.end(), payload.begin(), payload.end());
  }
  return out;
}

size_t message_count(size_t size) {
  return std::max<size_t>(1, stream_target / (size + 9));
}

// -- decoding -----------------------------------------------------------------

// range(0): message size; range(1): 1 = chunks are owned frames (zero-copy
// slices), 0 = plain byte spans (every body copied); range(2): read size in
// KiB. A 64 KiB message never fits in a 64 KiB read, so only larger reads
// make big messages zero-copy.
void decode(benchmark::State& state) {
  auto size = static_cast<size_t>(state.range(0));
  auto owned = state.range(1) != 0;
  auto read_size = static_cast<size_t>(state.range(2)) * 1024;
  auto count = message_count(size);
  auto bytes = encoded_stream(size, count);
  auto whole = frame::copy_of(byte_span{bytes.data(), bytes.size()});
  size_t frames = 0;
  for (auto _ : state) {
    frame_decoder dec;
    for (size_t off = 0; off < bytes.size(); off += read_size) {
      auto n = std::min(read_size, bytes.size() - off);
      // A receive buffer as the transport would hand it over.
      frame chunk = owned ? whole.slice(off, n) : frame{};
      byte_span input =
          owned ? chunk.bytes() : byte_span{bytes.data() + off, n};
      while (dec.next(input, owned ? &chunk : nullptr) ==
             frame_decoder::status::frame_ready) {
        auto got = dec.take();
        benchmark::DoNotOptimize(got.body.data());
        ++frames;
      }
    }
  }
  if (frames != count * static_cast<size_t>(state.iterations()))
    state.SkipWithError("decoded frame count mismatch");
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) *
                          state.iterations());
}

BENCHMARK(decode)
    ->ArgNames({"size", "owned", "read_kib"})
    ->Args({64, 0, 64})
    ->Args({64, 1, 64})
    ->Args({64 * 1024, 0, 64})
    ->Args({64 * 1024, 1, 64})
    ->Args({64 * 1024, 1, 256});

// -- encoding -----------------------------------------------------------------

// Encodes messages into an output queue and drains it whenever 64 KiB are
// queued (gather the iovecs, then consume all as one complete write would).
void encode(benchmark::State& state) {
  auto size = static_cast<size_t>(state.range(0));
  auto count = message_count(size);
  message msg{frame::allocate(size)};
  std::memset(msg[0].mutable_data(), 'x', size);
  output_queue out;
  io_slice slices[64];
  size_t wire_bytes = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < count; ++i) {
      frame_encoder::encode_message(out, msg);
      if (out.size() >= chunk_size) {
        auto n = out.gather(slices, 64);
        benchmark::DoNotOptimize(slices[n - 1].data);
        wire_bytes += out.size();
        out.consume(out.size());
      }
    }
  }
  wire_bytes += out.size();
  state.SetItemsProcessed(static_cast<int64_t>(count) * state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(wire_bytes));
}

BENCHMARK(encode)->ArgName("size")->Arg(64)->Arg(64 * 1024);

// -- session ------------------------------------------------------------------

// The opening of a DEALER peer: greeting and READY.
std::vector<uint8_t> dealer_opening() {
  auto g = greeting{}.encode();
  std::vector<uint8_t> out(g.begin(), g.end());
  metadata props;
  props.set("Socket-Type", "DEALER");
  props.set("Identity", "");
  std::vector<uint8_t> body{5, 'R', 'E', 'A', 'D', 'Y'};
  props.encode_to(body);
  uint8_t header[frame_encoder::max_header_size];
  auto len =
      frame_encoder::write_header(header, frame_flags::command, body.size());
  out.insert(out.end(), header, header + len);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A ROUTER session past its handshake, fed 64 KiB chunks of single-frame
// messages (owned chunks when range(1) is 1) and polled after each chunk.
void session_feed(benchmark::State& state) {
  auto size = static_cast<size_t>(state.range(0));
  auto owned = state.range(1) != 0;
  auto count = message_count(size);
  auto bytes = encoded_stream(size, count);
  auto whole = frame::copy_of(byte_span{bytes.data(), bytes.size()});
  session_config cfg;
  cfg.type = socket_type::router;
  session sess{cfg};
  timestamp now{0};
  sess.start(now);
  auto opening = dealer_opening();
  sess.feed(byte_span{opening.data(), opening.size()}, now);
  auto ev = sess.poll();
  if (!ev || !std::holds_alternative<events::handshake_done>(*ev)) {
    state.SkipWithError("handshake failed");
    return;
  }
  sess.output().clear();
  size_t messages = 0;
  for (auto _ : state) {
    for (size_t off = 0; off < bytes.size(); off += chunk_size) {
      auto n = std::min(chunk_size, bytes.size() - off);
      if (owned)
        sess.feed(whole.slice(off, n), now);
      else
        sess.feed(byte_span{bytes.data() + off, n}, now);
      while (auto e = sess.poll()) {
        auto* msg = std::get_if<events::message_received>(&*e);
        if (msg == nullptr) {
          state.SkipWithError("unexpected session event");
          return;
        }
        benchmark::DoNotOptimize(msg->msg.data());
        ++messages;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) *
                          state.iterations());
}

BENCHMARK(session_feed)
    ->ArgNames({"size", "owned"})
    ->Args({64, 0})
    ->Args({64, 1});

} // namespace

BENCHMARK_MAIN();
