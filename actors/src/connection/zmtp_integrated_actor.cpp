#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"
#include "caf/monocoque/internal/mailbox_idle.hpp"

#include "caf/monocoque/internal/connection_auth.hpp"
#include "caf/monocoque/internal/event_reasons.hpp"

#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/session.hpp"
#include "monocoque/zmtp/socket_type.hpp"
#include "monocoque/zmtp/subscription.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include <deque>
#include <optional>

namespace caf::monocoque {

namespace {

namespace zmtp = ::monocoque::zmtp;
using detail::uring_multiplexer;

// Generation reserved for the linger timer of `close`.
constexpr uint64_t linger_timer = UINT64_MAX;

class zmtp_integrated_actor_impl
  : public detail::ring_actor<zmtp_integrated_actor::base>,
    public direct_upper {
public:
  using super = detail::ring_actor<zmtp_integrated_actor::base>;

  zmtp_integrated_actor_impl(actor_config& cfg, uring_multiplexer* mpx,
                  socket_actor sock, weak_actor_ptr owner,
                  zmtp_integrated_actor_config zcfg)
    : super(cfg, mpx),
      sock_(std::move(sock)),
      owner_(std::move(owner)),
      cfg_(std::move(zcfg)),
      session_(std::move(cfg_.session)),
      subscriber_(zmtp::sends_subscriptions(session_.config().type)) {
    // The session got the configuration, credentials included (and drops
    // them once used): no copy of a secret key or password stays in `cfg_`
    // for the connection's lifetime.
    cfg_.session.security = {};
  }

  const char* name() const override {
    return "monocoque.zmtp_integrated_actor";
  }

  behavior_type make_behavior() override {
    set_down_handler([this](down_msg& dm) { on_down(dm); });
    monitor(sock_);
    // Reads reach us without a mailbox trip when we run on the socket's
    // ring thread (always, unless a test drives us elsewhere).
    if (mpx().on_ring_thread())
      attach_upper(sock_, this);
    if (auto owner = actor_cast<actor>(owner_)) {
      monitor(owner);
      owner_addr_ = owner.address();
    }
    else
      close(timespan{0}); // the owner is already gone
    session_.start(now());
    send(sock_, read_atom::value, true);
    reading_ = true;
    after_activity();
    return {
      [this](send_atom, multipart& msg) {
        ++handed_;
        encode(msg);
        after_activity();
      },
      [this](send_atom, std::vector<multipart>& msgs) {
        handed_ += msgs.size();
        for (auto& msg : msgs)
          encode(msg);
        after_activity();
      },
      [this](send_atom, shared_batch& burst, std::vector<uint32_t>& picks) {
        handed_ += picks.size();
        if (!encode_shared(*burst, picks))
          for (auto i : picks)
            if (i < burst->size())
              encode((*burst)[i]);
        after_activity();
      },
      [this](credit_atom, uint64_t n) {
        credited_ += n;
        feed_held();
        update_reading();
      },
      [this](close_atom, timespan linger) { close(linger); },
      [this](data_atom, frame& chunk) {
        // A read already under way when reading paused: its bytes wait
        // undecoded until credit returns, so the owner holds at most RCVHWM
        // plus one read of undelivered messages.
        if (!held_.empty() || paused()) {
          held_.push_back(std::move(chunk));
          return;
        }
        session_.feed(chunk, now());
        after_activity();
      },
      [this](wrote_atom, uint64_t total) {
        // Asked for once a batch of messages went to the socket (flush), or
        // while a PONG is unwritten. `total` counts every byte handed to the
        // socket, greeting included: the session's output stream offsets.
        session_.written(total);
        uint64_t n = 0;
        while (!msg_ends_.empty() && msg_ends_.front() <= total) {
          msg_ends_.pop_front();
          ++n;
        }
        if (n > 0)
          send_owner(peer_sent_atom::value, cfg_.key, cfg_.epoch, n);
        schedule_flush(); // a PONG held back may be out now
      },
      [this](drain_atom) {
        if (failure_) // the session failed on the direct path
          return fail_now();
        flush_scheduled_ = false;
        flush();
      },
      [this](timer_atom, uint64_t generation) {
        if (generation == linger_timer) {
          // Linger expired: drop what is left, and say so. The socket
          // reports writes in batches, so some of these may be out already:
          // "up to". With linger 0 the application asked for the drop.
          if (!msg_ends_.empty()) {
            auto log = detail::log::actors();
            auto level = linger_.count() > 0 ? spdlog::level::warn
                                             : spdlog::level::debug;
            log->log(level,
                     "connection {} epoch {}: up to {} message(s) not "
                     "confirmed written when the linger ({} ms) expired",
                     cfg_.key, cfg_.epoch, msg_ends_.size(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                       linger_)
                       .count());
          }
          return quit();
        }
        if (generation != timer_gen_)
          return;
        timer_id_ = 0;
        timer_at_.reset();
        session_.advance_time(now());
        after_activity();
      },
    };
  }

  // -- direct_upper ------------------------------------------------------------

  // A read from our SocketActor, offered outside our own turn (see
  // socket_actor.cpp). Taken only in the data phase with nothing else
  // pending: a running, handshaken session, no held reads, room under
  // RCVHWM and an empty mailbox (nothing the read would overtake).
  bool take_bytes(frame& chunk) override {
    // Reads also wait while earlier ones are held or the owner is full.
    if (!direct_ready() || !held_.empty() || paused())
      return false;
    run_direct([&] { session_.feed(chunk, now()); });
    return true;
  }

  // A message from our owner, offered outside our own turn by
  // `send_direct`; taken under the same conditions as a read.
  bool take_send(multipart& msg) {
    if (!direct_ready())
      return false;
    run_direct([&] {
      ++handed_;
      encode(msg);
    });
    return true;
  }

  // Whether a direct call may run our code now: on our ring's thread
  // (tested first: nothing of ours is read from another ring), not inside
  // another direct call, in the data phase of a live session, idle with
  // nothing in our mailbox.
  bool direct_ready() {
    return mpx().on_ring_thread() && !direct_ && !exited_ && !closing_
           && !failure_ && was_up_ && session_.ready()
           && detail::idle_for_direct_call(*this);
  }

  // Runs `input` and its consequences as a direct call.
  template <class F>
  void run_direct(F&& input) {
    direct_ = true;
    input();
    after_activity();
    direct_ = false;
  }

  void on_exit() override {
    exited_ = true;
    if (sock_)
      attach_upper(sock_, nullptr);
    // The owner outlives its connections: a monitor left on it would keep
    // this actor's memory block alive (a weak reference) until it dies.
    if (owner_addr_)
      demonitor(owner_addr_);
    mpx().cancel_timer(timer_id_);
    mpx().cancel_timer(linger_id_);
    sock_ = nullptr;
  }

private:
  zmtp::timestamp now() {
    return std::chrono::duration_cast<zmtp::timestamp>(
      clock().now().time_since_epoch());
  }

  void encode(const multipart& msg) {
    auto err = zmtp::local_error::none;
    auto sub = subscriber_ ? zmtp::as_subscription(msg) : std::nullopt;
    if (sub) {
      // SUBSCRIBE / CANCEL commands for 3.1 peers, messages for 3.0 ones.
      err = sub->subscribe ? session_.subscribe(sub->topic)
                           : session_.cancel(sub->topic);
    } else {
      err = session_.send(msg);
    }
    if (err == zmtp::local_error::none) {
      msg_ends_.push_back(queued_ + session_.output().size());
      ++unflushed_;
    }
  }

  // Queues a whole burst that other connections send too, encoded once for
  // all of them; false if this connection must encode its picks itself
  // (a burst for it alone, a part of one, CURVE, or a SUB/XSUB session).
  bool encode_shared(const shared_burst& burst,
                     const std::vector<uint32_t>& picks) {
    if (subscriber_ || burst.full_takers() < 2 || !burst.is_whole(picks)
        || !session_.takes_encoded())
      return false;
    auto* enc = burst.encoded(session_.output().copy_threshold());
    if (enc == nullptr)
      return false;
    auto base = queued_ + session_.output().size();
    if (session_.send_encoded(*enc) != zmtp::local_error::none)
      return false;
    for (auto end : enc->ends)
      msg_ends_.push_back(base + end);
    unflushed_ += enc->ends.size();
    return true;
  }

  template <class... Ts>
  void send_owner(Ts&&... xs) {
    if (auto ptr = actor_cast<strong_actor_ptr>(owner_))
      ptr->enqueue(ctrl(), make_message_id(),
                   caf::make_message(std::forward<Ts>(xs)...), context());
  }

  // Hands decoded messages to the owner: directly when it runs on our ring
  // and can take them now, else as `peer_msg`.
  void to_owner(std::vector<multipart>& batch) {
    if (cfg_.deliver_direct != nullptr) {
      auto owner = actor_cast<strong_actor_ptr>(owner_);
      if (owner
          && cfg_.deliver_direct(owner, cfg_.owner_impl, &mpx(), cfg_.key,
                                 cfg_.epoch, handed_, batch))
        return;
    }
    send_owner(peer_msg_atom::value, cfg_.key, cfg_.epoch, handed_,
               std::move(batch));
  }

  // Runs after every input: hands events to the owner, output to the
  // socket, and re-arms the timer and the read credit.
  void after_activity() {
    std::vector<multipart> batch; // one owner message per input
    while (auto ev = session_.poll()) {
      if (auto* msg = std::get_if<zmtp::events::message_received>(&*ev)) {
        ++delivered_;
        batch.push_back(std::move(msg->msg));
      } else if (auto* up = std::get_if<zmtp::events::handshake_done>(&*ev)) {
        was_up_ = true;
        auto id = std::make_shared<const peer_identity>(
          detail::make_peer_identity(session_));
        // (No user id in the log: for CURVE it is the client's key.)
        detail::log::zmtp()->debug("peer {} epoch {} up: {} '{}' {}",
                                   cfg_.key, cfg_.epoch,
                                   zmtp::wire_name(up->peer.type),
                                   up->peer.identity, id->mechanism);
        // Where this runs, seen from here (not where it was meant to run).
        auto ring = mpx().on_ring_thread() ? static_cast<int32_t>(mpx().index())
                                           : int32_t{-1};
        send_owner(peer_up_atom::value, cfg_.key, cfg_.epoch,
                   actor_cast<zmtp_integrated_actor>(this), std::move(up->peer),
                   peer_identity_ptr{std::move(id)}, ring);
      } else if (auto* fail = std::get_if<zmtp::events::failed>(&*ev)) {
        detail::log::zmtp()->info("peer {} epoch {} failed: {} ({})",
                                  cfg_.key, cfg_.epoch,
                                  zmtp::to_string(fail->reason.code),
                                  fail->reason.detail);
        failure_ = to_error(fail->reason);
        auth_status_ = fail->reason.auth_status;
      } else if (auto* sub = std::get_if<zmtp::events::subscription>(&*ev)) {
        // To the owner (PUB/XPUB) as the one-frame message `\x01prefix`
        // or `\x00prefix`, in order with the other messages and under the
        // same RCVHWM credit: a subscription flood pauses reading too.
        ++delivered_;
        batch.push_back(zmtp::to_message(*sub));
      }
    }
    if (!batch.empty())
      to_owner(batch);
    if (!failure_ && session_.awaiting_auth())
      if (auto req = session_.take_auth_request())
        return authenticate(std::move(*req));
    if (failure_) {
      if (direct_) {
        // Not our own turn: end in it (the message comes after anything
        // already queued, which finds the session failed).
        send(this, drain_atom::value);
        return;
      }
      return fail_now();
    }
    schedule_flush();
    update_reading();
    arm_timer();
  }

  // The session failed: flush (a pending ERROR command), let the socket
  // write it, then go.
  void fail_now() {
    flush();
    send(sock_, close_atom::value);
    report_handshake_failure(failure_);
    quit(failure_);
  }

  // Asks the authenticator about the peer (or decides without one), then
  // feeds the verdict to the session. The session's handshake timer keeps
  // running meanwhile: an authenticator that never answers fails the
  // handshake; a late answer finds the session failed and changes nothing.
  void authenticate(zmtp::auth_request&& creds) {
    std::string default_id;
    auto req = detail::make_zap_request(std::move(creds), cfg_.zap_domain,
                                        cfg_.address, default_id);
    if (!cfg_.authenticator) {
      on_verdict(detail::default_verdict(req, default_id));
      return;
    }
    // Re-arm the timer and keep reading (the peer may hang up meanwhile).
    schedule_flush();
    update_reading();
    arm_timer();
    request(cfg_.authenticator, infinite, authenticate_atom::value,
            std::move(req))
      .then(
        [this, default_id](zap_reply& reply) {
          on_verdict(detail::to_auth_reply(std::move(reply), default_id));
        },
        [this](error& err) { on_verdict(detail::auth_error_reply(err)); });
  }

  void on_verdict(zmtp::auth_reply reply) {
    if (reply.status != zmtp::auth_status::success)
      detail::log::zmtp()->info("peer {} epoch {}: authentication refused "
                                "({} {})",
                                cfg_.key, cfg_.epoch,
                                zmtp::to_string(reply.status),
                                reply.status_text);
    // `closed` (the session failed meanwhile, e.g. its handshake timed
    // out) and `no_pending_auth` change nothing.
    static_cast<void>(session_.authenticated(std::move(reply), now()));
    after_activity();
  }

  // Tells the socket's event subscribers (if any) why a handshake failed;
  // the owner adds the endpoint and reports `disconnected` on our exit.
  void report_handshake_failure(const error& reason) {
    // `was_up_`, not `session_.ready()`: a session that failed after its
    // handshake (heartbeat timeout, a protocol error in the data phase) is
    // no longer ready, but its failure is a `disconnected`, not a handshake
    // failure (libzmq reports none either).
    if (was_up_ || !detail::any_interest(cfg_.events)
        || detail::is_connect_failure(reason))
      return;
    auto owner = actor_cast<strong_actor_ptr>(owner_);
    if (!owner)
      return;
    socket_event ev;
    ev.type = detail::handshake_failure_kind(reason);
    ev.key = cfg_.key;
    ev.epoch = cfg_.epoch;
    if (ev.type == socket_event_type::handshake_failed_auth) {
      // The status code, and the text our authenticator (or the server's
      // ERROR) gave.
      ev.status = auth_status_;
      auto& ctx = reason.context();
      ev.reason = ctx.match_elements<std::string>()
                    ? ctx.get_as<std::string>(0)
                    : detail::describe_end(reason);
    } else {
      if (ev.type == socket_event_type::handshake_failed_protocol)
        ev.status = detail::protocol_status(reason);
      ev.reason = detail::describe_end(reason);
    }
    ev.error = reason;
    owner->enqueue(ctrl(), make_message_id(),
                   caf::make_message(conn_event_atom::value, std::move(ev)),
                   context());
  }

  // Writes after the messages already in the mailbox were handled: a burst
  // of sends becomes one write.
  void schedule_flush() {
    if (flush_scheduled_ || session_.output().empty())
      return;
    if (detail::mailbox_idle(*this)) {
      flush(); // nothing else waiting: write now
      return;
    }
    flush_scheduled_ = true;
    send(this, drain_atom::value);
  }

  void flush() {
    auto& out = session_.output();
    if (out.empty())
      return;
    queued_ += out.size();
    std::vector<frame> bytes;
    out.drain_to(bytes);
    // Until the first flush after the handshake, let go of the staging
    // block (the drained bytes keep it until written): a connection that
    // never gets past its greeting, or sits idle after the handshake, then
    // holds no staging block. Later ones keep it for the next bursts.
    if (!staging_kept_) {
      out.release_staging();
      staging_kept_ = session_.ready();
    }
    // The owner counts written messages against SNDHWM, in batches of a
    // quarter of it: ask the socket to report once a batch is on its way.
    // The owner's count is then at most a batch - 1 too high, so an owner
    // that reached SNDHWM has more than a batch out and always hears back.
    unasked_ += unflushed_;
    unflushed_ = 0;
    bool report = unasked_ >= std::max<uint64_t>(1, cfg_.sndhwm / 4);
    if (report)
      unasked_ = 0;
    // While a PONG is unwritten, later PINGs only refresh the one held back
    // in the session: ask how far the socket got, so it can go out.
    // Closing: ask too, so that a linger that expires counts honestly.
    report = report || session_.awaiting_write() || closing_;
    if (!write_direct(sock_, bytes, report))
      send(sock_, write_atom::value, std::move(bytes), report);
  }

  // Whether the owner holds RCVHWM or more of our messages it has not
  // taken: reading pauses, and what arrives meanwhile is held undecoded.
  bool paused() const noexcept {
    return delivered_ - credited_ >= cfg_.rcvhwm;
  }

  // Decodes held reads while the owner has room (`all`: regardless, the
  // socket is gone and nothing more will come).
  void feed_held(bool all = false) {
    while (!held_.empty() && !failure_ && (all || !paused())) {
      auto chunk = std::move(held_.front());
      held_.pop_front();
      session_.feed(chunk, now());
      after_activity();
    }
  }

  void update_reading() {
    bool want = !closing_ && !paused();
    if (want != reading_) {
      reading_ = want;
      send(sock_, read_atom::value, want);
    }
  }

  void arm_timer() {
    auto deadline = session_.next_deadline();
    if (!deadline || (timer_at_ && *timer_at_ <= *deadline))
      return;
    timer_at_ = deadline;
    auto delay = *deadline - now();
    if (delay.count() < 0)
      delay = zmtp::duration{0};
    if (timer_id_ != 0)
      mpx().cancel_timer(timer_id_);
    timer_id_ = mpx().add_timer(std::chrono::steady_clock::now() + delay,
                                actor_cast<weak_actor_ptr>(ctrl()),
                                ++timer_gen_);
  }

  void close(timespan linger) {
    if (closing_)
      return;
    closing_ = true;
    linger_ = linger;
    update_reading();
    flush();
    send(sock_, close_atom::value);
    if (linger.count() >= 0)
      linger_id_ = mpx().add_timer(std::chrono::steady_clock::now() + linger,
                                   actor_cast<weak_actor_ptr>(ctrl()),
                                   linger_timer);
  }

  void on_down(const down_msg& dm) {
    if (dm.source == sock_.address()) {
      // The socket flushed and closed after our close, or it failed.
      if (closing_)
        return quit();
      // What it read before it went reaches the owner (which keeps a gone
      // connection's messages until taken), as if it had been decoded at
      // once.
      feed_held(true);
      if (failure_)
        return; // the held bytes failed the session: it quit already
      report_handshake_failure(dm.reason);
      return quit(dm.reason);
    }
    // The owner is gone: flush what it sent us within its linger, then close.
    close(cfg_.linger);
  }

  socket_actor sock_;
  weak_actor_ptr owner_;
  actor_addr owner_addr_;
  zmtp_integrated_actor_config cfg_;
  zmtp::session session_;
  error failure_;
  uint32_t auth_status_ = 0; // the ZAP status of an auth failure
  bool subscriber_; // SUB/XSUB: subscription messages become commands
  bool reading_ = false;
  bool flush_scheduled_ = false;
  bool staging_kept_ = false; // past the first flush after the handshake
  bool closing_ = false;
  bool was_up_ = false; // the session reported handshake_done
  bool exited_ = false;
  bool direct_ = false; // running outside our own turn (take_bytes)
  std::deque<frame> held_; // reads that arrived while paused, undecoded
  uint64_t delivered_ = 0;
  uint64_t handed_ = 0; // messages the owner sent us, ever
  uint64_t credited_ = 0;
  uint64_t queued_ = 0;
  ::monocoque::zmtp::lazy_queue<uint64_t> msg_ends_;
  uint64_t unflushed_ = 0; // messages encoded since the last flush
  uint64_t unasked_ = 0;   // flushed messages no write report was asked for
  std::optional<zmtp::timestamp> timer_at_;
  uint64_t timer_gen_ = 0;
  uint64_t timer_id_ = 0;  // ring timer of the session deadline
  uint64_t linger_id_ = 0; // ring timer of the linger deadline
  timespan linger_{0};      // the linger of `close`
};

} // namespace

bool send_direct(const zmtp_integrated_actor& conn, multipart& msg) {
  // Other implementations of the interface (the inproc pipe) take messages.
  auto* impl = dynamic_cast<zmtp_integrated_actor_impl*>(
    actor_cast<abstract_actor*>(conn));
  return impl != nullptr && impl->take_send(msg);
}

zmtp_integrated_actor spawn_zmtp_integrated_actor(actor_system& sys, uring_multiplexer* mpx,
                            socket_actor sock, weak_actor_ptr owner,
                            zmtp_integrated_actor_config cfg) {
  return detail::spawn_on_ring<zmtp_integrated_actor_impl>(sys, mpx, std::move(sock),
                                                std::move(owner),
                                                std::move(cfg));
}

} // namespace caf::monocoque
