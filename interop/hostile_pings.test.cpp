// Attack (b): 60 MiB of PING commands after a valid handshake, each PING
// carrying its number as context; the attacker reads nothing while it
// floods. At most one PONG may be pending per connection: a PING that comes
// while a PONG is unwritten only replaces the context of the one held back
// (as libzmq does), and a connection stops reading while its unwritten
// output exceeds a bound: RSS +<= 8 MiB. A PING flood is legal, so the
// connection is held (docs/hostile-peers.md). When the attacker finally
// reads, the one-pending-PONG rule shows: PONGs in increasing order of
// context, far fewer of them than PINGs, the last one answering the last
// PING; a PING after that gets its own PONG on the same connection.

#define CAF_SUITE hostile.pings

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

// A PING whose 4-byte context is `n` (big endian).
std::string numbered_ping(uint32_t n) {
  std::string ctx(4, '\0');
  for (int i = 0; i < 4; ++i)
    ctx[static_cast<size_t>(i)] = static_cast<char>((n >> (24 - 8 * i)) & 0xFF);
  return ping(ctx);
}

// Decodes the PONGs the target sent, from a buffered stream of frames.
class pong_reader {
public:
  explicit pong_reader(connection& c) : c_(c) {
    // nop
  }

  // Reads until a PONG with context `last` came (true) or nothing arrived
  // for `quiet` (false); counts PONGs and checks their order.
  bool until(uint32_t last, std::chrono::milliseconds quiet) {
    for (;;) {
      while (auto ctx = next_pong()) {
        if (pongs > 0 && *ctx <= last_context)
          ordered = false;
        ++pongs;
        last_context = *ctx;
        if (*ctx == last)
          return true;
      }
      bool ok = false;
      auto chunk = c_.read(1, quiet, ok);
      if (!ok)
        return false;
      buf_ += chunk;
      char more[65536];
      auto got = ::recv(c_.fd(), more, sizeof(more), MSG_DONTWAIT);
      if (got > 0)
        buf_.append(more, static_cast<size_t>(got));
    }
  }

  uint64_t pongs = 0;
  uint32_t last_context = 0;
  bool ordered = true;
  bool failed = false; // a frame we cannot parse

private:
  // The context of the next complete PONG in the buffer (other frames are
  // skipped); nullopt if the buffer holds no complete frame.
  std::optional<uint32_t> next_pong() {
    for (;;) {
      if (buf_.size() - pos_ < 2) {
        compact();
        return std::nullopt;
      }
      auto flags = static_cast<uint8_t>(buf_[pos_]);
      if ((flags & 0x02) != 0) { // long frames: only the READY may be one
        failed = true;
        return std::nullopt;
      }
      size_t size = static_cast<uint8_t>(buf_[pos_ + 1]);
      if (buf_.size() - pos_ < 2 + size) {
        compact();
        return std::nullopt;
      }
      auto body = buf_.substr(pos_ + 2, size);
      pos_ += 2 + size;
      if ((flags & 0x04) != 0 && body.size() == 9
          && body.compare(0, 5, "\x04PONG") == 0) {
        uint32_t n = 0;
        for (size_t i = 5; i < 9; ++i)
          n = (n << 8) | static_cast<uint8_t>(body[i]);
        return n;
      }
    }
  }

  void compact() {
    buf_.erase(0, pos_);
    pos_ = 0;
  }

  connection& c_;
  std::string buf_;
  size_t pos_ = 0;
};

struct attack_result {
  outcome out = outcome::ok;
  uint64_t sent = 0;
  uint32_t pings = 0;       // PINGs written (numbered 0 .. pings - 1)
  bool greeted = false;     // the target's greeting and READY arrived
  bool answered = false;    // the PONG of the last PING arrived
  uint64_t pongs = 0;       // PONGs up to that one
  bool ordered = false;     // their contexts increased strictly
  uint32_t last_context = 0;
  bool parse_failed = false;
  bool held_after = false;  // a later PING got its own PONG
  connection conn;          // still open: the test checks it is up
};

attack_result flood(const std::string& endpoint) {
  attack_result r;
  auto c = connection::connect_to(endpoint);
  if (!c.valid())
    return r;
  r.out = c.write(handshake());
  // Numbered PINGs from one 64 KiB buffer, refilled between writes.
  std::string chunk;
  auto per_chunk = (64 * 1024) / numbered_ping(0).size();
  uint64_t total = 60 * mib;
  while (r.out == outcome::ok && c.sent() < total) {
    chunk.clear();
    for (size_t i = 0; i < per_chunk; ++i)
      chunk += numbered_ping(r.pings + static_cast<uint32_t>(i));
    r.out = c.write(chunk);
    if (r.out == outcome::ok)
      r.pings += static_cast<uint32_t>(per_chunk);
  }
  r.sent = c.sent();
  // Hold the connection (still not reading) while the target digests what
  // the kernel buffered.
  std::this_thread::sleep_for(1500ms);
  if (r.out != outcome::ok || r.pings == 0)
    return r;
  r.greeted = c.read_greeting_and_ready(5000ms);
  pong_reader rd{c};
  r.answered = r.greeted && rd.until(r.pings - 1, 5000ms);
  r.pongs = rd.pongs;
  r.ordered = rd.ordered;
  r.last_context = rd.last_context; // pings - 1 when answered
  r.parse_failed = rd.failed;
  if (r.answered && c.write(numbered_ping(r.pings)) == outcome::ok)
    r.held_after = rd.until(r.pings, 5000ms);
  r.conn = std::move(c);
  return r;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_pings_tests, fixture)

CAF_TEST(unread PONGs do not pile up) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during([e = endpoint] { return flood(e); }, tally);
  CAF_MESSAGE("attacker wrote " << res.sent << " bytes, " << res.pings
                                << " PINGs, " << to_string(res.out) << "; read "
                                << res.pongs << " PONGs, the last with context "
                                << res.last_context);
  CAF_MESSAGE("failures:\n" << failures->lines());
  // Held: the whole flood went in (no drop, no stall), the connection
  // answered afterwards and is still up next to the canary.
  CAF_CHECK(res.out == outcome::ok);
  CAF_CHECK_GREATER_OR_EQUAL(res.sent, 60 * mib);
  CAF_CHECK(res.greeted);
  CAF_CHECK(res.answered);
  CAF_CHECK(res.held_after);
  CAF_CHECK_EQUAL(status(base), 2u);
  CAF_CHECK(!res.conn.closed_now());
  CAF_CHECK_EQUAL(failures->total(), 0u);
  // The one-pending-PONG rule: every PONG answers a later PING than the one
  // before it, the last PING is answered (the held-back PONG carries the
  // newest context: `answered`), and most PINGs were folded into a pending PONG: at
  // most one PONG per read of the target (64 KiB, ~5000 PINGs) plus what
  // the kernel buffers hold; one PONG per PING would be ~4.8 million.
  CAF_CHECK(!res.parse_failed);
  CAF_CHECK(res.ordered);
  CAF_CHECK_GREATER(res.pongs, 0u);
  CAF_CHECK_LESS(res.pongs, res.pings / 4);
  check_bounds("60 MiB of PINGs, PONGs unread", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
