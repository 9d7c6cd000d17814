// Fuzz target for CURVE (RFC 26) sessions, with fixed test keys.
//
// Input layout: [b0][peer bytes...]
//   b0 bits 0-1: 0 = our CURVE server fed a client greeting + the bytes;
//                1 = our CURVE client fed a server greeting + the bytes;
//                2 = our client and server complete a handshake in memory,
//                    then the server gets the bytes as if from the client;
//                3 = the same, the client gets the bytes.
//   b0 bits 2-5: chunk size (0: all at once)
//   b0 bit 6:    auth requests are refused (400) instead of accepted (200)
//   b0 bit 7:    we announce ZMTP 3.0 instead of 3.1
//
// Invariants: garbage never authenticates: without the keys no input makes
// a session in modes 0/1 ready, and in modes 2/3 no input yields a message
// or subscription (a forged box never opens); a session reports at most one
// failure and nothing after it; a failed session queues no more output.
#include "fuzz_check.hpp"
#include "monocoque/zmtp/auth_reply.hpp"
#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/output_queue.hpp"
#include "monocoque/zmtp/session.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace monocoque::zmtp;

namespace {

// Fixed secret keys: every run uses the same long-term keys (transient keys
// stay random, as libsodium makes them).
constexpr std::array<uint8_t, 32> server_secret{
  0x8E, 0x0B, 0xDD, 0x69, 0x76, 0x28, 0xB9, 0x1D, 0x8F, 0x24, 0x55,
  0x87, 0xEE, 0x95, 0xC5, 0xB0, 0x4D, 0x48, 0x96, 0x3F, 0x79, 0x25,
  0x98, 0x77, 0xB4, 0x9C, 0xD9, 0x06, 0x3A, 0xEA, 0xD3, 0xB7};
constexpr std::array<uint8_t, 32> client_secret{
  0x7B, 0xB8, 0x64, 0xB4, 0x89, 0xAF, 0xA3, 0x67, 0x1F, 0xBE, 0x69,
  0x10, 0x1F, 0x94, 0xB3, 0x89, 0x72, 0xF2, 0x48, 0x16, 0xDF, 0xB0,
  0x1B, 0x51, 0x65, 0x6B, 0x3F, 0xEC, 0x8D, 0xFD, 0x08, 0x88};

byte_span span(const std::array<uint8_t, 32>& xs) {
  return byte_span{xs.data(), xs.size()};
}

session_config make_config(bool as_server, uint8_t minor) {
  session_config cfg;
  cfg.type = socket_type::dealer;
  cfg.minor_version = minor;
  auto server_public = *curve_public_key_of(span(server_secret));
  if (as_server) {
    cfg.security = security_config::curve_server(server_public,
                                                 span(server_secret));
  } else {
    auto client_public = *curve_public_key_of(span(client_secret));
    cfg.security = security_config::curve_client(server_public, client_public,
                                                 span(client_secret));
  }
  return cfg;
}

std::vector<uint8_t> greeting_of(bool as_server) {
  std::vector<uint8_t> result(64, 0);
  result[0] = 0xFF;
  result[9] = 0x7F;
  result[10] = 3;
  result[11] = 1;
  std::memcpy(result.data() + 12, "CURVE", 5);
  result[32] = as_server ? 1 : 0;
  return result;
}

// Watches one session's events and output.
struct watcher {
  bool failed = false;
  size_t delivered = 0; // messages and subscriptions

  void drain(session& s) {
    while (auto ev = s.poll()) {
      FUZZ_CHECK(!failed); // nothing after `failed`
      if (std::holds_alternative<events::failed>(*ev))
        failed = true;
      else if (std::holds_alternative<events::message_received>(*ev)
               || std::holds_alternative<events::subscription>(*ev))
        ++delivered;
    }
    FUZZ_CHECK(failed == (s.state() == session_state::failed));
  }
};

std::vector<uint8_t> take_output(session& s) {
  std::vector<uint8_t> result;
  auto& out = s.output();
  while (!out.empty()) {
    io_slice slices[16];
    auto n = out.gather(slices, 16);
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      result.insert(result.end(), slices[i].data,
                    slices[i].data + slices[i].size);
      total += slices[i].size;
    }
    out.consume(total);
  }
  s.written(s.output().total_appended());
  return result;
}

void answer_auth(session& s, bool refuse, timestamp now) {
  if (!s.take_auth_request())
    return;
  auth_reply reply;
  reply.status = refuse ? auth_status::failure : auth_status::success;
  static_cast<void>(s.authenticated(std::move(reply), now));
}

void feed(session& s, byte_span bytes, size_t chunk, bool refuse,
          watcher& w, timestamp now) {
  size_t step = chunk == 0 ? bytes.size() : chunk;
  for (size_t pos = 0; pos < bytes.size(); pos += step) {
    auto n = std::min(step, bytes.size() - pos);
    s.feed(bytes.subspan(pos, n), now);
    answer_auth(s, refuse, now);
    w.drain(s);
    take_output(s);
    if (w.failed) {
      // A failed session stays silent whatever else arrives.
      auto before = s.output().total_appended();
      s.feed(bytes.subspan(pos, n), now);
      FUZZ_CHECK(s.output().total_appended() == before);
      return;
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || !curve_crypto_init())
    return 0;
  auto b0 = data[0];
  auto mode = b0 & 0x03;
  size_t chunk = (b0 >> 2) & 0x0F;
  bool refuse = (b0 & 0x40) != 0;
  uint8_t minor = (b0 & 0x80) != 0 ? 0 : 1;
  byte_span input{data + 1, size - 1};
  timestamp now{0};
  if (mode < 2) {
    bool as_server = mode == 0;
    session s{make_config(as_server, minor)};
    watcher w;
    s.start(now);
    auto g = greeting_of(!as_server);
    s.feed(byte_span{g.data(), g.size()}, now);
    w.drain(s);
    take_output(s);
    feed(s, input, chunk, refuse, w, now);
    // Without the keys nobody gets through a CURVE handshake.
    FUZZ_CHECK(!s.ready());
    FUZZ_CHECK(!s.awaiting_auth() || as_server);
    return 0;
  }
  session client{make_config(false, minor)};
  session server{make_config(true, minor)};
  client.start(now);
  server.start(now);
  for (int round = 0; round < 8; ++round) {
    auto to_server = take_output(client);
    auto to_client = take_output(server);
    server.feed(byte_span{to_server.data(), to_server.size()}, now);
    client.feed(byte_span{to_client.data(), to_client.size()}, now);
    answer_auth(server, false, now);
  }
  FUZZ_CHECK(client.ready() && server.ready());
  auto& target = mode == 2 ? server : client;
  watcher w;
  w.drain(target);
  w.delivered = 0;
  feed(target, input, chunk, refuse, w, now);
  // A forged MESSAGE never opens: garbage delivers nothing.
  FUZZ_CHECK(w.delivered == 0);
  return 0;
}
