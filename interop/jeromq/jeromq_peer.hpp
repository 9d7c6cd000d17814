#pragma once

// Runs interop/jeromq/JeromqPeer.java (JeroMQ 0.3.6) as a child process: one
// JVM per test, its stdin and stdout on pipes, its stderr shared with the
// test (CTest shows it). Every wait is bounded; the destructor kills a child
// that is still running. The JVM and the class path come from CMake
// (MONOCOQUE_JAVA, MONOCOQUE_JEROMQ_CLASSPATH, MONOCOQUE_JEROMQ_CLASSES);
// the CTest fixture `jeromq_peer_compile` compiles the peer before the
// suites run.

#include <caf/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace interop {

// -- configuration ------------------------------------------------------------

/// The JVM launcher found by CMake.
inline std::string java_executable() { return MONOCOQUE_JAVA; }

/// Where the CTest fixture put JeromqPeer.class.
inline std::string jeromq_classes_dir() { return MONOCOQUE_JEROMQ_CLASSES; }

/// The class path: jeromq.jar plus the compiled peer.
inline std::string jeromq_classpath() { return MONOCOQUE_JEROMQ_CLASSPATH; }

/// Whether JeromqPeer.class exists (the compile fixture ran).
inline bool jeromq_peer_compiled() {
  struct stat st;
  auto path = jeromq_classes_dir() + "/JeromqPeer.class";
  return ::stat(path.c_str(), &st) == 0;
}

// -- the child process --------------------------------------------------------

/// One running JeromqPeer. `args` are JeromqPeer's own arguments (TYPE,
/// bind|connect, ENDPOINT, options, actions).
class jeromq_peer {
public:
  /// Time the peer gets for its whole run (its own `--timeout-ms`).
  static constexpr auto run_limit = std::chrono::seconds{15};

  explicit jeromq_peer(const std::vector<std::string>& args) {
    std::signal(SIGPIPE, SIG_IGN); // a peer that died must not kill the test
    int in[2];
    int out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
      CAF_FAIL("pipe2: " << std::strerror(errno));
    std::vector<std::string> argv{java_executable(),
                                  "-XX:TieredStopAtLevel=1",
                                  "-XX:+UseSerialGC",
                                  "-Xss512k",
                                  "-cp",
                                  jeromq_classpath(),
                                  "JeromqPeer"};
    argv.insert(argv.end(), args.begin(),
                args.begin() + std::min<size_t>(3, args.size()));
    argv.push_back(
        "--timeout-ms=" +
        std::to_string(std::chrono::milliseconds{run_limit}.count()));
    if (args.size() > 3)
      argv.insert(argv.end(), args.begin() + 3, args.end());
    std::vector<char*> cargv;
    for (auto& a : argv)
      cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    auto rc = ::posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr,
                            cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      CAF_FAIL("cannot start " << argv[0] << ": " << std::strerror(rc));
    }
    std::string cmd;
    for (size_t i = 6; i < argv.size(); ++i)
      cmd += (i > 6 ? " " : "") + argv[i];
    CAF_MESSAGE("started " << cmd << " (pid " << pid_ << ")");
  }

  jeromq_peer(const jeromq_peer&) = delete;
  jeromq_peer& operator=(const jeromq_peer&) = delete;

  ~jeromq_peer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        // retry
      }
    }
    if (stdin_ >= 0)
      ::close(stdin_);
    if (stdout_ >= 0)
      ::close(stdout_);
  }

  /// Reads the next line of the peer's stdout within `limit`; nullopt at
  /// EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        auto line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      if (stdout_ < 0)
        return std::nullopt;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return std::nullopt;
      pollfd pfd{stdout_, POLLIN, 0};
      auto n = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return std::nullopt;
      char tmp[4096];
      auto got = ::read(stdout_, tmp, sizeof(tmp));
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0) {
        ::close(stdout_);
        stdout_ = -1;
        continue;
      }
      buf_.append(tmp, static_cast<size_t>(got));
    }
  }

  /// Reads lines until one starts with `prefix`; returns the rest of that
  /// line, nullopt at EOF or after `limit`.
  std::optional<std::string>
  await_line(const std::string& prefix,
             std::chrono::milliseconds limit = std::chrono::seconds{10}) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto line = read_line(std::max(left, std::chrono::milliseconds{0}));
      if (!line)
        return std::nullopt;
      lines_.push_back(*line);
      if (line->compare(0, prefix.size(), prefix) == 0)
        return line->substr(prefix.size());
    }
  }

  /// The endpoint of the "READY <endpoint>" line (empty on failure).
  std::string ready() {
    auto ep = await_line("READY ");
    return ep ? *ep : std::string{};
  }

  /// Writes `line` and a newline to the peer's stdin.
  bool write_line(const std::string& line) {
    auto data = line + "\n";
    size_t off = 0;
    while (off < data.size()) {
      auto n = ::write(stdin_, data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  /// Waits for the peer to exit (reading its stdout to the end) and returns
  /// its exit code; -1 if it did not exit within `limit` (then it is
  /// killed), -2 if it died of a signal.
  int wait(std::chrono::milliseconds limit = std::chrono::seconds{20}) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (stdout_ >= 0 && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (auto line = read_line(left))
        lines_.push_back(*line);
    }
    for (;;) {
      int status = 0;
      auto rc = ::waitpid(pid_, &status, WNOHANG);
      if (rc == pid_) {
        pid_ = -1;
        if (WIFEXITED(status))
          return WEXITSTATUS(status);
        return -2;
      }
      if (rc < 0 && errno != EINTR)
        return -2;
      if (std::chrono::steady_clock::now() >= deadline) {
        CAF_MESSAGE("JeromqPeer did not exit in time: killed");
        return -1; // the destructor kills it
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  }

  /// Every stdout line read so far (by `await_line` and `wait`).
  const std::vector<std::string>& lines() const { return lines_; }

private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string buf_;
  std::vector<std::string> lines_;
};

} // namespace interop
