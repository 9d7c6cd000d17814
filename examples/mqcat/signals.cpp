#include "signals.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include <thread>
#include <unistd.h>

namespace mqcat {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signo : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (::sigaction(signo, nullptr, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaddset(&set, signo);
  }
  return set;
}

void watch_signals(const sigset_t& set, const caf::actor& target) {
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(target);
  std::thread{[set, weak] {
    int signo = 0;
    if (::sigwait(&set, &signo) != 0)
      return;
    ::alarm(3);
    if (auto hdl = caf::actor_cast<caf::actor>(weak))
      caf::anon_send(hdl, signal_atom::value, signo);
    else
      ::_exit(128 + signo); // the target is gone: main is exiting anyway
  }}.detach();
}

} // namespace mqcat
