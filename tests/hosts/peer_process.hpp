#pragma once

// A libzmq peer (tests/hosts/hosts_peer.cpp) running as a child process
// inside a host's namespace (`ip netns exec`). The test writes commands to
// its stdin and reads its report lines from its stdout; every read has a
// deadline. The child dies with the test process (PR_SET_PDEATHSIG) and is
// killed and reaped when the object goes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hosts {

/// Returns the steady clock in nanoseconds (CLOCK_MONOTONIC: the same clock
/// in every namespace, so the peers' timestamps compare with ours).
int64_t now_ns();

/// One report line of a peer, with the time it was read.
struct peer_line {
  /// When the test read it (`now_ns`).
  int64_t at = 0;
  /// The line without its newline.
  std::string text;
};

/// A hosts-peer process inside a namespace.
class peer_process {
public:
  /// Starts `hosts-peer args...` in namespace `ns` (empty: the root one).
  peer_process(const std::string& ns, const std::vector<std::string>& args);

  /// Kills the process (if it still runs) and reaps it.
  ~peer_process();

  peer_process(const peer_process&) = delete;
  peer_process& operator=(const peer_process&) = delete;

  /// Whether the process started.
  bool valid() const noexcept {
    return pid_ > 0;
  }

  /// The process id (the same as `ip`'s: `ip netns exec` execs the peer).
  pid_t pid() const noexcept {
    return pid_;
  }

  /// Every line read so far.
  const std::vector<peer_line>& lines() const noexcept {
    return lines_;
  }

  /// Reads what the peer printed, waiting at most `limit` for a first line.
  void pump(std::chrono::milliseconds limit);

  /// Waits up to `limit` for a line starting with `prefix` at index `from`
  /// or later; returns its index.
  std::optional<size_t> wait_for(const std::string& prefix,
                                 std::chrono::milliseconds limit,
                                 size_t from = 0);

  /// Like `wait_for`, returning the rest of the line after `prefix`.
  std::optional<std::string> expect(const std::string& prefix,
                                    std::chrono::milliseconds limit,
                                    size_t from = 0);

  /// Returns the lines starting with `prefix` (without it) at index `from`
  /// or later.
  std::vector<std::string> all(const std::string& prefix,
                               size_t from = 0) const;

  /// Sends one command line.
  void command(const std::string& line);

  /// Sends a command and waits for the line starting with `reply` that
  /// answers it (after every line read so far); returns its rest.
  std::optional<std::string> ask(const std::string& line,
                                 const std::string& reply,
                                 std::chrono::milliseconds limit);

  /// Freezes the process (SIGSTOP): its kernel keeps its connections.
  void freeze();

  /// Resumes a frozen process (SIGCONT).
  void thaw();

  /// Kills the process (SIGKILL) and reaps it.
  void kill();

private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string partial_;
  std::vector<peer_line> lines_;
};

} // namespace hosts
