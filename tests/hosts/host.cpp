#include "host.hpp"

#include <cerrno>
#include <csignal>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace hosts {

namespace {

constexpr const char* base_prefix = "mqh";

/// Returns the pid in a name `mqh<pid>[hrp]<index>` (or the probe's
/// `mqh<pid>probe`), or 0 for any other name.
pid_t pid_of(const std::string& name) {
  if (name.rfind(base_prefix, 0) != 0)
    return 0;
  auto digits = [&](size_t from) {
    auto i = from;
    while (i < name.size() && isdigit(static_cast<unsigned char>(name[i])))
      ++i;
    return i;
  };
  auto end = digits(3);
  if (end == 3 || end >= name.size())
    return 0;
  auto rest = name.substr(end);
  bool ok = rest == "probe"
            || ((rest[0] == 'h' || rest[0] == 'r' || rest[0] == 'p')
                && rest.size() > 1 && digits(end + 1) == name.size());
  return ok ? static_cast<pid_t>(std::stol(name.substr(3, end - 3))) : 0;
}

/// Returns the first word of each line of `out` (after `skip` words).
std::vector<std::string> words(const std::string& out, size_t skip) {
  std::vector<std::string> result;
  std::istringstream lines{out};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream ws{line};
    std::string w;
    for (size_t i = 0; i <= skip && ws >> w; ++i)
      if (i == skip)
        result.push_back(w);
  }
  return result;
}

/// Namespaces (first word of `ip netns list`).
std::vector<std::string> namespaces() {
  return words(run({"ip", "netns", "list"}).out, 0);
}

/// Links of the root namespace (`ip -o link`: "3: name@peer: ...").
std::vector<std::string> links() {
  std::vector<std::string> result;
  for (auto& w : words(run({"ip", "-o", "link", "show"}).out, 1)) {
    auto name = w.substr(0, w.find_first_of("@:"));
    result.push_back(name);
  }
  return result;
}

/// nft tables of the root namespace ("table inet name").
std::vector<std::string> tables() {
  return words(run({"nft", "list", "tables"}).out, 2);
}

/// Kills every process in namespace `ns`.
void kill_all_in(const std::string& ns) {
  for (auto& w : words(run({"ip", "netns", "pids", ns}).out, 0)) {
    auto pid = static_cast<pid_t>(std::stol(w));
    if (pid > 0 && pid != ::getpid())
      ::kill(pid, SIGKILL);
  }
}

} // namespace

std::string name_prefix() {
  return base_prefix + std::to_string(::getpid());
}

std::string unavailable() {
  if (::geteuid() != 0)
    return "not running as root";
  for (auto* name : {"ip", "nft", "tc"})
    if (tool(name).empty())
      return std::string{"`"} + name + "` not found (apt-get install "
             + (std::string{name} == "nft" ? "nftables" : "iproute2") + ")";
  auto probe = name_prefix() + "probe";
  if (!run({"ip", "netns", "add", probe}).ok())
    return "`ip netns add` failed (no network namespaces here)";
  run({"ip", "netns", "del", probe});
  if (!run({"nft", "list", "tables"}).ok())
    return "`nft list tables` failed (no nftables in this kernel)";
  return {};
}

namespace {

/// Removes what `pred(pid of the name)` selects.
template <class Pred>
int remove_where(Pred pred) {
  int removed = 0;
  auto stale = [&](const std::string& name) {
    auto pid = pid_of(name);
    return pid != 0 && pred(pid);
  };
  for (auto& ns : namespaces())
    if (stale(ns)) {
      kill_all_in(ns);
      run({"ip", "netns", "del", ns});
      ++removed;
    }
  for (auto& link : links())
    if (stale(link)) {
      run({"ip", "link", "del", link});
      ++removed;
    }
  for (auto& table : tables())
    if (stale(table)) {
      run({"nft", "delete", "table", "inet", table});
      ++removed;
    }
  return removed;
}

} // namespace

int cleanup_stale() {
  // The caller holds the machine-wide lock: whatever another process made
  // is left over (its process may even live on as a zombie, or its pid be
  // reused).
  auto self = ::getpid();
  return remove_where([self](pid_t pid) { return pid != self; });
}

int cleanup_of(pid_t owner) {
  return remove_where([owner](pid_t pid) { return pid == owner; });
}

std::vector<std::string> leftovers() {
  std::vector<std::string> result;
  auto mine = [](const std::string& name) {
    return pid_of(name) == ::getpid();
  };
  for (auto& ns : namespaces())
    if (mine(ns))
      result.push_back("netns " + ns);
  for (auto& link : links())
    if (mine(link))
      result.push_back("link " + link);
  for (auto& table : tables())
    if (mine(table))
      result.push_back("nft table " + table);
  return result;
}

// -- host ---------------------------------------------------------------------

host::host(int index) {
  auto prefix = name_prefix();
  auto i = std::to_string(index);
  ns_ = prefix + "h" + i;
  root_link_ = prefix + "r" + i;
  host_link_ = prefix + "p" + i;
  table_ = prefix + "h" + i;
  addr_ = "10.231." + i + ".2";
  root_addr_ = "10.231." + i + ".1";
  valid_ = power_on();
}

host::~host() {
  heal();
  unlimit_rate();
  power_off();
}

bool host::power_on() {
  valid_ = run_ok({"ip", "netns", "add", ns_})
           && run_ok({"ip", "link", "add", root_link_, "type", "veth", "peer",
                      "name", host_link_})
           && run_ok({"ip", "link", "set", host_link_, "netns", ns_})
           && run_ok({"ip", "addr", "add", root_addr_ + "/24", "dev",
                      root_link_})
           && run_ok({"ip", "link", "set", root_link_, "up"})
           && run_ok({"ip", "-n", ns_, "addr", "add", addr_ + "/24", "dev",
                      host_link_})
           && run_ok({"ip", "-n", ns_, "link", "set", host_link_, "up"})
           && run_ok({"ip", "-n", ns_, "link", "set", "lo", "up"});
  return valid_;
}

void host::power_off() {
  limited_ = false;
  kill_all_in(ns_);
  // Deleting the root end takes the pair with it at once; the namespace's
  // own teardown may run later in the kernel, and a new link of the same
  // name must not collide with it.
  run({"ip", "link", "del", root_link_});
  run({"ip", "netns", "del", ns_});
  // Only now the root drop rule (the namespace's went with it): until the
  // link is gone, a retransmitted FIN of a killed process must not pass.
  if (cut_) {
    remove_root_rule();
    cut_ = false;
  }
  valid_ = false;
}

bool host::cut() {
  if (cut_)
    return true;
  // Root side: packets from the host vanish on arrival.
  auto chain = "add chain inet " + table_
               + " input { type filter hook input priority -10; }";
  cut_ = run_ok({"nft", "add", "table", "inet", table_})
         && run_ok({"nft", chain})
         && run_ok({"nft", "add rule inet " + table_ + " input iifname \""
                             + root_link_ + "\" drop"});
  // Host side: everything but loopback vanishes on arrival.
  cut_ = cut_
         && run_ok({"ip", "netns", "exec", ns_, "nft", "add", "table", "inet",
                    "mqhcut"})
         && run_ok({"ip", "netns", "exec", ns_, "nft",
                    "add chain inet mqhcut input { type filter hook input "
                    "priority -10; }"})
         && run_ok({"ip", "netns", "exec", ns_, "nft",
                    "add rule inet mqhcut input iifname != \"lo\" drop"});
  if (!cut_) {
    remove_root_rule();
    run({"ip", "netns", "exec", ns_, "nft", "delete", "table", "inet",
         "mqhcut"});
  }
  return cut_;
}

bool host::heal() {
  if (!cut_)
    return true;
  cut_ = false;
  auto ok = run_ok({"ip", "netns", "exec", ns_, "nft", "delete", "table",
                    "inet", "mqhcut"});
  remove_root_rule();
  return ok;
}

void host::remove_root_rule() {
  run({"nft", "delete", "table", "inet", table_});
}

bool host::limit_rate(const std::string& rate) {
  // A small bucket and queue: the link, not a buffer, sets the pace.
  limited_ = run_ok({"tc", "qdisc", "replace", "dev", root_link_, "root",
                     "tbf", "rate", rate, "burst", "16kb", "latency",
                     "50ms"});
  return limited_;
}

bool host::unlimit_rate() {
  if (!limited_)
    return true;
  limited_ = false;
  return run_ok({"tc", "qdisc", "del", "dev", root_link_, "root"});
}

} // namespace hosts
