#pragma once

// What makes a socket type on the hub engine: a small `socket_policy`
// (load-balance, fair-queue, route-by-id, exclusive, REQ/REP envelopes),
// the way libzmq composes `lb`, `fq` and `dist` into its socket classes.
// Hooks see the engine only through `engine_view` (what they may read) and
// `policy_context` (what they may do): peers come as `const peer&`, and
// changes to the engine are requests it applies after the hook.

#include "caf/monocoque/internal/peer.hpp"
#include "caf/monocoque/message_types.hpp"

#include "monocoque/zmtp/socket_type.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque::detail {

class engine_view;
class policy_context;

/// Where a routed message goes (ROUTER, REP), or what became of it
/// (PUB: `sent`, the policy handed it to every matching peer itself).
struct route {
  /// What to do with the message.
  enum kind_t { to_peer, drop, wait, fail, sent } kind = drop;
  /// The destination with `to_peer`; with `drop`, the full peer (if any).
  const peer* dst = nullptr;
  /// The error, with `fail`.
  error err;
};

/// What becomes of a message a peer sent (`socket_policy::on_arrival`).
enum class arrival {
  /// It goes to the application.
  deliver,
  /// It is read and dropped (its credit returns).
  discard,
  /// It is dropped and the peer is refused (closed at once and counted).
  refuse,
};

/// Returns `arrival::deliver` if `yes`, else `arrival::discard`.
constexpr arrival deliver_if(bool yes) noexcept {
  return yes ? arrival::deliver : arrival::discard;
}

/// What makes a socket type: hooks the engine calls at each step.
/// Defaults describe a DEALER.
class socket_policy {
public:
  virtual ~socket_policy();

  // -- traits -----------------------------------------------------------------

  /// The ZMTP socket type announced in the handshake.
  virtual ::monocoque::zmtp::socket_type type() const noexcept = 0;

  /// Whether the application may send.
  virtual bool sends() const noexcept;

  /// Whether the application may receive.
  virtual bool receives() const noexcept;

  /// Whether sends are load-balanced over the peers (DEALER, PUSH, REQ,
  /// PAIR) through the engine's queue; otherwise `pick` places each one.
  virtual bool load_balances() const noexcept;

  /// Whether a `send` may carry a batch (false for REQ and REP, whose
  /// state machines take one message at a time).
  virtual bool batches() const noexcept;

  // -- peers ------------------------------------------------------------------

  /// `p` finished its handshake; returning false refuses it (the engine
  /// closes it and counts it).
  virtual bool admit(policy_context& ctx, const peer& p);

  /// An admitted peer is gone (died, replaced or refused later).
  virtual void on_gone(policy_context& ctx, const peer& p);

  // -- send side --------------------------------------------------------------

  /// Checks and completes an outgoing message before it is queued (REQ:
  /// state and envelope). An error goes back to the sender.
  virtual error prepare(policy_context& ctx, multipart& msg);

  /// Picks the destination of an outgoing message (routing types).
  virtual route pick(policy_context& ctx, multipart& msg);

  /// A load-balanced message went to `p` (REQ remembers who answers).
  virtual void on_dispatched(const engine_view& eng, const peer& p);

  // -- receive side -----------------------------------------------------------

  /// Whether `recv` fits the state now: none, or the error to answer
  /// (REQ with no request out, REP owing a reply).
  virtual error can_recv() const;

  /// Whether a message may be taken for the application now.
  virtual bool can_take() const;

  /// A message of `p` arrived: whether it goes to the application (SUB:
  /// filtered by subscriptions; PUB/XPUB: subscriptions update the index).
  virtual arrival on_arrival(const engine_view& eng, const peer& p,
                             multipart& msg);

  /// A message of `p` is taken for the application: transform it, or
  /// return false to drop it (REQ: a stray reply). `handed` is how many
  /// messages the engine had handed to p's connection before p decoded it.
  virtual bool on_take(const engine_view& eng, const peer& p, uint64_t handed,
                       multipart& msg);

  // -- subscriptions ----------------------------------------------------------

  /// `(subscribe_to_atom, prefix)` (`subscribe` true) or
  /// `(unsubscribe_from_atom, prefix)`: SUB only; others answer an error.
  virtual error subscribe(policy_context& ctx, bool subscribe,
                          std::string prefix);

  /// Returns the number of distinct prefixes `p` subscribed to (PUB/XPUB).
  virtual uint64_t subscriptions_of(const engine_view& eng,
                                    const peer& p) const;
};

} // namespace caf::monocoque::detail
