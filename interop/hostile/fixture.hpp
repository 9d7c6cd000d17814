#pragma once

// Fixture of the hostile_* suites: our ROUTER bound on a free loopback port
// with an echo (a thread that receives and sends every message back), a
// well-behaved libzmq DEALER "canary" connected to it, the typed failures
// our sessions log ("peer K epoch E failed: CODE (detail)") and an RSS
// probe of this process. Attackers run on threads of this process (see
// attacks.hpp: fixed small buffers) or in the zmtp-attack tool.

#include "hostile/attacks.hpp"
#include "hostile/rss.hpp"
#include "interop_fixture.hpp"

#include <atomic>
#include <caf/monocoque/internal/log.hpp>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
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

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text{msg.payload.data(), msg.payload.size()};
    if (msg.level >= spdlog::level::warn)
      std::cerr << "[monocoque.zmtp] " << text << '\n';
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

/// Our ROUTER with an echo, a libzmq canary and probes.
struct fixture : failure_log_holder, interop::fixture {
  /// The canary's bound on an echo.
  static constexpr auto canary_limit = std::chrono::milliseconds{2000};

  mq::router_actor router;
  std::string endpoint;
  uint16_t port = 0;
  std::optional<zmq::socket_t> canary;
  rss_probe rss;
  std::atomic<bool> stop_echo{false};
  std::thread echo;
  size_t probe_id = 0;

  fixture() = default;

  ~fixture() {
    stop_echo = true;
    if (echo.joinable())
      echo.join();
    canary.reset();
    if (router)
      close(router);
  }

  /// The socket options of the target (the module's defaults).
  mq::socket_options options() { return defaults(); }

  /// Binds the ROUTER with `opts`, starts the echo, connects the canary
  /// (after `configure_canary`, e.g. to make it a CURVE client) and waits
  /// for its first echo.
  void start(mq::socket_options opts,
             std::function<void(zmq::socket_t&)> configure_canary = {}) {
    router = router_socket(std::move(opts));
    endpoint = bind(router);
    CAF_REQUIRE(!endpoint.empty());
    port = interop::port_of(endpoint);
    echo = std::thread{[this] { echo_loop(); }};
    canary.emplace(interop::zsock(ctx, zmq::socket_type::dealer));
    if (configure_canary)
      configure_canary(*canary);
    canary->connect(endpoint);
    CAF_REQUIRE(canary_answers(interop::timeout));
  }

  /// Sends every message of the ROUTER back (routing id first: it goes back
  /// to its sender).
  void echo_loop() {
    interop::client cl{sys};
    while (!stop_echo) {
      auto msg = cl.try_recv(router, caf::timespan{100ms});
      if (msg)
        cl.try_send(router, std::move(*msg), caf::timespan{2s});
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

  /// Sends one probe through the canary and returns whether its echo came
  /// back within `limit` (echoes of earlier probes are skipped).
  bool canary_answers(std::chrono::milliseconds limit = canary_limit,
                      int64_t* took_ms = nullptr) {
    auto token = "canary-" + std::to_string(++probe_id);
    auto t0 = clock_type::now();
    if (!interop::zsend(*canary, {token}))
      return false;
    auto deadline = t0 + limit;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      if (left.count() <= 0)
        return false;
      auto got = interop::zrecv_for(*canary, left);
      if (got == interop::timed_out)
        return false;
      if (got.size() == 1 && got[0] == token) {
        if (took_ms != nullptr)
          *took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         clock_type::now() - t0)
                         .count();
        return true;
      }
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

  /// Number of connections the ROUTER currently knows (any state).
  size_t peers() { return stats(router).peers.size(); }

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
