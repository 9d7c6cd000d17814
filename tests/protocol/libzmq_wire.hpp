#pragma once

// Shared by the zmtp_libzmq_* suites (see libzmq_peer.hpp): constants, byte
// helpers, the test clock, the wire bytes captured from libzmq 4.3.4 and our
// own greeting.

#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/session.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp::libzmq_test {

using namespace std::chrono_literals;

// -- constants ----------------------------------------------------------------

/// Upper bound for any single wait in this suite.
inline constexpr auto patience = 3s;

/// Kernel-level timeout on every blocking read and write of a raw socket.
inline constexpr int socket_timeout_ms = 3000;

using bytes = std::vector<uint8_t>;

// -- byte helpers -------------------------------------------------------------

inline std::string hex(byte_span xs) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  for (size_t i = 0; i < xs.size(); ++i) {
    result += digits[xs[i] >> 4];
    result += digits[xs[i] & 0x0F];
  }
  return result;
}

inline std::string hex(const bytes& xs) {
  return hex(byte_span{xs.data(), xs.size()});
}

inline bytes unhex(std::string_view str) {
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  bytes result;
  for (size_t i = 0; i + 1 < str.size(); i += 2)
    result.push_back(static_cast<uint8_t>(nibble(str[i]) << 4) |
                     nibble(str[i + 1]));
  return result;
}

inline byte_span span_of(const bytes& xs) {
  return byte_span{xs.data(), xs.size()};
}

inline bytes concat(std::initializer_list<bytes> parts) {
  bytes result;
  for (const auto& part : parts)
    result.insert(result.end(), part.begin(), part.end());
  return result;
}

/// Returns `n` bytes of a pattern that makes misplaced bytes visible.
inline std::string pattern(size_t n, unsigned seed) {
  std::string result(n, '\0');
  for (size_t i = 0; i < n; ++i)
    result[i] = static_cast<char>((i * 131 + seed + (i >> 12)) & 0xFF);
  return result;
}

using parts = std::vector<std::string>;

inline parts strings_of(const message& msg) {
  parts result;
  for (const auto& f : msg)
    result.push_back(f.to_string());
  return result;
}

inline message message_of(const parts& xs) {
  message result;
  for (const auto& x : xs)
    result.push_back(frame::from_string(x));
  return result;
}

/// Copies (without consuming) everything `out` holds.
inline bytes pending_bytes(const output_queue& out) {
  std::vector<io_slice> slices(out.slice_count() + 1);
  auto n = out.gather(slices.data(), slices.size());
  bytes result;
  for (size_t i = 0; i < n; ++i)
    result.insert(result.end(), slices[i].data,
                  slices[i].data + slices[i].size);
  return result;
}

/// A frame of a captured stream: its flags and its body.
struct wire_frame {
  bool command = false;
  bool more = false;
  std::string body;
};

/// Splits a captured stream (after the 64-byte greeting) into frames.
inline std::vector<wire_frame> frames_after_greeting(const bytes& stream) {
  std::vector<wire_frame> result;
  if (stream.size() <= greeting::size)
    return result;
  frame_decoder dec;
  auto input = span_of(stream).subspan(greeting::size);
  while (dec.next(input) == frame_decoder::status::frame_ready) {
    auto f = dec.take();
    result.push_back(wire_frame{f.command, f.more, f.body.to_string()});
  }
  return result;
}

/// Returns the names of all command frames in a captured stream.
inline std::vector<std::string> command_names(const bytes& stream) {
  std::vector<std::string> result;
  for (const auto& f : frames_after_greeting(stream))
    if (f.command)
      if (auto cmd = parse_command(byte_span{f.body}))
        result.emplace_back(cmd->name);
  return result;
}

inline size_t count(const std::vector<std::string>& xs, std::string_view x) {
  return static_cast<size_t>(std::count(xs.begin(), xs.end(), x));
}

// -- clock --------------------------------------------------------------------

inline timestamp now() {
  return std::chrono::duration_cast<timestamp>(
      std::chrono::steady_clock::now().time_since_epoch());
}

// -- captured wire bytes (libzmq 4.3.4) ---------------------------------------

namespace captured {

// clang-format off

/// Greeting of a DEALER with ZMQ_ROUTING_ID "peer-1": signature (byte 8 =
/// routing-id size + 1), version 3.1, "NULL" padded to 20 bytes, as-server 0,
/// 31 bytes of filler.
inline const bytes dealer_greeting = unhex(
  "ff00000000000000077f" // signature, sent first
  "03"                   // major version, sent after our signature
  "01"                   // minor: this and the rest after our major version
  "4e554c4c00000000000000000000000000000000" // "NULL" + 16 NULs
  "00"                                       // as-server
  "00000000000000000000000000000000000000000000000000000000000000");

/// Signature of a socket without a routing id (byte 8 = 0 + 1).
inline const bytes anonymous_signature = unhex("ff00000000000000017f");

/// READY of that DEALER: Socket-Type DEALER, Identity "peer-1".
inline const bytes dealer_ready = unhex(
  "042f" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "4445414c4552" // Socket-Type DEALER
  "08" "4964656e74697479" "00000006" "706565722d31");     // Identity peer-1

/// READY of a ROUTER without routing id: Identity present but empty.
inline const bytes router_ready = unhex(
  "0429" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000006" "524f55544552" // Socket-Type ROUTER
  "08" "4964656e74697479" "00000000");                    // Identity ""

/// READY of a SUB.
inline const bytes sub_ready = unhex(
  "0419" "05" "5245414459"                                // READY
  "0b" "536f636b65742d54797065" "00000003" "535542");     // Socket-Type SUB

/// SUBSCRIBE "abc" and CANCEL "abc" as a SUB sends them to a ZMTP 3.1 peer.
inline const bytes subscribe_abc = unhex("040d" "09" "535542534352494245" "616263");
inline const bytes cancel_abc = unhex("040a" "06" "43414e43454c" "616263");

/// The same as messages, sent to a ZMTP 3.0 peer.
inline const bytes subscribe_abc_v30 = unhex("0004" "01" "616263");
inline const bytes cancel_abc_v30 = unhex("0004" "00" "616263");

/// PING of a socket with ZMQ_HEARTBEAT_TTL 2000 ms: TTL 20 deciseconds, no
/// context.
inline const bytes ping_ttl_2s = unhex("0407" "04" "50494e47" "0014");

// clang-format on

} // namespace captured

/// Our greeting as a session with `minor` sends it.
inline bytes our_greeting(uint8_t minor = 1) {
  greeting g;
  g.minor = minor;
  auto xs = g.encode();
  return bytes(xs.begin(), xs.end());
}

} // namespace monocoque::zmtp::libzmq_test
