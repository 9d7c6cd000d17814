#pragma once

// Runs system tools (ip, nft, tc) for the host harness: argv vectors, no
// shell, output captured, every run bounded.

#include <string>
#include <vector>

namespace hosts {

/// What a command printed (stdout and stderr together) and its exit code.
struct command_result {
  /// Exit code; -1 when it could not start, was killed or timed out.
  int rc = -1;
  /// Its output, stdout and stderr interleaved.
  std::string out;

  /// Returns whether the command exited with 0.
  bool ok() const noexcept {
    return rc == 0;
  }
};

/// Returns the path of the executable `name` (searched on PATH and in the
/// sbin directories), or an empty string.
std::string tool(const std::string& name);

/// Runs `argv` (argv[0] found by `tool`), killing it after 10 s.
command_result run(const std::vector<std::string>& argv);

/// Runs `argv` and returns whether it exited with 0; prints the command and
/// its output to stderr otherwise (a harness failure must say why).
bool run_ok(const std::vector<std::string>& argv);

/// Joins `argv` with spaces, for messages.
std::string render(const std::vector<std::string>& argv);

} // namespace hosts
