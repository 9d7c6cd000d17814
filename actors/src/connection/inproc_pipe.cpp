// InprocPipe: the connection between two sockets of one actor system
// (inproc://). See caf/monocoque/internal/inproc_pipe.hpp.
#include "caf/monocoque/internal/inproc_pipe.hpp"

#include "caf/monocoque/detail/ring_actor.hpp"
#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/internal/log.hpp"
#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/peer_identity.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

namespace caf::monocoque {

namespace {

// `Base`: `inproc_pipe_actor::base` on the scheduler, or a `ring_actor` of
// it pinned to the connecting socket's ring.
template <class Base>
class inproc_pipe_impl : public Base {
public:
  using behavior_type = typename Base::behavior_type;

  // On the scheduler.
  inproc_pipe_impl(actor_config& cfg, std::string name, inproc_end connector,
                   inproc_end binder)
    : Base(cfg), name_(std::move(name)) {
    ends_[0].cfg = std::move(connector);
    ends_[1].cfg = std::move(binder);
  }

  // On a ring.
  inproc_pipe_impl(actor_config& cfg, detail::uring_multiplexer* mpx,
                   std::string name, inproc_end connector, inproc_end binder)
    : Base(cfg, mpx), name_(std::move(name)) {
    ends_[0].cfg = std::move(connector);
    ends_[1].cfg = std::move(binder);
  }

  const char* name() const override {
    return "monocoque.inproc_pipe";
  }

  behavior_type make_behavior() override {
    this->set_down_handler([this](down_msg& dm) { on_down(dm); });
    for (auto& e : ends_) {
      if (auto owner = actor_cast<actor>(e.cfg.owner)) {
        this->monitor(owner);
        e.addr = owner.address();
      } else {
        e.gone = true;
      }
    }
    if (ends_[0].gone || ends_[1].gone)
      this->quit(); // a socket went before its pipe ran: no connection
    // The connector checked this against the registry; checked again here,
    // as a handshake would, because the engines assume it.
    else if (!::monocoque::zmtp::compatible(ends_[0].cfg.info.type,
                                            ends_[1].cfg.info.type))
      this->quit(make_error(errc::socket_type_mismatch));
    return {
      [this](send_atom, multipart& msg) {
        if (auto s = sender_end(); s >= 0) {
          ++ends_[s].handed;
          take(s, [&](auto& q) { q.push_back(std::move(msg)); }, 1);
        }
      },
      [this](send_atom, std::vector<multipart>& msgs) {
        if (auto s = sender_end(); s >= 0) {
          ends_[s].handed += msgs.size();
          take(s,
               [&](auto& q) {
                 for (auto& m : msgs)
                   q.push_back(std::move(m));
               },
               msgs.size());
        }
      },
      [this](send_atom, shared_batch& burst, std::vector<uint32_t>& picks) {
        if (auto s = sender_end(); s >= 0) {
          ends_[s].handed += picks.size();
          // A copy of a multipart copies frame handles (refcounts), not
          // payload bytes.
          take(s,
               [&](auto& q) {
                 for (auto i : picks)
                   if (i < burst->size())
                     q.push_back((*burst)[i]);
               },
               picks.size());
        }
      },
      [this](credit_atom, uint64_t n) {
        if (auto s = sender_end(); s >= 0) {
          ends_[s].credited += n;
          pump(s);
        }
      },
      [this](close_atom, timespan linger) {
        if (auto s = sender_end(); s >= 0)
          close_end(s, linger);
      },
      [this](inproc_atom, uint64_t key, uint64_t epoch) {
        if (sender_end() != 1 || attached_)
          return;
        ends_[1].cfg.key = key;
        ends_[1].cfg.epoch = epoch;
        attached_ = true;
        up(0);
        up(1);
        pump(0);
        pump(1);
      },
      [this](timer_atom, uint64_t generation) {
        if (generation == linger_gen_) {
          detail::log::actors()->debug("inproc://{}: linger expired, dropping {} "
                               "undelivered message(s)",
                               name_, ends_[0].held.size()
                                        + ends_[1].held.size());
          this->quit();
        }
      },
      // What a ZmtpIntegratedActor gets from its SocketActor and itself:
      // an inproc pipe has neither.
      [](data_atom, frame&) {},
      [](wrote_atom, uint64_t) {},
      [](drain_atom) {},
    };
  }

  void on_exit() override {
    // The sockets outlive their connections: monitors left on them would
    // keep this actor's memory block alive until they die.
    for (auto& e : ends_)
      if (e.addr)
        this->demonitor(e.addr);
  }

private:
  struct end {
    inproc_end cfg;
    actor_addr addr;
    /// Messages for this end, waiting for its RCVHWM window.
    std::deque<multipart> held;
    /// Messages this end's socket handed to the pipe, ever.
    uint64_t handed = 0;
    /// Messages delivered to this end's socket, and acknowledged by it.
    uint64_t delivered = 0;
    uint64_t credited = 0;
    /// Messages of this end delivered to the other one, not reported yet.
    uint64_t unreported = 0;
    /// Its socket closed the connection (or went): nothing more goes to it.
    bool closed = false;
    bool gone = false;
  };

  // Which end sent the current message (-1: neither).
  int sender_end() {
    auto* src = this->current_sender().get();
    if (src == nullptr)
      return -1;
    for (int i = 0; i < 2; ++i)
      if (ends_[i].addr && src->address() == ends_[i].addr)
        return i;
    return -1;
  }

  template <class Fill>
  void take(int s, Fill fill, size_t n) {
    auto o = 1 - s;
    if (ends_[o].closed || ends_[s].closed) {
      // Nobody reads them any more (as bytes written to a tcp connection
      // whose peer closed): count them written, drop them.
      ends_[s].unreported += n;
      report(s, true);
      return;
    }
    fill(ends_[o].held);
    pump(o);
  }

  // Delivers what waits for end `o` while its window has room, then
  // reports the writer's delivered messages.
  void pump(int o) {
    auto& dst = ends_[o];
    auto s = 1 - o;
    if (!attached_ || dst.closed || dst.held.empty())
      return finish_if_done();
    auto open = dst.delivered - dst.credited;
    if (open >= dst.cfg.rcvhwm)
      return;
    auto n = std::min<uint64_t>(dst.held.size(), dst.cfg.rcvhwm - open);
    std::vector<multipart> batch;
    batch.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      batch.push_back(std::move(dst.held.front()));
      dst.held.pop_front();
    }
    dst.delivered += n;
    send_to(o, peer_msg_atom::value, dst.cfg.key, dst.cfg.epoch, dst.handed,
            std::move(batch));
    ends_[s].unreported += n;
    report(s, ends_[s].closed);
    finish_if_done();
  }

  // Tells end `s` how many of its messages were delivered: in batches of a
  // quarter of its SNDHWM (a socket at SNDHWM has more than a batch here,
  // so it always hears back), or all of them (`all`).
  void report(int s, bool all) {
    auto& e = ends_[s];
    if (e.unreported == 0 || e.gone)
      return;
    if (!all && e.unreported < std::max<uint64_t>(1, e.cfg.sndhwm / 4))
      return;
    send_to(s, peer_sent_atom::value, e.cfg.key, e.cfg.epoch, e.unreported);
    e.unreported = 0;
  }

  void up(int i) {
    auto& e = ends_[i];
    auto& other = ends_[1 - i];
    auto id = std::make_shared<peer_identity>();
    id->mechanism = "NULL";
    send_to(i, peer_up_atom::value, e.cfg.key, e.cfg.epoch,
            actor_cast<zmtp_integrated_actor>(this), other.cfg.info,
            peer_identity_ptr{std::move(id)}, int32_t{-1});
  }

  // End `s` closed the connection (or went): what it sent is delivered
  // within its linger; what waits for it is dropped.
  void close_end(int s, timespan linger) {
    auto& e = ends_[s];
    if (e.closed)
      return;
    e.closed = true;
    // What waited for it is dropped (as bytes written to a tcp connection
    // whose peer closed): its writer hears them written, so its SNDHWM
    // count does not stay full while the pipe lingers.
    ends_[1 - s].unreported += e.held.size();
    e.held.clear();
    report(1 - s, true);
    report(s, true);
    if (!closing_ && linger.count() >= 0 && !ends_[1 - s].held.empty()) {
      closing_ = true;
      this->delayed_send(this, linger, timer_atom::value, linger_gen_);
    }
    finish_if_done();
  }

  // Quits once a closed end's messages were delivered (or the other end
  // closed too).
  void finish_if_done() {
    for (int s = 0; s < 2; ++s) {
      auto o = 1 - s;
      if (ends_[s].closed
          && (ends_[o].closed || !attached_ || ends_[o].held.empty())) {
        this->quit();
        return;
      }
    }
  }

  void on_down(const down_msg& dm) {
    for (int i = 0; i < 2; ++i) {
      auto& e = ends_[i];
      if (e.addr && dm.source == e.addr && !e.gone) {
        e.gone = true;
        close_end(i, e.cfg.linger);
      }
    }
  }

  template <class... Ts>
  void send_to(int i, Ts&&... xs) {
    if (auto ptr = actor_cast<strong_actor_ptr>(ends_[i].cfg.owner))
      ptr->enqueue(this->ctrl(), make_message_id(),
                   caf::make_message(std::forward<Ts>(xs)...), this->context());
  }

  static constexpr uint64_t linger_gen_ = 1;

  std::string name_;
  std::array<end, 2> ends_;
  bool attached_ = false;
  bool closing_ = false;
};

} // namespace

inproc_pipe_actor spawn_inproc_pipe(actor_system& sys, std::string name,
                                    inproc_end connector, inproc_end binder) {
  // On the connecting socket's ring if it runs on one (no thread hop
  // between them; a user actor that blocks a scheduler thread never stalls
  // the pipe), else on the scheduler (sockets spawned with `on_ring =
  // false`, tests under CAF's test coordinator, no backend).
  auto* mod = module::from(sys);
  auto* ring = mod != nullptr ? mod->current_ring() : nullptr;
  if (ring != nullptr)
    return detail::spawn_on_ring<
      inproc_pipe_impl<detail::ring_actor<inproc_pipe_actor::base>>>(
      sys, ring, std::move(name), std::move(connector), std::move(binder));
  return sys.spawn<inproc_pipe_impl<inproc_pipe_actor::base>>(
    std::move(name), std::move(connector), std::move(binder));
}

} // namespace caf::monocoque
