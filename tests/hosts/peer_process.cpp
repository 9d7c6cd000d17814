#include "peer_process.hpp"

#include "command.hpp"

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MONOCOQUE_HOSTS_PEER
#  error "MONOCOQUE_HOSTS_PEER (path of hosts-peer) must be defined"
#endif

namespace hosts {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

peer_process::peer_process(const std::string& ns,
                           const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (!ns.empty())
    argv = {tool("ip"), "netns", "exec", ns};
  argv.push_back(MONOCOQUE_HOSTS_PEER);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& x : argv)
    cargv.push_back(const_cast<char*>(x.c_str()));
  cargv.push_back(nullptr);
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0)
    return;
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    return;
  }
  auto parent = ::getpid();
  auto pid = ::fork();
  if (pid == 0) {
    // Dies with the test process, whatever kills it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(126);
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (pid < 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    return;
  }
  pid_ = pid;
  in_ = to_child[1];
  out_ = from_child[0];
}

peer_process::~peer_process() {
  kill();
}

void peer_process::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      // retry
    }
    pid_ = -1;
  }
  if (in_ >= 0)
    ::close(in_);
  if (out_ >= 0)
    ::close(out_);
  in_ = out_ = -1;
}

void peer_process::freeze() {
  if (pid_ > 0)
    ::kill(pid_, SIGSTOP);
}

void peer_process::thaw() {
  if (pid_ > 0)
    ::kill(pid_, SIGCONT);
}

void peer_process::pump(std::chrono::milliseconds limit) {
  if (out_ < 0)
    return;
  auto wait = static_cast<int>(limit.count());
  char buf[8192];
  for (;;) {
    pollfd pfd{out_, POLLIN, 0};
    auto n = ::poll(&pfd, 1, wait);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    auto got = ::read(out_, buf, sizeof(buf));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      ::close(out_);
      out_ = -1;
      return;
    }
    auto t = now_ns();
    partial_.append(buf, static_cast<size_t>(got));
    size_t pos;
    while ((pos = partial_.find('\n')) != std::string::npos) {
      lines_.push_back({t, partial_.substr(0, pos)});
      partial_.erase(0, pos + 1);
    }
    wait = 0; // take what is there, then return
  }
}

std::optional<size_t> peer_process::wait_for(const std::string& prefix,
                                             std::chrono::milliseconds limit,
                                             size_t from) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  size_t i = from;
  for (;;) {
    for (; i < lines_.size(); ++i)
      if (lines_[i].text.rfind(prefix, 0) == 0)
        return i;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_ < 0)
      return std::nullopt;
    pump(std::min(left, std::chrono::milliseconds{50}));
  }
}

std::optional<std::string> peer_process::expect(const std::string& prefix,
                                                std::chrono::milliseconds limit,
                                                size_t from) {
  if (auto i = wait_for(prefix, limit, from))
    return lines_[*i].text.substr(prefix.size());
  return std::nullopt;
}

std::vector<std::string> peer_process::all(const std::string& prefix,
                                           size_t from) const {
  std::vector<std::string> result;
  for (auto i = from; i < lines_.size(); ++i)
    if (lines_[i].text.rfind(prefix, 0) == 0)
      result.push_back(lines_[i].text.substr(prefix.size()));
  return result;
}

void peer_process::command(const std::string& line) {
  if (in_ < 0)
    return;
  auto text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(in_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

std::optional<std::string> peer_process::ask(const std::string& line,
                                             const std::string& reply,
                                             std::chrono::milliseconds limit) {
  pump(std::chrono::milliseconds{0});
  auto from = lines_.size();
  command(line);
  return expect(reply, limit, from);
}

} // namespace hosts
