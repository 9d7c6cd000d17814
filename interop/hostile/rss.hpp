#pragma once

// Memory and CPU probes of the current process (or of another process by
// pid, for the measure tool): VmRSS, the peak VmHWM and a way to reset that
// peak (writing "5" to /proc/PID/clear_refs sets VmHWM to the current RSS).

#include <cstdint>
#include <fstream>
#include <string>
#include <sys/resource.h>

namespace hostile {

/// Whether RSS bounds mean anything in this build. AddressSanitizer keeps
/// freed memory in quarantine and maps shadow memory, so in an ASan build the
/// suites report the RSS they measure and check everything else; the release
/// pass of the same suites (scripts/test.sh runs both) asserts the bounds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool rss_bounds_apply = false;
#else
constexpr bool rss_bounds_apply = true;
#endif

/// Returns the value (kB) of `key` ("VmRSS", "VmHWM") in /proc/`pid`/status,
/// 0 if unreadable.
inline uint64_t status_kib(const char* key, const std::string& pid = "self") {
  std::ifstream in{"/proc/" + pid + "/status"};
  std::string line;
  std::string prefix = std::string{key} + ":";
  while (std::getline(in, line))
    if (line.compare(0, prefix.size(), prefix) == 0)
      return std::stoull(line.substr(prefix.size()));
  return 0;
}

/// Resident set size in KiB.
inline uint64_t rss_kib(const std::string& pid = "self") {
  return status_kib("VmRSS", pid);
}

/// Peak resident set size in KiB since start or the last `reset_peak`.
inline uint64_t peak_kib(const std::string& pid = "self") {
  return status_kib("VmHWM", pid);
}

/// Resets the peak to the current RSS; false if the kernel refused.
inline bool reset_peak(const std::string& pid = "self") {
  std::ofstream out{"/proc/" + pid + "/clear_refs"};
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// User plus system CPU time of this process (all threads), in seconds.
inline double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) +
           static_cast<double>(tv.tv_usec) / 1e6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

/// RSS growth during an attack: `start()` records the baseline and resets
/// the peak; the getters report growth in KiB over the baseline.
class rss_probe {
public:
  /// Records the baseline and resets the peak.
  void start() {
    reset_ok_ = reset_peak();
    before_ = rss_kib();
  }

  /// Whether the peak could be reset (else the peak may predate `start`).
  bool reset_ok() const noexcept { return reset_ok_; }

  /// Baseline RSS (KiB).
  uint64_t before() const noexcept { return before_; }

  /// Peak RSS since `start` minus the baseline (KiB).
  int64_t peak_growth() const {
    return static_cast<int64_t>(peak_kib()) - static_cast<int64_t>(before_);
  }

  /// Current RSS minus the baseline (KiB).
  int64_t growth() const {
    return static_cast<int64_t>(rss_kib()) - static_cast<int64_t>(before_);
  }

private:
  uint64_t before_ = 0;
  bool reset_ok_ = false;
};

} // namespace hostile
