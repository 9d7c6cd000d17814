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

using namespace monocoque::zmtp;
using monocoque::fuzz::prng;
using namespace std::chrono_literals;

constexpr size_t type_count = 11;

constexpr socket_type peer_types[2][type_count] = {
    {socket_type::pair, socket_type::sub, socket_type::pub, socket_type::rep,
     socket_type::req, socket_type::router, socket_type::dealer,
     socket_type::push, socket_type::pull, socket_type::xsub,
     socket_type::xpub},
    {socket_type::pair, socket_type::xsub, socket_type::xpub,
     socket_type::router, socket_type::dealer, socket_type::dealer,
     socket_type::router, socket_type::push, socket_type::pull,
     socket_type::sub, socket_type::pub},
};

constexpr uint64_t max_sizes[] = {1 << 20, 4096, 255, 1};
constexpr duration handshake_timeouts[] = {0ms, 100ms, 1s, 30s};
constexpr size_t copy_thresholds[] = {1024, 0, 16, 1 << 20};
constexpr duration intervals[] = {0ms, 1ms, 10ms, 1s};
constexpr duration ttls[] = {0ms, 100ms, 1s, 7000s};
constexpr duration timeouts[] = {-1ms, 0ms, 5ms, 1s};
constexpr size_t chunk_limits[] = {1, 16, 300, 65536};

constexpr std::string_view plain_user = "fuzz-user";
constexpr std::string_view plain_password = "fuzz-pass";

bool is_plain(const session_config& cfg) {
  return cfg.security.mechanism == mechanism_kind::plain;
}

void append_command(std::vector<uint8_t>& out, std::string_view name,
                    const std::vector<uint8_t>& data) {
  std::vector<uint8_t> body{static_cast<uint8_t>(name.size())};
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), data.begin(), data.end());
  out.push_back(frame_flags::command);
  out.push_back(static_cast<uint8_t>(body.size())); // always < 256 here
  out.insert(out.end(), body.begin(), body.end());
}

std::vector<uint8_t> plain_hello_data() {
  std::vector<uint8_t> out{static_cast<uint8_t>(plain_user.size())};
  out.insert(out.end(), plain_user.begin(), plain_user.end());
  out.push_back(static_cast<uint8_t>(plain_password.size()));
  out.insert(out.end(), plain_password.begin(), plain_password.end());
  return out;
}

// A libzmq-like peer opening: greeting, then READY with Socket-Type (and
// Identity for the types that send one).
// For PLAIN (`cfg` says which side we are), the PLAIN peer's opening;
// `hello_end` is set to the end of a PLAIN client's HELLO, after which the
// prefix must wait for our verdict.
std::vector<uint8_t> peer_prefix(socket_type peer, uint8_t minor,
                                 bool identity, const session_config& cfg,
                                 size_t& hello_end) {
  greeting hello;
  hello.minor = minor;
  if (is_plain(cfg)) {
    hello.mechanism = "PLAIN";
    hello.as_server = !cfg.security.as_server;
  }
  auto g = hello.encode();
  std::vector<uint8_t> out(g.begin(), g.end());
  metadata props;
  props.set("Socket-Type", wire_name(peer));
  if (sends_identity(peer))
    props.set("Identity", identity ? "peer-identity" : "");
  std::vector<uint8_t> data;
  props.encode_to(data);
  if (!is_plain(cfg)) {
    append_command(out, command_name::ready, data);
  } else if (cfg.security.as_server) {
    append_command(out, command_name::hello, plain_hello_data());
    hello_end = out.size();
    append_command(out, command_name::initiate, data);
  } else {
    append_command(out, command_name::welcome, {});
    append_command(out, command_name::ready, data);
  }
  return out;
}

// A ZMTP 2.0 peer opening: signature, revision 1, socket type, identity.
std::vector<uint8_t> peer_prefix_v2(socket_type peer, bool identity) {
  std::vector<uint8_t> out{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x01};
  out.push_back(zmq_number(peer));
  std::string id = identity && sends_identity(peer) ? "peer-identity" : "";
  out.push_back(0x00);
  out.push_back(static_cast<uint8_t>(id.size()));
  out.insert(out.end(), id.begin(), id.end());
  return out;
}

// Checks that what the session writes is a well-formed ZMTP stream.
class output_checker {
public:
  output_checker(const session_config& cfg, const session& sess)
    : cfg_(cfg), sess_(sess) {
    reader_.allow_zmtp20();
  }

  /// Our PLAIN server may send WELCOME from now on.
  void allow_welcome() noexcept {
    welcome_allowed_ = true;
  }

  void feed(byte_span bytes) {
    if (reader_.state() == greeting_reader::status::incomplete) {
      if (reader_.bytes_read() < 11) {
        bytes.remove_prefix(
          reader_.feed(bytes.first(11 - reader_.bytes_read())));
        FUZZ_CHECK(reader_.state() != greeting_reader::status::failed);
        if (reader_.bytes_read() < 11)
          return;
        FUZZ_CHECK(reader_.revision() == (cfg_.revision == 1 ? 1 : 3));
      }
      if (bytes.empty())
        return;
      if (!decided_) {
        // Our rest follows the revision the session settled on before it
        // wrote its first byte.
        decided_ = true;
        v2_ = sess_.peer().revision == 1;
        if (v2_) {
          reader_.expect_zmtp20();
          decoder_.zmtp20(true);
        }
      }
      bytes.remove_prefix(reader_.feed(bytes));
      FUZZ_CHECK(reader_.state() != greeting_reader::status::failed);
      if (reader_.state() == greeting_reader::status::incomplete)
        return;
      if (v2_) {
        FUZZ_CHECK(reader_.result().socket_type == zmq_number(cfg_.type));
      } else {
        FUZZ_CHECK(reader_.result().minor == cfg_.minor_version);
        FUZZ_CHECK(reader_.result().mechanism
                   == (is_plain(cfg_) ? "PLAIN" : "NULL"));
        FUZZ_CHECK(reader_.result().as_server
                   == (is_plain(cfg_) && cfg_.security.as_server));
      }
    }
    for (;;) {
      auto st = decoder_.next(bytes);
      FUZZ_CHECK(st != frame_decoder::status::failed);
      if (st == frame_decoder::status::need_more)
        return;
      on_frame(decoder_.take());
    }
  }

  size_t frames() const noexcept { return frames_; }

  size_t pongs() const noexcept { return pongs_; }

private:
  void on_frame(decoded_frame frm) {
    ++frames_;
    if (v2_ && !ready_sent_) {
      // ZMTP 2.0: our identity frame, final and short.
      FUZZ_CHECK(!frm.more && !frm.command);
      std::string id = sends_identity(cfg_.type) ? cfg_.identity : "";
      FUZZ_CHECK(frm.body.as_string_view() == id);
      ready_sent_ = true;
      return;
    }
    if (!frm.command) {
      FUZZ_CHECK(ready_sent_);
      in_message_ = frm.more;
      return;
    }
    FUZZ_CHECK(!frm.more);
    FUZZ_CHECK(!in_message_);
    auto cmd = parse_command(frm.body.bytes());
    FUZZ_CHECK(cmd.has_value());
    if (!ready_sent_ && cmd->name != command_name::error) {
      // NULL: our READY first (or an ERROR refusing the peer). PLAIN client:
      // HELLO with our credentials, then INITIATE. PLAIN server: WELCOME
      // (only after a 200 verdict), then READY.
      FUZZ_CHECK(!error_sent_);
      if (is_plain(cfg_) && plain_step_ == 0) {
        plain_step_ = 1;
        if (cfg_.security.as_server) {
          FUZZ_CHECK(cmd->name == command_name::welcome);
          FUZZ_CHECK(cmd->data.empty() && welcome_allowed_);
        } else {
          FUZZ_CHECK(cmd->name == command_name::hello);
          auto expected = plain_hello_data();
          FUZZ_CHECK(cmd->data
                     == byte_span(expected.data(), expected.size()));
        }
        return;
      }
      FUZZ_CHECK(cmd->name
                 == (is_plain(cfg_) && !cfg_.security.as_server
                       ? command_name::initiate
                       : command_name::ready));
      auto props = metadata::decode(cmd->data);
      FUZZ_CHECK(props.has_value());
      auto* type = props->find("Socket-Type");
      FUZZ_CHECK(type != nullptr && *type == wire_name(cfg_.type));
      ready_sent_ = true;
      return;
    }
    FUZZ_CHECK(cmd->name != command_name::ready);
    if (cmd->name == command_name::error) {
      FUZZ_CHECK(parse_error_reason(cmd->data).has_value());
      FUZZ_CHECK(!error_sent_);
      error_sent_ = true;
      return;
    }
    FUZZ_CHECK(!error_sent_);
    FUZZ_CHECK(cmd->name == command_name::ping ||
               cmd->name == command_name::pong ||
               cmd->name == command_name::subscribe ||
               cmd->name == command_name::cancel);
    if (cmd->name == command_name::ping)
      FUZZ_CHECK(cmd->data.size() == 2);
    if (cmd->name == command_name::pong) {
      FUZZ_CHECK(cmd->data.size() <= max_ping_context);
      ++pongs_;
    }
  }

  const session_config& cfg_;
  const session& sess_;
  bool decided_ = false;
  bool v2_ = false;
  size_t pongs_ = 0;
  greeting_reader reader_;
  frame_decoder decoder_;
  size_t frames_ = 0;
  bool ready_sent_ = false;
  bool error_sent_ = false;
  bool in_message_ = false;
  int plain_step_ = 0;
  bool welcome_allowed_ = false;
};

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
