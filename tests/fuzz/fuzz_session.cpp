// Fuzz target for `session`: one whole connection, driven like a transport.
//
// Input layout: [b0][seed][b2][b3][peer bytes...]
//   b0 bits 0-3: our socket type (mod 11); 11-15 select PAIR, PUB, SUB, REQ,
//             REP speaking PLAIN (b2 bit 3 then picks the role: server)
//                                            b0 bit 4: we announce ZMTP 3.1
//   b0 bit 5: prepend a valid libzmq-like greeting + READY from a compatible
//             peer, so that the fuzzer starts in the `ready` state
//   b0 bit 6: feed owned chunks (zero-copy path)   b0 bit 7: that peer is 3.1
//   seed bit 7: that peer speaks ZMTP 2.0 (greeting with revision 1 and its
//               socket type, identity frame)
//   seed bit 6: we announce revision 1 (act as a ZMTP 2.0 peer); the valid
//               prefix is then always the 2.0 one, as libzmq answers it
//   b2 bits 0-1: max_message_size   bit 2: identities   bit 3: other peer type
//   b2 bits 4-5: handshake timeout  bits 6-7: copy threshold
//   b3 bits 0-1: heartbeat interval bits 2-3: heartbeat TTL
//   b3 bits 4-5: heartbeat timeout  bits 6-7: largest chunk
//   seed: chunk sizes and, between chunks, local actions (send, subscribe,
//         cancel, advance_time with small steps / to the deadline / big jumps,
//         partial and full writes of the output)
//
// PLAIN: the valid prefix is a PLAIN peer's (greeting, then WELCOME + READY
// for our client; HELLO with the known credentials for our server, and its
// INITIATE only after our verdict). Credentials that reach our server are
// answered at once: the known ones with 200, others with a verdict the seed
// picks (or none, leaving the handshake timeout to end it). Only then may a
// WELCOME go out; the user id is the one our verdict gave.
//
// Invariants: events come in a legal order (handshake_done first and once,
// messages and subscriptions only after it, nothing after `failed`); the
// state and the events agree; local calls return what their state demands;
// a failed session never queues more output; after advance_time(now) the
// next deadline lies in the future; a ready session with heartbeats has a
// deadline; the valid prefix always completes the handshake; our output is
// always a well-formed ZMTP stream (greeting, then frames whose commands
// parse, READY first with our Socket-Type; for ZMTP 2.0 our socket type,
// identity frame, then message frames only); and the output stays below
// 1 MiB + 64 bytes per input byte, beyond what we sent ourselves. Messages
// respect max_message_size with `frame_cost_overhead` per extra frame. The
// transport reports writes with `written`: PONGs emitted never exceed one
// plus the number of reports (later PINGs only refresh the pending one).
#include "fuzz_session_model.hpp"
#include "fuzz_check.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace monocoque::fuzz::session_model;

class driver {
public:
  driver(const session_config& cfg, size_t input_size)
      : cfg_(cfg), session_(cfg), checker_(cfg, session_),
        input_size_(input_size) {
    // nop
  }

  session& sess() { return session_; }

  bool handshake_seen() const noexcept { return handshake_seen_; }

  bool failed_seen() const noexcept { return failed_seen_; }

  const failure& failure_seen() const noexcept { return failure_; }

  const peer_info& peer() const noexcept { return peer_; }

  // Runs `f` and accounts for the output it queued.
  template <class F> void call(F&& f, bool local_send = false) {
    auto before = session_.output().size();
    auto was_failed = session_.state() == session_state::failed;
    f();
    auto after = session_.output().size();
    FUZZ_CHECK(after >= before);
    // A failed session is silent.
    if (was_failed)
      FUZZ_CHECK(after == before);
    if (local_send)
      sent_ += after - before;
    else
      generated_ += after - before;
    FUZZ_CHECK(generated_ < (size_t{1} << 20) + 64 * input_size_);
    // A PONG is held back only while the previous one is unwritten.
    if (session_.pong_pending())
      FUZZ_CHECK(session_.awaiting_write());
    drain_events();
  }

  void drain_events() {
    while (auto ev = session_.poll()) {
      FUZZ_CHECK(!failed_seen_); // nothing after `failed`
      if (auto* done = std::get_if<events::handshake_done>(&*ev)) {
        FUZZ_CHECK(!handshake_seen_);
        if (is_plain(cfg_) && cfg_.security.as_server)
          FUZZ_CHECK(granted_);
        FUZZ_CHECK(compatible(cfg_.type, done->peer.type));
        FUZZ_CHECK(done->peer.minor <= cfg_.minor_version);
        FUZZ_CHECK(done->peer.revision == 1 || done->peer.revision == 3);
        if (done->peer.revision == 1)
          FUZZ_CHECK(done->peer.properties.empty()
                     && done->peer.minor == 0);
        handshake_seen_ = true;
        peer_ = done->peer;
      } else if (auto* msg = std::get_if<events::message_received>(&*ev)) {
        FUZZ_CHECK(handshake_seen_);
        FUZZ_CHECK(!msg->msg.empty());
        FUZZ_CHECK(payload_size(msg->msg) <= cfg_.max_message_size);
        FUZZ_CHECK(payload_size(msg->msg)
                     + (msg->msg.size() - 1) * frame_cost_overhead
                   <= cfg_.max_message_size);
        received_.push_back(std::move(msg->msg));
      } else if (auto* sub = std::get_if<events::subscription>(&*ev)) {
        FUZZ_CHECK(handshake_seen_);
        FUZZ_CHECK(accepts_subscriptions(cfg_.type));
        topics_.push_back(sub->topic);
      } else {
        auto& failed = std::get<events::failed>(*ev);
        FUZZ_CHECK(failed.reason.code != peer_error::none);
        FUZZ_CHECK(session_.state() == session_state::failed);
        FUZZ_CHECK(session_.error().code == failed.reason.code);
        failed_seen_ = true;
        failure_ = failed.reason;
      }
    }
    FUZZ_CHECK(!session_.has_events());
    FUZZ_CHECK(failed_seen_ == (session_.state() == session_state::failed));
    if (session_.ready())
      FUZZ_CHECK(handshake_seen_);
  }

  // Simulates a write of `n` bytes: checks the slices, hands the bytes to the
  // output checker, then consumes them.
  void write(size_t n) {
    auto& out = session_.output();
    std::vector<io_slice> slices(out.slice_count() + 1);
    auto count = out.gather(slices.data(), slices.size());
    FUZZ_CHECK(count == out.slice_count());
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
      FUZZ_CHECK(slices[i].size > 0);
      total += slices[i].size;
    }
    FUZZ_CHECK(total == out.size());
    n = std::min(n, total);
    auto left = n;
    for (size_t i = 0; i < count && left > 0; ++i) {
      auto k = std::min(left, slices[i].size);
      checker_.feed(byte_span{slices[i].data, k});
      left -= k;
    }
    out.consume(n);
    FUZZ_CHECK(out.size() == total - n);
    // Report the progress as a transport does; a PONG held back may follow.
    written_ += n;
    ++reports_;
    call([&] { session_.written(written_); });
    // Each report releases at most one PONG; one more may precede them all.
    FUZZ_CHECK(checker_.pongs() <= reports_ + 1);
  }

  // Answers credentials our PLAIN server hands out: the known ones with 200
  // at once, others with a verdict `rng` picks, or not at all.
  void answer_auth(prng& rng, timestamp now) {
    if (!session_.awaiting_auth()) {
      FUZZ_CHECK(!session_.take_auth_request().has_value());
      return;
    }
    if (!request_) {
      request_ = session_.take_auth_request();
      FUZZ_CHECK(request_.has_value());
      FUZZ_CHECK(request_->mechanism == "PLAIN");
      FUZZ_CHECK(request_->username.size() <= 255);
      FUZZ_CHECK(request_->password.size() <= 255);
      FUZZ_CHECK(!session_.take_auth_request().has_value());
    }
    auto known = request_->username == plain_user
                 && request_->password.matches(byte_span{plain_password});
    constexpr auth_status verdicts[] = {
      auth_status::success, auth_status::temporary_failure,
      auth_status::failure, auth_status::internal_error};
    auto pick = known ? 0 : rng.between(0, 4);
    if (pick == 4)
      return; // no answer (yet)
    auth_reply reply;
    reply.status = verdicts[pick];
    reply.user_id = request_->username;
    if (reply.status == auth_status::success)
      checker_.allow_welcome();
    local_error err = local_error::none;
    call([&] { err = session_.authenticated(reply, now); });
    FUZZ_CHECK(err == local_error::none);
    FUZZ_CHECK(!session_.awaiting_auth());
    if (reply.status == auth_status::success) {
      granted_ = true;
      FUZZ_CHECK(session_.user_id() == request_->username);
    } else {
      FUZZ_CHECK(failed_seen_ && failure_.code == peer_error::auth_failed);
      FUZZ_CHECK(failure_.auth_status
                 == static_cast<uint16_t>(reply.status));
    }
    request_.reset();
    call([&] { err = session_.authenticated(reply, now); });
    FUZZ_CHECK(err != local_error::none);
  }

  void send_something(prng& rng, byte_span pool) {
    message msg;
    auto parts = rng.between(0, 3);
    for (uint64_t i = 0; i < parts; ++i) {
      size_t len = 0;
      switch (rng.between(0, 3)) {
      case 0:
        len = 0;
        break;
      case 1:
      case 2:
        len = rng.between(1, 64);
        break;
      default:
        len = 2000; // above the default copy threshold
      }
      auto part = frame::allocate(len);
      auto* dst = part.mutable_data();
      // Whole-block copies: a byte loop here would dominate the run time.
      if (pool.empty() && len > 0)
        std::memset(dst, 'x', len);
      for (size_t j = 0; !pool.empty() && j < len; j += pool.size())
        std::memcpy(dst + j, pool.data(), std::min(pool.size(), len - j));
      msg.push_back(std::move(part));
    }
    auto state = session_.state();
    local_error err = local_error::none;
    call([&] { err = session_.send(msg); }, true);
    if (state == session_state::failed)
      FUZZ_CHECK(err == local_error::closed);
    else if (state != session_state::ready)
      FUZZ_CHECK(err == local_error::not_ready);
    else if (msg.empty())
      FUZZ_CHECK(err == local_error::empty_message);
    else
      FUZZ_CHECK(err == local_error::none);
  }

  void subscribe_something(prng& rng, byte_span pool) {
    auto topic = frame::copy_of(pool.first(rng.between(0, 8)));
    auto state = session_.state();
    local_error err = local_error::none;
    if (rng.between(0, 1) == 0)
      call([&] { err = session_.subscribe(topic); }, true);
    else
      call([&] { err = session_.cancel(topic); }, true);
    if (!sends_subscriptions(cfg_.type))
      FUZZ_CHECK(err == local_error::wrong_socket_type);
    else if (state == session_state::failed)
      FUZZ_CHECK(err == local_error::closed);
    else if (state != session_state::ready)
      FUZZ_CHECK(err == local_error::not_ready);
    else
      FUZZ_CHECK(err == local_error::none);
  }

  void advance(timestamp now) {
    call([&] { session_.advance_time(now); });
    if (session_.state() == session_state::failed)
      return;
    auto deadline = session_.next_deadline();
    // Progress: a deadline at or before `now` would spin the caller.
    if (deadline)
      FUZZ_CHECK(*deadline > now);
    check_deadline_armed();
  }

  void check_deadline_armed() {
    auto state = session_.state();
    auto deadline = session_.next_deadline();
    if ((state == session_state::greeting ||
         state == session_state::handshake) &&
        cfg_.handshake_timeout.count() > 0)
      FUZZ_CHECK(deadline.has_value());
    // ZMTP 2.0 has no heartbeats: no deadline once ready.
    if (state == session_state::ready && session_.peer().revision == 1)
      FUZZ_CHECK(!deadline.has_value());
    else if (state == session_state::ready
             && cfg_.heartbeat.interval.count() > 0)
      FUZZ_CHECK(deadline.has_value());
  }

  void finish() {
    // Flush everything: the whole output must be a valid stream (a second
    // write takes a PONG released by the first one's report).
    write(SIZE_MAX);
    write(SIZE_MAX);
    FUZZ_CHECK(session_.output().empty());
    static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
    if (verbose)
      std::fprintf(stderr,
                   "%s: handshake=%d messages=%zu topics=%zu frames_out=%zu "
                   "state=%s failure=%s (%s)\n",
                   std::string{wire_name(cfg_.type)}.c_str(), handshake_seen_,
                   received_.size(), topics_.size(), checker_.frames(),
                   to_string(session_.state()), to_string(failure_.code),
                   failure_.detail.c_str());
    // Received payloads must still be alive (refcounts of zero-copy slices):
    // ASan flags a read of a freed block; its first and last byte suffice.
    size_t sum = 0;
    auto touch = [&sum](const frame& x) {
      if (!x.empty())
        sum += x.data()[0] + x.data()[x.size() - 1];
    };
    for (auto& msg : received_)
      for (auto& part : msg)
        touch(part);
    for (auto& topic : topics_)
      touch(topic);
    FUZZ_CHECK(sum != SIZE_MAX);
    // A local abort fails the session exactly once.
    auto was_failed = failed_seen_;
    call([&] { session_.abort(peer_error::heartbeat_timeout, "closed"); });
    FUZZ_CHECK(failed_seen_);
    if (!was_failed)
      FUZZ_CHECK(failure_.code == peer_error::heartbeat_timeout);
    FUZZ_CHECK(session_.output().empty());
    FUZZ_CHECK(!session_.next_deadline().has_value());
    FUZZ_CHECK(session_.send(make_message({"x"})) == local_error::closed);
    FUZZ_CHECK(!session_.poll().has_value());
  }

private:
  const session_config& cfg_;
  session session_;
  output_checker checker_;
  size_t input_size_;
  size_t generated_ = 0;
  size_t sent_ = 0;
  uint64_t written_ = 0;
  size_t reports_ = 0;
  bool handshake_seen_ = false;
  bool failed_seen_ = false;
  bool granted_ = false;
  std::optional<auth_request> request_;
  failure failure_;
  peer_info peer_;
  std::vector<message> received_;
  std::vector<frame> topics_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4)
    return 0;
  auto b0 = data[0];
  auto b2 = data[2];
  auto b3 = data[3];
  prng rng{data[1]};
  byte_span peer_bytes{data + 4, size - 4};

  session_config cfg;
  auto nibble = static_cast<size_t>(b0 & 0x0F);
  auto type_index = nibble % type_count;
  cfg.type = static_cast<socket_type>(type_index);
  bool plain = nibble >= type_count;
  if (plain)
    cfg.security = (b2 & 0x08) != 0
                     ? security_config::plain_server()
                     : security_config::plain_client(plain_user,
                                                     plain_password);
  cfg.minor_version = (b0 & 0x10) != 0 ? 1 : 0;
  bool with_prefix = (b0 & 0x20) != 0;
  bool owned = (b0 & 0x40) != 0;
  uint8_t prefix_minor = (b0 & 0x80) != 0 ? 1 : 0;
  // ZMTP 2.0 cannot carry PLAIN: a PLAIN session keeps revision 3 and its
  // valid prefix is a 3.x one (2.0 peers still come from the fuzzed bytes).
  if ((data[1] & 0x40) != 0 && !plain)
    cfg.revision = 1;
  bool prefix_v2 = !plain && ((data[1] & 0x80) != 0 || cfg.revision == 1);
  cfg.max_message_size = max_sizes[b2 & 0x03];
  bool identities = (b2 & 0x04) != 0;
  if (identities)
    cfg.identity = "fuzz-identity";
  auto peer_type = peer_types[plain ? 0 : (b2 >> 3) & 0x01][type_index];
  FUZZ_CHECK(compatible(cfg.type, peer_type));
  cfg.handshake_timeout = handshake_timeouts[(b2 >> 4) & 0x03];
  cfg.copy_threshold = copy_thresholds[(b2 >> 6) & 0x03];
  cfg.heartbeat.interval = intervals[b3 & 0x03];
  cfg.heartbeat.ttl = ttls[(b3 >> 2) & 0x03];
  cfg.heartbeat.timeout = timeouts[(b3 >> 4) & 0x03];
  auto max_chunk = chunk_limits[(b3 >> 6) & 0x03];

  std::vector<uint8_t> stream;
  size_t prefix_size = 0;
  size_t hello_end = 0; // a PLAIN prefix waits for our verdict here
  if (with_prefix) {
    stream = prefix_v2 ? peer_prefix_v2(peer_type, identities)
                       : peer_prefix(peer_type, prefix_minor, identities, cfg,
                                     hello_end);
    prefix_size = stream.size();
  }
  stream.insert(stream.end(), peer_bytes.data(),
                peer_bytes.data() + peer_bytes.size());

  driver drv{cfg, size};
  auto& sess = drv.sess();
  timestamp now{static_cast<int64_t>(rng.next() >> 24)}; // < 19 minutes
  drv.call([&] { sess.start(now); });
  FUZZ_CHECK(sess.state() == session_state::greeting);
  // Signature and revision; the rest once the peer's revision is known.
  FUZZ_CHECK(sess.output().size() == greeting::major_offset + 1);
  drv.check_deadline_armed();

  size_t pos = 0;
  bool prefix_checked = false;
  while (pos < stream.size()) {
    auto n = static_cast<size_t>(rng.between(1, max_chunk));
    n = std::min(n, stream.size() - pos);
    if (pos < hello_end)
      n = std::min(n, hello_end - pos);
    if (owned) {
      auto chunk = frame::copy_of(byte_span{stream.data() + pos, n});
      drv.call([&] { sess.feed(chunk, now); });
    } else {
      // A private copy that dies right away: the session must not keep
      // pointers into unowned input.
      std::vector<uint8_t> scratch(stream.begin() + pos,
                                   stream.begin() + pos + n);
      drv.call([&] { sess.feed(byte_span{scratch.data(), n}, now); });
    }
    pos += n;
    drv.answer_auth(rng, now);
    if (with_prefix && !prefix_checked && pos >= prefix_size) {
      prefix_checked = true;
      // A valid opening always completes the handshake, however it was cut,
      // unless time ran out or READY exceeds a tiny max_message_size.
      if (!drv.handshake_seen()) {
        FUZZ_CHECK(drv.failed_seen());
        auto code = drv.failure_seen().code;
        FUZZ_CHECK(code == peer_error::handshake_timeout ||
                   (code == peer_error::message_too_large &&
                    cfg.max_message_size < prefix_size));
      } else {
        FUZZ_CHECK(drv.peer().type == peer_type);
        if (prefix_v2)
          FUZZ_CHECK(drv.peer().revision == 1 && drv.peer().minor == 0);
        else
          FUZZ_CHECK(drv.peer().minor ==
                     std::min(prefix_minor, cfg.minor_version));
        FUZZ_CHECK(
            drv.peer().identity ==
            (identities && sends_identity(peer_type) ? "peer-identity" : ""));
      }
    }
    switch (rng.between(0, 9)) {
    case 0:
    case 1:
      now += duration{rng.between(0, 2'000'000)};
      drv.advance(now);
      break;
    case 2:
      if (auto deadline = sess.next_deadline())
        now = std::max(now, *deadline);
      drv.advance(now);
      break;
    case 3:
      now += duration{rng.between(1'000'000'000, 100'000'000'000)};
      drv.advance(now);
      break;
    case 4:
      drv.send_something(rng, peer_bytes);
      break;
    case 5:
      drv.subscribe_something(rng, peer_bytes);
      break;
    case 6:
      drv.write(rng.between(0, sess.output().size()));
      break;
    case 7:
      drv.write(SIZE_MAX);
      break;
    default:
      break;
    }
  }
  drv.finish();
  return 0;
}
