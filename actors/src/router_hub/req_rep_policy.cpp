// REQ and REP (RFC 28): the two state machines on top of the engine. REQ
// load-balances one request at a time and takes the reply only from the
// peer that got it; REP fair-queues requests and routes each reply back
// with the request's envelope.
#include "caf/monocoque/rep_actor.hpp"
#include "caf/monocoque/req_actor.hpp"

#include "caf/monocoque/internal/hub_engine.hpp"
#include "caf/monocoque/internal/policy_context.hpp"

#include <cstring>
#include <random>

namespace caf::monocoque {

namespace {

using detail::engine_view;
using detail::peer;
using detail::peer_ref;
using detail::policy_context;
using detail::route;

error wrong_state(const char* what) {
  return make_error(errc::wrong_state, what);
}

class req_policy : public detail::socket_policy {
public:
  req_policy() : request_id_(std::random_device{}()) {
    // nop
  }

  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::req;
  }

  bool batches() const noexcept override {
    return false;
  }

  error prepare(policy_context& ctx, multipart& msg) override {
    auto& opts = ctx.opts();
    if (waiting_ && !opts.req_relaxed)
      return wrong_state("REQ: send before the reply of the last request");
    // A new request: whatever arrived before it is stale (libzmq drops it
    // too), and replies to older requests are stray from now on.
    ctx.discard_received();
    waiting_ = true;
    reply_from_ = peer_ref{};
    msg.insert(msg.begin(), frame{});
    if (opts.req_correlate) {
      ++request_id_;
      std::string id(sizeof(request_id_), '\0');
      std::memcpy(id.data(), &request_id_, sizeof(request_id_));
      msg.insert(msg.begin(), frame::from_string(id));
    }
    return none;
  }

  void on_dispatched(const engine_view& eng, const peer& p) override {
    reply_from_ = eng.ref(p);
    reply_after_ = p.msgs_out + 1; // the request is the next one handed out
  }

  error can_recv() const override {
    if (!waiting_)
      return wrong_state("REQ: recv without a request");
    return none;
  }

  bool can_take() const override {
    return waiting_;
  }

  bool on_take(const engine_view& eng, const peer& p, uint64_t handed,
               multipart& msg) override {
    if (!(eng.ref(p) == reply_from_))
      return false; // not from the peer that has the request
    if (handed < reply_after_)
      return false; // decoded before the peer could see the request
    auto i = msg.begin();
    if (eng.opts().req_correlate) {
      if (i == msg.end() || i->size() != sizeof(request_id_)
          || std::memcmp(i->data(), &request_id_, sizeof(request_id_)) != 0)
        return false; // a reply to an older request
      ++i;
    }
    if (i == msg.end() || i->size() != 0)
      return false; // no delimiter: not a reply
    msg.erase(msg.begin(), i + 1);
    waiting_ = false;
    return true;
  }

private:
  bool waiting_ = false;
  peer_ref reply_from_;
  uint64_t reply_after_ = 0;
  uint32_t request_id_;
};

class rep_policy : public detail::socket_policy {
public:
  ::monocoque::zmtp::socket_type type() const noexcept override {
    return ::monocoque::zmtp::socket_type::rep;
  }

  bool load_balances() const noexcept override {
    return false;
  }

  bool batches() const noexcept override {
    return false;
  }

  error prepare(policy_context&, multipart& msg) override {
    if (!owing_)
      return wrong_state("REP: send without a request");
    msg.insert(msg.begin(), envelope_.begin(), envelope_.end());
    owing_ = false;
    return none;
  }

  route pick(policy_context& ctx, multipart&) override {
    auto* p = ctx.find(requester_);
    if (p == nullptr || !p->alive() || !p->up)
      return {route::drop, nullptr, {}}; // the requester has gone
    if (!ctx.has_room(*p))
      return {route::drop, p, {}};
    return {route::to_peer, p, {}};
  }

  error can_recv() const override {
    if (owing_)
      return wrong_state("REP: recv before replying to the last request");
    return none;
  }

  bool can_take() const override {
    return !owing_;
  }

  bool on_take(const engine_view& eng, const peer& p, uint64_t,
               multipart& msg) override {
    // The envelope is every frame up to and including the empty delimiter.
    auto i = std::find_if(msg.begin(), msg.end(),
                          [](const frame& x) { return x.size() == 0; });
    if (i == msg.end())
      return false; // malformed: no delimiter, as libzmq drops it
    envelope_.assign(msg.begin(), i + 1);
    msg.erase(msg.begin(), i + 1);
    requester_ = eng.ref(p);
    owing_ = true;
    return true;
  }

private:
  bool owing_ = false;
  peer_ref requester_;
  multipart envelope_;
};

} // namespace

req_actor spawn_req(actor_system& sys) {
  return spawn_req(sys, detail::default_socket_options(sys));
}

req_actor spawn_req(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<req_policy>(),
                           std::move(opts));
}

rep_actor spawn_rep(actor_system& sys) {
  return spawn_rep(sys, detail::default_socket_options(sys));
}

rep_actor spawn_rep(actor_system& sys, socket_options opts) {
  return detail::spawn_router_hub(sys, std::make_unique<rep_policy>(),
                           std::move(opts));
}

} // namespace caf::monocoque
