#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/encoded_messages.hpp"
#include "monocoque/zmtp/error.hpp"
#include "monocoque/zmtp/event.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/heartbeat.hpp"
#include "monocoque/zmtp/lazy_queue.hpp"
#include "monocoque/zmtp/mechanism.hpp"
#include "monocoque/zmtp/output_queue.hpp"
#include "monocoque/zmtp/session_config.hpp"
#include "monocoque/zmtp/time.hpp"

#include <memory>
#include <optional>

namespace monocoque::zmtp {

/// States of a session; `docs/protocol.md` has the transition table.
enum class session_state : uint8_t {
  /// Created, `start` not called yet.
  idle,
  /// Our greeting is queued; waiting for the peer's greeting.
  greeting,
  /// Greetings exchanged; the mechanism's commands are being exchanged.
  handshake,
  /// Handshake done; messages flow both ways.
  ready,
  /// Failed; terminal. The output may still hold an ERROR for the peer.
  failed,
};

/// Returns the lowercase name of `x`.
const char* to_string(session_state x) noexcept;

/// One ZMTP 3.x or 2.0 connection, sans I/O: feed it received bytes and the
/// current time; poll it for events; write out what `output()` holds and
/// report with `written` how far the transport got (PONGs wait for it); ask
/// it for its next deadline and call `advance_time` then. It never reads a
/// clock, never touches a socket and never throws on peer input.
///
/// The greeting goes out in two steps (as libzmq does): signature and
/// revision at `start`, the rest once the peer's revision byte arrived, in
/// the form that revision needs (the 3.x rest, or the 2.0 socket type and
/// identity frame).
class session {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Creates a session for `cfg` with the mechanism `cfg.security` names.
  explicit session(session_config cfg);

  /// Creates a session for `cfg` with a custom mechanism.
  session(session_config cfg, std::unique_ptr<mechanism> mech);

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // -- properties -------------------------------------------------------------

  /// Returns the current state.
  session_state state() const noexcept {
    return state_;
  }

  /// Returns whether messages may be sent.
  bool ready() const noexcept {
    return state_ == session_state::ready;
  }

  /// Returns the peer's details (valid once ready).
  const peer_info& peer() const noexcept {
    return peer_;
  }

  /// Returns the failure (valid once failed).
  const failure& error() const noexcept {
    return error_;
  }

  /// Returns the configuration.
  const session_config& config() const noexcept {
    return cfg_;
  }

  /// Returns the bytes waiting for the transport.
  output_queue& output() noexcept {
    return out_;
  }

  // -- lifecycle --------------------------------------------------------------

  /// Queues the first 11 bytes of our greeting (signature, revision) and
  /// arms the handshake timeout.
  void start(timestamp now);

  /// Fails the session locally with `code` and `detail` (e.g. the transport
  /// closed). Queues nothing. No-op when already failed.
  void abort(peer_error code, std::string detail);

  // -- input ------------------------------------------------------------------

  /// Processes received bytes; frames are copied out of `input`.
  void feed(byte_span input, timestamp now);

  /// Processes received bytes held in a reference-counted chunk; frames that
  /// lie wholly inside it share its block instead of being copied.
  void feed(const frame& chunk, timestamp now);

  /// Returns the next event, if any.
  std::optional<event> poll();

  /// Returns whether events are waiting.
  bool has_events() const noexcept {
    return !events_.empty();
  }

  // -- authentication ---------------------------------------------------------

  /// Returns whether the mechanism holds the peer's credentials and waits
  /// for `authenticated` (a PLAIN server after a valid HELLO). Nothing is
  /// sent to the peer meanwhile; the handshake timeout keeps running.
  bool awaiting_auth() const noexcept {
    return state_ == session_state::handshake && mech_->awaiting_auth();
  }

  /// Returns the credentials to check, once per handshake: poll it after
  /// `feed` like `poll` (nullopt when there are none, or they were taken).
  /// The caller owns the password from here on (wiped when dropped).
  std::optional<auth_request> take_auth_request() {
    if (state_ != session_state::handshake)
      return std::nullopt;
    return mech_->take_auth_request();
  }

  /// Feeds the verdict on the credentials. On success the handshake goes on
  /// and `reply.user_id` / `reply.properties` become `user_id()` and
  /// `auth_properties()`; otherwise the session fails with `auth_failed` (an
  /// ERROR "400"/"500" queued for the peer, nothing for 300). Returns
  /// `no_pending_auth` (changing nothing) unless `awaiting_auth()`, `closed`
  /// after a failure.
  [[nodiscard]] local_error authenticated(auth_reply reply, timestamp now);

  /// Returns the user id our authenticator gave the peer (empty without
  /// one). A property the peer sent, e.g. its own "User-Id" in INITIATE,
  /// never ends up here.
  const std::string& user_id() const noexcept {
    return user_id_;
  }

  /// Returns the properties our authenticator attached to the peer.
  const metadata& auth_properties() const noexcept {
    return auth_properties_;
  }

  // -- output -----------------------------------------------------------------

  /// Queues a message. Fails with `not_ready` before the handshake, `closed`
  /// after a failure, `empty_message` for zero frames.
  [[nodiscard]] local_error send(const message& msg);

  /// Returns whether `send_encoded` may be used: a ready session whose
  /// mechanism sends frames in clear (NULL, PLAIN; not CURVE).
  bool takes_encoded() const noexcept;

  /// Queues messages encoded once for many sessions (`frame_encoder::
  /// encode_all`), as if each was passed to `send`, without copying their
  /// bytes. Fails like `send`, and with `not_ready` unless `takes_encoded`.
  [[nodiscard]] local_error send_encoded(const encoded_messages& msgs);

  /// Queues a subscription to `topic` (SUB/XSUB only): a SUBSCRIBE command
  /// for ZMTP 3.1 peers, a message `\x01topic` for ZMTP 3.0 peers.
  [[nodiscard]] local_error subscribe(const frame& topic);

  /// Queues a cancellation of `topic` (CANCEL, or `\x00topic` for 3.0).
  [[nodiscard]] local_error cancel(const frame& topic);

  /// Tells the session that the transport wrote `total_bytes_written` bytes
  /// of its output stream so far (every byte ever taken from `output()`,
  /// greeting included). A PONG held back by `awaiting_write` goes out once
  /// the previous one is written.
  void written(uint64_t total_bytes_written);

  /// Returns whether an emitted PONG is not written yet: the transport must
  /// then report its progress with `written`. While it is true, a PING only
  /// replaces the context of the one PONG held back (as libzmq keeps one
  /// pending PONG), so a PING flood never grows the output.
  bool awaiting_write() const noexcept {
    return pong_end_ > written_;
  }

  /// Returns whether a PONG is held back until the previous one is written.
  bool pong_pending() const noexcept {
    return pong_pending_;
  }

  // -- time -------------------------------------------------------------------

  /// Returns when `advance_time` must be called next, if ever.
  std::optional<timestamp> next_deadline() const noexcept;

  /// Fires the timers due at `now`: queues PINGs, fails on timeouts.
  void advance_time(timestamp now);

private:
  void input(byte_span bytes, const frame* owner, timestamp now);
  void send_greeting_rest();
  void on_greeting();
  void on_zmtp20_greeting();
  void on_zmtp20_identity(decoded_frame&& frm, timestamp now);
  void queue_pong(byte_span context);
  void emit_pong(byte_span context);
  void pump_mechanism();
  void on_frame(decoded_frame&& frm, timestamp now);
  void on_handshake_command(const frame& body, timestamp now);
  void on_command(byte_span body, timestamp now);
  void on_message_frame(decoded_frame&& frm);
  void finish_handshake(timestamp now);
  void become_ready(timestamp now);
  void fail(peer_error code, std::string detail, bool tell_peer = false);
  void fail(failure reason, bool tell_peer);
  void on_mechanism_failure(failure reason);
  static void wipe_if_unshared(const frame& body) noexcept;
  static std::unique_ptr<mechanism> make_mechanism(const session_config& cfg,
                                                   metadata local);
  local_error send_subscription(bool subscribe, const frame& topic);
  // Output and input through the mechanism's per-frame wrapping (CURVE's
  // MESSAGE) once ready, plain framing otherwise: see session_wrap.cpp.
  void send_command(std::string_view name, byte_span data);
  void send_frame(const frame& body, bool more);
  bool unwrap(decoded_frame& frm);
  peer_error decoder_failure_code() const noexcept;
  void update_decoder_limit() noexcept;

  session_config cfg_;
  std::unique_ptr<mechanism> mech_;
  session_state state_ = session_state::idle;
  greeting_reader greeting_;
  frame_decoder decoder_;
  heartbeat heartbeat_;
  output_queue out_;
  lazy_queue<event> events_;
  message partial_;
  uint64_t partial_cost_ = 0;   // bodies + overheads of `partial_`
  uint64_t handshake_cost_ = 0; // bodies + overheads of handshake commands
  bool greeting_rest_sent_ = false;
  bool zmtp20_ = false;         // the peer speaks ZMTP 2.0
  uint64_t written_ = 0;        // output bytes the transport wrote
  uint64_t pong_end_ = 0;       // output offset after the last PONG
  bool pong_pending_ = false;   // a PONG waits for the previous one
  uint8_t pong_context_[16]{};
  size_t pong_context_size_ = 0;
  std::optional<timestamp> handshake_deadline_;
  peer_info peer_;
  failure error_;
  std::string user_id_;      // from our authenticator only
  metadata auth_properties_; // from our authenticator only
};

} // namespace monocoque::zmtp
