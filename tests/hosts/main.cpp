// The host suites' main: CAF's test engine, after checking that this machine
// can stand hosts up (root, `ip netns`, nft, tc), else exit 77, which CTest
// shows as skipped (SKIP_RETURN_CODE). One run at a time per machine (a
// file lock: the suites use fixed addresses), stale namespaces, links and
// nft tables of killed runs removed first, this run's checked gone last,
// and a guardian process that removes them whenever this one ends.
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

#include "host.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace {

constexpr int skip_code = 77;

/// Starts the guardian: a child process that waits until this process is
/// gone, however it ended (a failed CAF_REQUIRE aborts without running any
/// destructor; ctest kills on timeouts), and then removes what it made. It
/// inherits the lock's descriptor, so the next run waits for the cleanup.
void start_guardian() {
  int fds[2];
  if (::pipe(fds) != 0)
    return;
  auto owner = ::getpid();
  auto pid = ::fork();
  if (pid < 0)
    return;
  if (pid == 0) {
    ::close(fds[1]);
    for (auto sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
      ::signal(sig, SIG_IGN);
    char c;
    while (::read(fds[0], &c, 1) != 0 && errno == EINTR) {
      // the parent never writes: EOF when it is gone
    }
    if (auto n = hosts::cleanup_of(owner); n > 0)
      std::cerr << "hosts: guardian removed " << n
                << " namespace(s), link(s) or nft table(s) left by pid "
                << owner << "\n";
    ::_exit(0);
  }
  ::close(fds[0]);
  // Keep the write end open for our lifetime, but not in exec'd children.
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}

/// Takes the machine-wide lock of the host suites within `limit`.
bool lock_machine(std::chrono::seconds limit) {
  int fd = ::open("/tmp/monocoque-hosts.lock", O_RDWR | O_CREAT | O_CLOEXEC,
                  0600);
  if (fd < 0)
    return false;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  return true; // held until the process exits
}

} // namespace

int main(int argc, char** argv) {
  if (auto why = hosts::unavailable(); !why.empty()) {
    std::cerr << "hosts: SKIPPED: " << why
              << "; the host suites stand up network namespaces and need "
                 "root, ip (iproute2), nft (nftables) and tc\n";
    return skip_code;
  }
  if (!lock_machine(std::chrono::seconds{100})) {
    std::cerr << "hosts: another host suite holds /tmp/monocoque-hosts.lock"
                 " for more than 100 s\n";
    return 1;
  }
  if (auto n = hosts::cleanup_stale(); n > 0)
    std::cerr << "hosts: removed " << n << " stale namespace(s), link(s) or "
              << "nft table(s) of killed runs\n";
  start_guardian();
  // A peer that died must not take the test process with it.
  ::signal(SIGPIPE, SIG_IGN);
  auto rc = caf::test::main(argc, argv);
  if (auto left = hosts::leftovers(); !left.empty()) {
    for (auto& x : left)
      std::cerr << "hosts: LEFTOVER " << x << "\n";
    rc = rc == 0 ? 1 : rc;
  }
  return rc;
}
