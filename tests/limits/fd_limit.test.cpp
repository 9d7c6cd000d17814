// Accept survives EMFILE: with RLIMIT_NOFILE lowered so that connecting
// clients exhaust our fds, the listener backs off instead of spinning (CPU
// time of the process over 1 s of saturation stays small), nothing crashes,
// the fds of connections that end are freed, and accepting resumes once
// fds are free (a new client gets our greeting). The clients run in a
// Python process of their own (tests/limits/fd_clients.py), so their fds
// do not count against our limit.
#define CAF_SUITE limits_fd_limit
#include "interop_fixture.hpp"
#include "limits_helpers.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

using namespace interop;

namespace {

/// The client process: one command per line, one answer per line.
class client_process {
public:
  explicit client_process(const std::string& script) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
      return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    std::string py = "/usr/bin/python3";
    std::vector<char*> argv{py.data(), const_cast<char*>(script.c_str()),
                            nullptr};
    if (posix_spawn(&pid_, py.c_str(), &fa, nullptr, argv.data(), environ)
        != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(to_child[0]);
    ::close(from_child[1]);
    out_ = to_child[1];
    in_ = ::fdopen(from_child[0], "r");
  }

  ~client_process() {
    if (out_ >= 0)
      ::close(out_);
    if (in_ != nullptr)
      ::fclose(in_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool valid() const {
    return pid_ > 0 && in_ != nullptr;
  }

  /// Sends `cmd` and returns the answer line ("" if the process is gone).
  std::string ask(const std::string& cmd) {
    auto line = cmd + "\n";
    if (::write(out_, line.data(), line.size())
        != static_cast<ssize_t>(line.size()))
      return {};
    char buf[256];
    if (::fgets(buf, sizeof(buf), in_) == nullptr)
      return {};
    std::string result{buf};
    while (!result.empty() && result.back() == '\n')
      result.pop_back();
    return result;
  }

  /// Asks the process to exit and waits for it.
  void quit() {
    if (pid_ <= 0)
      return;
    ask("quit");
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

private:
  pid_t pid_ = -1;
  int out_ = -1;
  FILE* in_ = nullptr;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(limits_fd_limit_tests, fixture)

CAF_TEST(accept backs off at the fd limit and resumes when fds are free) {
  watchdog dog{"fd limit", std::chrono::seconds{100}};
  auto d = dealer(defaults());
  auto port = std::to_string(port_of(bind(d)));
  client_process clients{MONOCOQUE_LIMITS_DIR "/fd_clients.py"};
  CAF_REQUIRE(clients.valid());
  rlimit saved;
  ::getrlimit(RLIMIT_NOFILE, &saved);
  // Room for 24 more fds: the 60 clients exhaust it.
  auto wanted = limits::limit_leaving(24);
  auto base = limits::open_fds_below(wanted);
  auto limit = limits::set_fd_limit(wanted);
  CAF_REQUIRE_EQUAL(limit, wanted);
  auto in_use = [&] { return limits::open_fds_below(wanted); };
  CAF_CHECK_EQUAL(clients.ask("open " + port + " 60"), "opened 60");
  CAF_REQUIRE(await([&] { return in_use() == wanted; }));
  // Saturated: every accept fails with EMFILE while 36 connections wait in
  // the backlog. The listener must back off, not spin.
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  auto cpu0 = limits::cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds{1});
  auto cpu = limits::cpu_seconds() - cpu0;
  CAF_MESSAGE("CPU time over 1 s at the fd limit: " << cpu * 1000 << " ms");
  CAF_CHECK_LESS(cpu, 0.3);
  CAF_CHECK_EQUAL(stats(d).type, "DEALER"); // still answering
  // Closing 55 clients frees the fds of their connections (also of those
  // accepted only now, which find the peer gone); 5 stay connected.
  CAF_CHECK_EQUAL(clients.ask("close 55"), "closed 55");
  CAF_CHECK_EQUAL(clients.ask("probe " + port), "ok");
  CAF_CHECK(await([&] { return in_use() <= base + 6; },
                  std::chrono::seconds{10}));
  CAF_CHECK(await([&] { return stats(d).peers.size() == 6; },
                  std::chrono::seconds{10}));
  clients.quit();
  CAF_CHECK(await([&] { return in_use() <= base; },
                  std::chrono::seconds{10}));
  ::setrlimit(RLIMIT_NOFILE, &saved);
  CAF_CHECK(close(d));
}

CAF_TEST_FIXTURE_SCOPE_END()
