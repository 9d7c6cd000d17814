#pragma once

// Test helpers for the session suites (zmtp_session_handshake, _messages,
// _subscriptions, _heartbeat): two sessions wired back to back in virtual
// time, plus hand-made wire bytes for playing a raw peer. Everything is
// inline and lives in its own namespace, so any suite may include this file.
//
// The wire builders below are written from RFC 23 / RFC 37 directly and do
// not use the encoder under test, so a test compares the session against an
// independent rendering of the protocol.

#include "monocoque/zmtp/event.hpp"
#include "monocoque/zmtp/message.hpp"
#include "monocoque/zmtp/output_queue.hpp"
#include "monocoque/zmtp/session.hpp"
#include "monocoque/zmtp/session_config.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/time.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace monocoque::zmtp::session_test {

using bytes = std::vector<uint8_t>;

// -- chunking -----------------------------------------------------------------

/// How a `session_pair` cuts the bytes it moves from one session to the
/// other: all pending bytes in one `feed` (size 0), or pieces of `size` bytes.
struct chunking {
  /// Bytes per `feed` call; 0 feeds everything pending at once.
  size_t size = 0;
  /// Feed reference-counted chunks (`feed(const frame&)`) instead of spans.
  bool as_frames = false;

  static chunking whole(bool as_frames = false) { return {0, as_frames}; }

  static chunking bytewise(bool as_frames = false) { return {1, as_frames}; }

  static chunking split(size_t n, bool as_frames = false) {
    return {n, as_frames};
  }
};

/// Returns a session configuration for a socket of `type`, else defaults.
inline session_config config(socket_type type) {
  session_config cfg;
  cfg.type = type;
  return cfg;
}

/// Describes `x` for test output, e.g. "split 7 (frames)".
inline std::string to_string(const chunking& x) {
  std::string result = x.size == 0   ? std::string{"whole"}
                       : x.size == 1 ? std::string{"bytewise"}
                                     : "split " + std::to_string(x.size);
  if (x.as_frames)
    result += " (frames)";
  return result;
}

/// Whole, byte by byte and every split size in [2, max_split], each once
/// fed as spans and once as reference-counted chunks.
inline std::vector<chunking> all_chunkings(size_t max_split = 70) {
  std::vector<chunking> result;
  for (bool frames : {false, true}) {
    result.push_back(chunking::whole(frames));
    result.push_back(chunking::bytewise(frames));
    for (size_t n = 2; n <= max_split; ++n)
      result.push_back(chunking::split(n, frames));
  }
  return result;
}

/// Feeds `input` to `s` cut as `how` says.
inline void feed_chunked(session& s, const bytes& input, chunking how,
                         timestamp now) {
  size_t step = how.size == 0 ? input.size() : how.size;
  for (size_t pos = 0; pos < input.size(); pos += step) {
    auto len = std::min(step, input.size() - pos);
    if (how.as_frames) {
      auto chunk = frame::copy_of(byte_span{input.data() + pos, len});
      s.feed(chunk, now);
    } else {
      s.feed(byte_span{input.data() + pos, len}, now);
    }
  }
}

// -- payloads -----------------------------------------------------------------

/// A frame of `size` bytes whose content depends on position and `seed`, so
/// that reordered, dropped or duplicated bytes show up.
inline frame pattern_frame(size_t size, uint8_t seed = 0) {
  auto result = frame::allocate(size);
  for (size_t i = 0; i < size; ++i)
    result.mutable_data()[i] = static_cast<uint8_t>((i * 31 + seed) % 251);
  return result;
}

// -- output draining ----------------------------------------------------------

/// Returns how many bytes the next (emulated) write takes; 0 means no limit.
using write_size_fn = std::function<size_t()>;

/// Drains `out` like a transport doing vectored writes: gather up to 8 slices,
/// "write" at most `write_size()` bytes of them, consume that much, repeat.
/// Returns the bytes in write order.
inline bytes drain(output_queue& out, const write_size_fn& write_size = {}) {
  bytes result;
  while (!out.empty()) {
    io_slice slices[8];
    auto n = out.gather(slices, 8);
    size_t budget = write_size ? std::max<size_t>(write_size(), 1) : 0;
    size_t taken = 0;
    for (size_t i = 0; i < n; ++i) {
      auto len = slices[i].size;
      if (budget != 0)
        len = std::min(len, budget - taken);
      result.insert(result.end(), slices[i].data, slices[i].data + len);
      taken += len;
      if (budget != 0 && taken == budget)
        break;
    }
    if (taken == 0)
      break; // gather returned nothing although bytes are pending: a bug
    out.consume(taken);
  }
  return result;
}

// -- back-to-back wiring ------------------------------------------------------

/// Two sessions connected back to back in virtual time. `run()` shuttles each
/// side's output into the other side's input, cut by `chunks`, until neither
/// side has anything left to write. Everything each side wrote is recorded in
/// `a_sent` / `b_sent` (its greeting first), so tests can inspect the bytes.
/// Events stay in the sessions: tests `poll` them.
struct session_pair {
  session_pair(session_config a_cfg, session_config b_cfg, chunking how = {})
      : a(std::move(a_cfg)), b(std::move(b_cfg)), chunks(how) {
    // nop
  }

  session a;
  session b;
  /// How the bytes are cut on their way.
  chunking chunks;
  /// Emulates partial writes when set (see `drain`).
  write_size_fn write_size;
  /// The current virtual time.
  timestamp now{0};
  /// Everything `a` wrote so far.
  bytes a_sent;
  /// Everything `b` wrote so far.
  bytes b_sent;

  /// Starts both sessions at `now`.
  void start() {
    a.start(now);
    b.start(now);
  }

  /// Moves what `a` wrote so far to `b`; returns the number of bytes.
  size_t flush_a() { return move_bytes(a, b, a_sent); }

  /// Moves what `b` wrote so far to `a`; returns the number of bytes.
  size_t flush_b() { return move_bytes(b, a, b_sent); }

  /// Shuttles bytes both ways until both outputs stay empty.
  void run() {
    while (flush_a() + flush_b() > 0) {
      // repeat: an input may have produced output (READY, PONG, ERROR)
    }
  }

  /// Starts both sessions and runs the handshake; returns whether both
  /// became ready. Leaves the `handshake_done` events in the sessions.
  bool connect() {
    start();
    run();
    return a.ready() && b.ready();
  }

  /// Moves the virtual time forward by `d` and fires both sessions' timers
  /// (no bytes move: call `run` for that).
  void advance(duration d) {
    now += d;
    a.advance_time(now);
    b.advance_time(now);
  }

private:
  size_t move_bytes(session& from, session& to, bytes& transcript) {
    auto data = drain(from.output(), write_size);
    // Everything drained was written: tell the session, as a transport must
    // (a PONG held back goes out now).
    from.written(from.output().total_appended());
    transcript.insert(transcript.end(), data.begin(), data.end());
    feed_chunked(to, data, chunks, now);
    return data.size();
  }
};

// -- events -------------------------------------------------------------------

/// Polls every pending event of `s`.
inline std::vector<event> poll_all(session& s) {
  std::vector<event> result;
  while (auto ev = s.poll())
    result.push_back(std::move(*ev));
  return result;
}

/// Returns the events of type `T` among `xs`, in order.
template <class T> std::vector<T> only(const std::vector<event>& xs) {
  std::vector<T> result;
  for (const auto& x : xs)
    if (auto* ptr = std::get_if<T>(&x))
      result.push_back(*ptr);
  return result;
}

/// Returns the messages among `xs`, in order.
inline std::vector<message> messages_of(const std::vector<event>& xs) {
  std::vector<message> result;
  for (auto& ev : only<events::message_received>(xs))
    result.push_back(std::move(ev.msg));
  return result;
}

/// Returns the code of the single `failed` event in `xs`, `none` if there is
/// none; if there are several, returns `unexpected_command` so that a test
/// expecting one specific code fails (a session reports at most one).
inline peer_error failure_code(const std::vector<event>& xs) {
  auto fails = only<events::failed>(xs);
  if (fails.empty())
    return peer_error::none;
  if (fails.size() > 1)
    return peer_error::unexpected_command;
  return fails.front().reason.code;
}

/// Returns a short description of `ev` for test output.
inline std::string describe(const event& ev) {
  struct visitor {
    std::string operator()(const events::handshake_done& x) const {
      return "handshake_done(" + std::string{wire_name(x.peer.type)} + ")";
    }
    std::string operator()(const events::message_received& x) const {
      return "message(" + std::to_string(x.msg.size()) + " frames)";
    }
    std::string operator()(const events::subscription& x) const {
      return std::string{x.subscribe ? "subscribe(" : "cancel("} +
             x.topic.to_string() + ")";
    }
    std::string operator()(const events::failed& x) const {
      return std::string{"failed("} + to_string(x.reason.code) + ": " +
             x.reason.detail + ")";
    }
  };
  return std::visit(visitor{}, ev);
}

/// Returns whether two messages have the same frames (same sizes and bytes).
inline bool same_message(const message& x, const message& y) {
  return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin());
}

// -- hand-made wire bytes (RFC 23, RFC 37)
// -------------------------------------

/// Returns the characters of `str` as bytes.
inline bytes bytes_of(std::string_view str) {
  return bytes(str.begin(), str.end());
}

/// Concatenates byte strings.
inline bytes concat(std::initializer_list<bytes> parts) {
  bytes result;
  for (const auto& part : parts)
    result.insert(result.end(), part.begin(), part.end());
  return result;
}

/// Returns whether `xs` ends with `suffix`.
inline bool ends_with(const bytes& xs, const bytes& suffix) {
  return xs.size() >= suffix.size() &&
         std::equal(suffix.begin(), suffix.end(),
                    xs.end() - static_cast<ptrdiff_t>(suffix.size()));
}

/// A 64-byte ZMTP 3.x greeting: signature, version, mechanism, as-server.
inline bytes greeting_bytes(uint8_t minor = 1, std::string_view mech = "NULL",
                            uint8_t major = 3, bool as_server = false) {
  bytes result(64, 0);
  result[0] = 0xFF;
  result[9] = 0x7F;
  result[10] = major;
  result[11] = minor;
  std::copy(mech.begin(), mech.end(), result.begin() + 12);
  result[32] = as_server ? 1 : 0;
  return result;
}

/// The first 11 bytes of a 3.x greeting: what a session sends at `start`.
inline bytes greeting_head(uint8_t major = 3) {
  auto full = greeting_bytes(1, "NULL", major);
  return bytes(full.begin(), full.begin() + 11);
}

/// The last 53 bytes of a 3.x greeting: what a session sends once it knows
/// its peer speaks 3.x.
inline bytes greeting_rest(uint8_t minor = 1, std::string_view mech = "NULL") {
  auto full = greeting_bytes(minor, mech);
  return bytes(full.begin() + 11, full.end());
}

/// A frame header: flags, then a 1-byte size or (LONG) an 8-byte size.
inline bytes frame_header(uint8_t flags, uint64_t size) {
  bytes result;
  if (size > 255) {
    result.push_back(static_cast<uint8_t>(flags | 0x02));
    for (int shift = 56; shift >= 0; shift -= 8)
      result.push_back(static_cast<uint8_t>((size >> shift) & 0xFF));
  } else {
    result.push_back(flags);
    result.push_back(static_cast<uint8_t>(size));
  }
  return result;
}

/// A message frame (MORE set if `more`).
inline bytes message_frame(const bytes& body, bool more = false) {
  return concat({frame_header(more ? 0x01 : 0x00, body.size()), body});
}

/// A message frame with the characters of `body`.
inline bytes message_frame(std::string_view body, bool more = false) {
  return message_frame(bytes_of(body), more);
}

/// A command frame: name-size, name, data.
inline bytes command_frame(std::string_view name, const bytes& data = {}) {
  bytes body;
  body.push_back(static_cast<uint8_t>(name.size()));
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), data.begin(), data.end());
  return concat({frame_header(0x04, body.size()), body});
}

/// Metadata: name-size, name, 4-byte big-endian value-size, value.
inline bytes metadata_bytes(
    std::initializer_list<std::pair<std::string_view, std::string_view>>
        props) {
  bytes result;
  for (auto& [name, value] : props) {
    result.push_back(static_cast<uint8_t>(name.size()));
    result.insert(result.end(), name.begin(), name.end());
    auto n = static_cast<uint32_t>(value.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      result.push_back(static_cast<uint8_t>((n >> shift) & 0xFF));
    result.insert(result.end(), value.begin(), value.end());
  }
  return result;
}

/// A READY command announcing `type`.
inline bytes ready_command(socket_type type) {
  return command_frame("READY",
                       metadata_bytes({{"Socket-Type", wire_name(type)}}));
}

/// ERROR data: reason-size, reason.
inline bytes error_data(std::string_view reason) {
  bytes result;
  result.push_back(static_cast<uint8_t>(reason.size()));
  result.insert(result.end(), reason.begin(), reason.end());
  return result;
}

/// The complete ERROR command frame for `reason` (< 250 bytes, so short).
inline bytes error_command(std::string_view reason) {
  return command_frame("ERROR", error_data(reason));
}

/// PING data: 2-byte big-endian TTL in deciseconds, context.
inline bytes ping_data(uint16_t ttl, const bytes& context = {}) {
  return concat(
      {bytes{static_cast<uint8_t>(ttl >> 8), static_cast<uint8_t>(ttl & 0xFF)},
       context});
}

/// Starts `s` (if idle) and plays a raw NULL peer of type `peer` speaking
/// ZMTP 3.`minor`: feeds its greeting and READY. Returns what `s` wrote.
inline bytes raw_handshake(session& s, timestamp now, socket_type peer,
                           uint8_t minor = 1) {
  if (s.state() == session_state::idle)
    s.start(now);
  auto input = concat({greeting_bytes(minor), ready_command(peer)});
  s.feed(byte_span{input.data(), input.size()}, now);
  auto result = drain(s.output());
  s.written(s.output().total_appended());
  return result;
}

/// Drains `s` and reports everything as written (see `session::written`).
inline bytes drain_written(session& s) {
  auto result = drain(s.output());
  s.written(s.output().total_appended());
  return result;
}

/// Feeds `input` to `s` in one piece.
inline void feed_bytes(session& s, const bytes& input, timestamp now) {
  s.feed(byte_span{input.data(), input.size()}, now);
}

/// Splits a byte stream (after the 64-byte greeting) into frames without
/// the decoder under test; stops at an incomplete frame.
struct wire_frame {
  uint8_t flags = 0;
  bytes body;
};

inline std::vector<wire_frame> parse_frames(const bytes& stream,
                                            size_t offset = 64) {
  std::vector<wire_frame> result;
  size_t pos = offset;
  while (pos + 2 <= stream.size()) {
    wire_frame frm;
    frm.flags = stream[pos];
    uint64_t size = 0;
    size_t header = 2;
    if ((frm.flags & 0x02) != 0) {
      header = 9;
      if (pos + header > stream.size())
        break;
      for (size_t i = 1; i < 9; ++i)
        size = (size << 8) | stream[pos + i];
    } else {
      size = stream[pos + 1];
    }
    if (pos + header + size > stream.size())
      break;
    auto first = stream.begin() + static_cast<ptrdiff_t>(pos + header);
    frm.body.assign(first, first + static_cast<ptrdiff_t>(size));
    result.push_back(std::move(frm));
    pos += header + size;
  }
  return result;
}

/// Returns the name of a command frame body ("" if it is not a command).
inline std::string command_name_of(const wire_frame& frm) {
  if ((frm.flags & 0x04) == 0 || frm.body.empty() ||
      frm.body.size() < 1u + frm.body[0])
    return {};
  return std::string(frm.body.begin() + 1, frm.body.begin() + 1 + frm.body[0]);
}

} // namespace monocoque::zmtp::session_test
