#pragma once

// Shared by the lifecycle suites: one socket with one acknowledged message
// that is not delivered yet, ended in one of three ways (close, last handle
// dropped, actor-system shutdown) with a peer that is up, refused,
// unresolvable or gone mid-stream, and linger -1, 0 or finite. The rule
// under test (docs/api.md, "Close, linger and shutdown"): all three ways
// give the unsent messages the same linger; then they are dropped, counted
// and logged. Every wait is bounded; `~actor_system` runs under a watchdog.

#include "interop_fixture.hpp"
#include "watchdog.hpp"

#include <atomic>
#include <caf/monocoque/internal/log.hpp>
#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <spdlog/sinks/base_sink.h>
#include <thread>

namespace lifecycle {

using namespace interop;
using strings = std::vector<std::string>;

// -- log capture --------------------------------------------------------------

/// Records the lines of the "monocoque.actors" logger (and forwards
/// warnings to stderr): the lifecycle promises are log lines.
class log_sink : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Returns the number of lines so far (a mark for `find`).
  size_t size() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return lines_.size();
  }

  /// Returns the first line after `mark` that contains every part of
  /// `parts`, or "".
  std::string find(size_t mark, const strings& parts) const {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto i = mark; i < lines_.size(); ++i) {
      bool all = true;
      for (auto& x : parts)
        all = all && lines_[i].find(x) != std::string::npos;
      if (all)
        return lines_[i];
    }
    return {};
  }

  /// Waits (at most `limit`) for a line as `find` names it.
  std::string await(size_t mark, const strings& parts,
                    caf::timespan limit = timeout) const {
    std::string result;
    client::await(
        [&] {
          result = find(mark, parts);
          return !result.empty();
        },
        limit);
    return result;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text{msg.payload.data(), msg.payload.size()};
    if (msg.level >= spdlog::level::warn)
      std::cerr << "[monocoque.actors] " << text << '\n';
    // spdlog holds its own `mutex_` here, not ours: `find` and `size` read
    // `lines_` under `mtx_` from the test's thread while actors log.
    std::lock_guard<std::mutex> guard{mtx_};
    lines_.push_back(std::move(text));
  }

  void flush_() override {
    // nop
  }

private:
  mutable std::mutex mtx_;
  std::vector<std::string> lines_;
};

/// Replaces the sinks of "monocoque.actors" with a `log_sink` at level info
/// (once, before the first actor system of the process).
inline std::shared_ptr<log_sink> actors_log() {
  static auto sink = std::make_shared<log_sink>();
  static bool installed = [] {
    auto* lg = caf::monocoque::detail::log::actors();
    lg->sinks().clear();
    lg->sinks().push_back(sink);
    lg->set_level(spdlog::level::info);
    return true;
  }();
  static_cast<void>(installed);
  return sink;
}

/// Returns the actor id in a line "... DEALER socket #12 (for ...": the
/// successor that lingers for a socket whose last handle went.
inline caf::actor_id successor_id(const std::string& line) {
  std::smatch m;
  static const std::regex re{"DEALER socket #([0-9]+) \\(for"};
  if (!std::regex_search(line, m, re))
    return 0;
  return static_cast<caf::actor_id>(std::stoull(m[1].str()));
}

// -- scenarios ----------------------------------------------------------------

/// The peer the socket talks to.
enum class peer_kind {
  /// A libzmq ROUTER that is up.
  up,
  /// Nobody listens (connection refused); a ROUTER comes when linger -1
  /// promises delivery.
  refused,
  /// The host name does not resolve.
  unresolvable,
  /// A libzmq ROUTER that took one message and went away; it comes back
  /// when linger -1 promises delivery.
  gone
};

/// How the socket ends.
enum class ending { close, drop, shutdown };

/// The endpoint that never resolves (RFC 6761: .invalid).
constexpr const char* unresolvable_ep = "tcp://no-such-host.invalid:5611";

/// The finite linger of the matrix.
constexpr auto finite_linger = std::chrono::milliseconds{300};

/// Runs one cell of the matrix.
inline void run(peer_kind peer, ending how, caf::timespan linger) {
  auto log = actors_log();
  auto mark = log->size();
  zmq::context_t ctx;
  auto holder = std::make_unique<system_holder>();
  auto& sys = holder->sys;
  auto cl = std::make_unique<client>(sys);
  auto opts = cl->defaults();
  opts.linger = linger;
  opts.identity = "lc";
  opts.reconnect_ivl = std::chrono::milliseconds{20};
  opts.reconnect_ivl_max = std::chrono::milliseconds{100};
  std::optional<zmq::socket_t> router;
  std::string ep;
  switch (peer) {
  case peer_kind::up:
  case peer_kind::gone:
    router = zsock(ctx, zmq::socket_type::router);
    ep = zbind(*router);
    break;
  case peer_kind::refused:
    ep = free_endpoint();
    break;
  case peer_kind::unresolvable:
    ep = unresolvable_ep;
    break;
  }
  CAF_REQUIRE(!ep.empty());
  auto d = cl->dealer(opts);
  cl->self->monitor(d);
  cl->connect(d, ep);
  if (router) {
    CAF_REQUIRE(cl->await_status(d, 1));
    cl->send(d, mp({"first"}));
    CAF_REQUIRE_EQUAL(zrecv(*router), (strings{"lc", "first"}));
  }
  if (peer == peer_kind::gone) {
    router.reset(); // linger 0: the connection goes at once
    CAF_REQUIRE(cl->await_status(d, 0));
  }
  // The message under test: acknowledged, not delivered yet.
  cl->send(d, mp({"last"}));
  bool no_peer = peer != peer_kind::up;
  bool forever = linger.count() < 0 && no_peer;
  bool comes_back = peer == peer_kind::refused || peer == peer_kind::gone;
  // Brings a ROUTER up at `ep` and returns what it receives first.
  auto serve = [&ctx, &ep]() -> strings {
    auto r = zrebind(ctx, zmq::socket_type::router, ep);
    return zrecv_for(r, std::chrono::seconds{10});
  };
  std::string drop_line;   // the log line that counts the dropped message
  std::string linger_line; // the log line that names what holds linger
  strings delivered;       // what a peer got after the ending began
  bool peer_checked = false;
  switch (how) {
  case ending::close: {
    if (!forever) {
      CAF_CHECK(cl->close(d, std::chrono::seconds{10}));
      break;
    }
    cl->self->send(d, mq::close_atom::value);
    // linger -1 promises delivery: the close waits, and the log says why.
    linger_line = log->await(mark, {"close waits for 1 unsent", ep});
    CAF_CHECK(!linger_line.empty());
    bool answered = false;
    cl->self->receive([&](caf::ok_atom) { answered = true; },
                      [&](caf::error&) { answered = true; },
                      caf::after(std::chrono::milliseconds{200}) >> [] {});
    CAF_CHECK(!answered);
    if (comes_back) {
      delivered = serve();
      peer_checked = true;
      bool ok = false;
      cl->self->receive(
          [&](caf::ok_atom) { ok = true; },
          [&](caf::error& err) { CAF_MESSAGE("close: " << sys.render(err)); },
          caf::after(std::chrono::seconds{10}) >> [] {});
      CAF_CHECK(ok);
    } else {
      // Nothing can ever deliver it: the user ends the socket the CAF
      // way. The close then fails (the socket went without finishing).
      caf::anon_send_exit(d, caf::exit_reason::kill);
      bool failed = false;
      cl->self->receive([&](caf::ok_atom) {},
                        [&](caf::error&) { failed = true; },
                        caf::after(std::chrono::seconds{10}) >> [] {});
      CAF_CHECK(failed);
    }
    break;
  }
  case ending::drop:
  case ending::shutdown: {
    d = nullptr; // the last handle
    if (how == ending::drop) {
      bool down = false;
      cl->self->receive([&](caf::down_msg&) { down = true; },
                        caf::after(std::chrono::seconds{10}) >> [] {});
      CAF_CHECK(down);
    }
    if (!forever)
      break;
    linger_line = log->await(mark, {"lingers for 1 unsent", ep});
    CAF_CHECK(!linger_line.empty());
    if (comes_back) {
      if (how == ending::drop) {
        delivered = serve();
        peer_checked = true;
      }
      // With `shutdown`, the peer comes while ~actor_system waits.
    } else {
      // Nothing can ever deliver it, and the actor system would wait
      // forever (as libzmq's zmq_ctx_term does): the log names the
      // socket that holds it, and the user ends that one.
      auto id = successor_id(linger_line);
      CAF_REQUIRE(id != 0);
      auto hdl = sys.registry().get(id);
      CAF_REQUIRE(hdl != nullptr);
      caf::anon_send_exit(hdl, caf::exit_reason::kill);
    }
    break;
  }
  }
  // Destroy the system (on this thread, see `watchdog`); with `shutdown`
  // and a peer that comes back, it comes while ~actor_system waits.
  std::future<strings> late;
  if (how == ending::shutdown && forever && comes_back)
    late = std::async(std::launch::async, serve);
  d = nullptr;
  cl.reset();
  {
    watchdog guard{"~actor_system (lifecycle)", std::chrono::seconds{20}};
    holder.reset();
  }
  if (late.valid()) {
    delivered = late.get();
    peer_checked = true;
  }
  // What linger promised.
  if (peer == peer_kind::up && linger.count() != 0) {
    delivered = zrecv_for(*router, std::chrono::seconds{5});
    peer_checked = true;
  }
  if (peer_checked)
    CAF_CHECK_EQUAL(delivered, (strings{"lc", "last"}));
  // What it did not: the loss is counted and said.
  if (no_peer && linger.count() >= 0) {
    drop_line = log->await(mark, {"dropped 1 unsent message(s)", ep});
    CAF_CHECK(!drop_line.empty());
    if (linger.count() > 0)
      CAF_CHECK(!log->find(mark, {"waits for 1 unsent", ep}).empty() ||
                !log->find(mark, {"lingers for 1 unsent", ep}).empty());
  }
}

} // namespace lifecycle
