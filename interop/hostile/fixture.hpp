#pragma once

// Fixture of the hostile_* suites: our socket under attack (a ROUTER by
// default; the type, transport and the attackers' greeting come from the
// environment, see target.hpp) bound on a free endpoint, a thread that
// serves it (echoes what a ROUTER, REP or PAIR receives, records what a
// PULL or SUB receives, drains an XPUB's subscriptions), a well-behaved
// libzmq "canary" peer of the matching type, the typed failures our sessions
// log ("peer K epoch E failed: CODE (detail)") and an RSS probe of this
// process. Attackers run on threads of this process (see attacks.hpp: fixed
// small buffers) or in the zmtp-attack tool.

#include "hostile/attacks.hpp"
#include "hostile/rss.hpp"
#include "hostile/target.hpp"
#include "interop_fixture.hpp"

#include <atomic>
#include <caf/monocoque/internal/log.hpp>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <spdlog/sinks/base_sink.h>
#include <thread>

namespace hostile {

// -- typed failures -----------------------------------------------------------

/// Records the failure codes of the "monocoque.zmtp" logger and forwards
/// warnings and errors to stderr.
class failure_sink : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Returns how many failures with `code` (e.g. "message_too_large") were
  /// logged.
  size_t count(const std::string& code) const {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (auto& x : codes_)
      n += x == code ? 1 : 0;
    return n;
  }

  /// Returns all failure lines logged so far, one per line.
  std::string lines() const {
    std::lock_guard<std::mutex> guard{mtx_};
    std::string result;
    for (auto& x : lines_)
      result += x + '\n';
    return result;
  }

  /// Returns the number of failures logged so far.
  size_t total() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return codes_.size();
  }

  /// Waits until `count(code) >= n` or `limit` passes.
  bool await(const std::string& code, size_t n,
             std::chrono::milliseconds limit = 5000ms) const {
    return interop::client::await([&] { return count(code) >= n; }, limit);
  }

  /// Returns how many warnings (any logger the sink is on) contain `needle`.
  size_t warnings_with(const std::string& needle) const {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (auto& x : warnings_)
      n += x.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text{msg.payload.data(), msg.payload.size()};
    if (msg.level >= spdlog::level::warn) {
      std::cerr << "[" << std::string{msg.logger_name.data(),
                                      msg.logger_name.size()}
                << "] " << text << '\n';
      std::lock_guard<std::mutex> guard{mtx_};
      if (warnings_.size() < 10000)
        warnings_.push_back(text);
    }
    auto pos = text.find(" failed: ");
    if (pos == std::string::npos)
      return;
    auto code = text.substr(pos + 9);
    code = code.substr(0, code.find(' '));
    std::lock_guard<std::mutex> guard{mtx_};
    codes_.push_back(std::move(code));
    if (lines_.size() < 20)
      lines_.push_back(std::move(text));
  }

  void flush_() override {
    // nop
  }

private:
  mutable std::mutex mtx_;
  std::vector<std::string> codes_;
  std::vector<std::string> lines_;
  std::vector<std::string> warnings_;
};

/// Replaces the sinks of the "monocoque.zmtp" logger with a `failure_sink`
/// at level info. Call before the actor system starts (the sink vector is
/// not synchronized); later calls return the same sink.
inline std::shared_ptr<failure_sink> failure_log() {
  static auto sink = std::make_shared<failure_sink>();
  static bool installed = [] {
    auto* lg = caf::monocoque::detail::log::zmtp();
    lg->sinks().clear();
    lg->sinks().push_back(sink);
    lg->set_level(spdlog::level::info);
    // The hubs' warnings (e.g. a subscriber dropped for its subscriptions).
    auto* hubs = caf::monocoque::detail::log::actors();
    hubs->sinks().clear();
    hubs->sinks().push_back(sink);
    return true;
  }();
  static_cast<void>(installed);
  return sink;
}

/// Installs the failure sink before `interop::fixture` starts the system.
struct failure_log_holder {
  std::shared_ptr<failure_sink> failures = failure_log();
};

// -- the fixture --------------------------------------------------------------

/// How the canary fared while an attack ran.
struct canary_tally {
  /// Probes sent.
  size_t probes = 0;
  /// Probes not echoed within the limit.
  size_t misses = 0;
  /// Slowest echo (ms).
  int64_t slowest_ms = 0;
};

/// Our socket (a ROUTER unless the environment says otherwise), its
/// server thread, a libzmq canary and probes.
struct fixture : failure_log_holder, interop::fixture {
  /// The canary's bound on an echo.
  static constexpr auto canary_limit = std::chrono::milliseconds{2000};

  /// What is attacked and how (from the environment).
  target_profile target = target_profile::from_env();
  /// Our socket, when it is a ROUTER (the CURVE suites use it directly).
  mq::router_actor router;
  /// Our socket, untyped: `as<Handle>()` types it (several socket types
  /// share one handle type, so no variant).
  caf::actor sock;
  /// Our socket, as the verbs every type has.
  mq::socket_base_actor base;
  std::string endpoint;
  uint16_t port = 0;
  std::optional<zmq::socket_t> canary;
  rss_probe rss;
  std::atomic<bool> stop_echo{false};
  std::thread echo;
  size_t probe_id = 0;
  /// Probes our PULL or SUB received (the canary checks them).
  std::set<std::string> received;
  std::mutex received_mtx;

  fixture() = default;

  ~fixture() {
    stop_echo = true;
    if (echo.joinable())
      echo.join();
    canary.reset();
    if (base)
      close(base);
    if (target.ipc && !endpoint.empty())
      ::unlink(endpoint.substr(6).c_str());
  }

  /// The socket options of the target (the module's defaults).
  mq::socket_options options() { return defaults(); }

  /// Our socket as `Handle` (e.g. `mq::pull_actor`).
  template <class Handle> Handle as() const {
    return caf::actor_cast<Handle>(sock);
  }

  /// Spawns our socket of `target.type` with `opts`.
  void spawn_target(mq::socket_options opts) {
    auto untyped = [](auto h) { return caf::actor_cast<caf::actor>(h); };
    switch (target.type) {
    case target_type::router:
      router = router_socket(std::move(opts));
      sock = untyped(router);
      break;
    case target_type::pub:
      sock = untyped(mq::spawn_pub(sys, std::move(opts)));
      break;
    case target_type::xpub:
      sock = untyped(mq::spawn_xpub(sys, std::move(opts)));
      break;
    case target_type::sub:
      sock = untyped(mq::spawn_sub(sys, std::move(opts)));
      break;
    case target_type::rep:
      sock = untyped(mq::spawn_rep(sys, std::move(opts)));
      break;
    case target_type::pull:
      sock = untyped(mq::spawn_pull(sys, std::move(opts)));
      break;
    default:
      sock = untyped(mq::spawn_pair(sys, std::move(opts)));
    }
    base = as<mq::socket_base_actor>();
  }

  /// The libzmq type of the canary: the counterpart of our socket.
  zmq::socket_type canary_type() const {
    switch (target.type) {
    case target_type::router:
      return zmq::socket_type::dealer;
    case target_type::pub:
    case target_type::xpub:
      return zmq::socket_type::sub;
    case target_type::sub:
      return zmq::socket_type::pub;
    case target_type::rep:
      return zmq::socket_type::req;
    case target_type::pull:
      return zmq::socket_type::push;
    default:
      return zmq::socket_type::pair;
    }
  }

  /// Whether our socket answers a probe (ROUTER, REP, PAIR echo it).
  bool echoes() const {
    return target.type == target_type::router || target.type == target_type::rep
           || target.type == target_type::pair;
  }

  /// Whether the canary receives the probes we send (PUB, XPUB).
  bool we_publish() const {
    return target.type == target_type::pub || target.type == target_type::xpub;
  }

  /// Binds our socket with `opts`, starts its server thread, connects the
  /// canary (after `configure_canary`, e.g. to make it a CURVE client) and
  /// waits for its first probe to get through.
  void start(mq::socket_options opts,
             std::function<void(zmq::socket_t&)> configure_canary = {}) {
    target.apply();
    CAF_MESSAGE("target: " << target.describe());
    spawn_target(std::move(opts));
    endpoint = bind(base, target.bind_endpoint());
    CAF_REQUIRE(!endpoint.empty());
    port = target.ipc ? 0 : interop::port_of(endpoint);
    if (target.type == target_type::sub)
      self->request(as<mq::sub_actor>(), interop::timeout,
                    mq::subscribe_to_atom::value, std::string{})
          .receive([](caf::ok_atom) {},
                   [&](caf::error& err) {
                     CAF_FAIL("subscribe failed: " << sys.render(err));
                   });
    if (target.type != target_type::pub)
      echo = std::thread{[this] { echo_loop(); }};
    canary.emplace(interop::zsock(ctx, canary_type()));
    if (target.type == target_type::rep) {
      // A probe that times out must not wedge the canary.
      canary->set(zmq::sockopt::req_relaxed, 1);
      canary->set(zmq::sockopt::req_correlate, 1);
    }
    if (we_publish())
      canary->set(zmq::sockopt::subscribe, "canary-");
    if (configure_canary)
      configure_canary(*canary);
    canary->connect(endpoint);
    // Publishers drop what no subscription asked for yet: retry the first
    // probe until the subscription (ours or the canary's) went through.
    CAF_REQUIRE(await([&] { return canary_answers(500ms); }, 10s));
  }

  /// Serves our socket until the fixture ends: echoes every message of a
  /// ROUTER (routing id first: it goes back to its sender), REP or PAIR,
  /// records what a PULL or SUB receives, drains an XPUB's subscriptions.
  void echo_loop() {
    interop::client cl{sys};
    auto serve = [&](const auto& h, auto answer) {
      while (!stop_echo) {
        auto msg = cl.try_recv(h, caf::timespan{100ms});
        if (!msg)
          continue;
        if constexpr (decltype(answer)::value) {
          cl.try_send(h, std::move(*msg), caf::timespan{2s});
        } else if (!msg->empty()) {
          std::lock_guard<std::mutex> guard{received_mtx};
          received.insert(msg->back().to_string());
        }
      }
    };
    switch (target.type) {
    case target_type::router:
      return serve(router, std::true_type{});
    case target_type::rep:
      return serve(as<mq::rep_actor>(), std::true_type{});
    case target_type::pair:
      return serve(as<mq::pair_actor>(), std::true_type{});
    case target_type::pull:
      return serve(as<mq::pull_actor>(), std::false_type{});
    case target_type::sub:
      return serve(as<mq::sub_actor>(), std::false_type{});
    case target_type::xpub:
      return serve(as<mq::xpub_actor>(), std::false_type{});
    default:
      return;
    }
  }

  /// Sends `n` probes through the canary, one after the other, and tallies
  /// the misses (no echo within `canary_limit`) and the slowest echo.
  canary_tally probe_canary(size_t n) {
    canary_tally tally;
    for (size_t i = 0; i < n; ++i) {
      int64_t took = 0;
      ++tally.probes;
      if (!canary_answers(canary_limit, &took))
        ++tally.misses;
      tally.slowest_ms = std::max(tally.slowest_ms, took);
    }
    return tally;
  }

  /// Sends one probe between the canary and our socket and returns whether
  /// it got through within `limit`: the canary's probe echoed (ROUTER, REP,
  /// PAIR) or received by our socket (PULL, SUB), or our probe received by
  /// the canary (PUB, XPUB). Earlier probes are skipped.
  bool canary_answers(std::chrono::milliseconds limit = canary_limit,
                      int64_t* took_ms = nullptr) {
    auto token = "canary-" + std::to_string(++probe_id);
    auto t0 = clock_type::now();
    auto deadline = t0 + limit;
    auto done = [&] {
      if (took_ms != nullptr)
        *took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       clock_type::now() - t0)
                       .count();
      return true;
    };
    if (we_publish()) {
      auto msg = interop::mp({token});
      // An XPUB has the verbs of a PUB (and more).
      auto err = try_send(as<mq::pub_actor>(), std::move(msg),
                          caf::timespan{limit});
      if (err)
        return false;
    } else if (!interop::zsend(*canary, {token})) {
      return false;
    }
    if (!echoes() && !we_publish()) {
      if (!await(
              [&] {
                std::lock_guard<std::mutex> guard{received_mtx};
                return received.count(token) > 0;
              },
              caf::timespan{limit}))
        return false;
      return done();
    }
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      if (left.count() <= 0)
        return false;
      auto got = interop::zrecv_for(*canary, left);
      if (got == interop::timed_out)
        return false;
      if (got.size() == 1 && got[0] == token)
        return done();
    }
  }

  /// Runs `attack` on a thread while the canary probes every 100 ms; returns
  /// the attack's result and fills `tally`.
  template <class Attack> auto during(Attack attack, canary_tally& tally) {
    auto fut = std::async(std::launch::async, std::move(attack));
    do {
      int64_t took = 0;
      ++tally.probes;
      if (!canary_answers(canary_limit, &took))
        ++tally.misses;
      tally.slowest_ms = std::max(tally.slowest_ms, took);
    } while (fut.wait_for(100ms) != std::future_status::ready);
    return fut.get();
  }

  /// Number of connections our socket currently knows (any state).
  size_t peers() { return stats(base).peers.size(); }

  /// Logs and checks the RSS growth against `bound_mib` and the canary.
  void check_bounds(const char* attack, int64_t bound_mib,
                    const canary_tally& tally) {
    auto peak = rss.peak_growth();
    auto now = rss.growth();
    CAF_MESSAGE(attack << ": RSS before " << rss.before() / 1024.0
                       << " MiB, peak +" << peak / 1024.0 << " MiB, now +"
                       << now / 1024.0 << " MiB (bound +" << bound_mib
                       << " MiB); canary " << tally.probes << " probes, "
                       << tally.misses << " missed, slowest "
                       << tally.slowest_ms << " ms");
    CAF_CHECK(rss.reset_ok());
    if (rss_bounds_apply)
      CAF_CHECK_LESS_OR_EQUAL(peak, bound_mib * 1024);
    else
      CAF_MESSAGE("RSS bound not asserted under AddressSanitizer");
    CAF_CHECK_EQUAL(tally.misses, 0u);
    CAF_CHECK(canary_answers());
  }
};

} // namespace hostile
