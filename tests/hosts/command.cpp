#include "command.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace hosts {

std::string render(const std::vector<std::string>& argv) {
  std::string result;
  for (auto& x : argv) {
    if (!result.empty())
      result += ' ';
    result += x;
  }
  return result;
}

std::string tool(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return name;
  // ctest may run with a PATH without the sbin directories.
  std::string dirs = ::getenv("PATH") ? ::getenv("PATH") : "";
  dirs += ":/usr/sbin:/sbin:/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    auto end = dirs.find(':', pos);
    if (end == std::string::npos)
      end = dirs.size();
    auto dir = dirs.substr(pos, end - pos);
    pos = end + 1;
    if (dir.empty())
      continue;
    auto candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

command_result run(const std::vector<std::string>& argv) {
  command_result result;
  int fds[2];
  if (argv.empty() || ::pipe2(fds, O_CLOEXEC) != 0)
    return result;
  // Everything the child needs is allocated before fork: the parent has
  // other threads, and only async-signal-safe calls may follow the fork.
  auto path = tool(argv[0]);
  std::vector<char*> args;
  for (auto& x : argv)
    args.push_back(const_cast<char*>(x.c_str()));
  args.push_back(nullptr);
  auto pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return result;
  }
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0)
      ::dup2(devnull, STDIN_FILENO);
    ::execv(path.c_str(), args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      result.out += "\n(killed after 10 s)";
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    auto n = ::poll(&pfd, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      continue;
    auto got = ::read(fds[0], buf, sizeof(buf));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    result.out.append(buf, static_cast<size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    // retry
  }
  if (WIFEXITED(status) && result.out.find("(killed after") == std::string::npos)
    result.rc = WEXITSTATUS(status);
  return result;
}

bool run_ok(const std::vector<std::string>& argv) {
  auto res = run(argv);
  if (!res.ok())
    std::cerr << "hosts: `" << render(argv) << "` failed (rc " << res.rc
              << "): " << res.out << std::endl;
  return res.ok();
}

} // namespace hosts
