#pragma once

// Process-level measurements for the limits suites: resident memory, open
// file descriptors and CPU time of this process. Each suite runs as a
// process of its own (one CTest entry per suite), so what one suite changes
// (RLIMIT_NOFILE) or allocates never leaks into another's numbers.

#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace limits {

/// Returns VmRSS of this process in bytes, after giving free heap memory
/// back to the kernel (so that RSS counts what is live, not what malloc
/// keeps cached).
inline uint64_t rss_bytes() {
  ::malloc_trim(0);
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6)) * 1024; // kB
  return 0;
}

/// Returns the number of open file descriptors of this process.
inline size_t open_fds() {
  size_t n = 0;
  if (auto* dir = ::opendir("/proc/self/fd")) {
    while (auto* entry = ::readdir(dir))
      if (entry->d_name[0] != '.')
        ++n;
    ::closedir(dir);
    --n; // the directory stream itself
  }
  return n;
}

/// Returns the number of open file descriptors numbered below `n` (the
/// process may hold fds far above a lowered limit, e.g. inherited ones).
/// Returns `n` when not even the directory can be opened (EMFILE): then
/// every fd number below the limit `n` is taken.
inline size_t open_fds_below(size_t n) {
  size_t result = 0;
  auto* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr && errno == EMFILE)
    return n;
  if (dir != nullptr) {
    auto self = static_cast<size_t>(::dirfd(dir));
    while (auto* entry = ::readdir(dir))
      if (entry->d_name[0] != '.') {
        auto fd = std::stoul(entry->d_name);
        if (fd < n && fd != self)
          ++result;
      }
    ::closedir(dir);
  }
  return result;
}

/// Returns the smallest fd limit that leaves exactly `n` fd numbers free.
inline size_t limit_leaving(size_t n) {
  size_t limit = 0;
  for (;;) {
    ++limit;
    if (limit - open_fds_below(limit) == n)
      return limit;
  }
}

/// Returns the user + system CPU time of this process (all threads), in
/// seconds.
inline double cpu_seconds() {
  rusage ru;
  std::memset(&ru, 0, sizeof(ru));
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec)
           + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

/// Sets the soft RLIMIT_NOFILE to `n` (at most the hard limit); returns the
/// limit now in force.
inline rlim_t set_fd_limit(rlim_t n) {
  rlimit rl;
  ::getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = n < rl.rlim_max ? n : rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

} // namespace limits
