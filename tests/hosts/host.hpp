#pragma once

// A "host" for the host-level fault suites: a network namespace joined to
// the test process's (root) namespace by a veth pair, with an address on
// each end, that can be cut off silently (nftables drop rules on both ends'
// input: nothing is refused, packets just vanish), rate-limited (tc tbf) and
// "rebooted" (deleted and made again with the same addresses).
//
// Names carry the prefix `mqh<pid>` (namespace `mqh<pid>h<i>`, links
// `mqh<pid>r<i>` in the root namespace and `mqh<pid>p<i>` inside, nft
// tables `mqh<pid>h<i>`), so `cleanup_stale` can remove what a killed run
// left behind. Host i uses 10.231.i.0/24: .1 is the root side, .2 the host.

#include "command.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace hosts {

/// The prefix of every name this process creates (`mqh<pid>`).
std::string name_prefix();

/// Returns why the host suites cannot run here (not root, no `ip netns`,
/// no `nft`, no `tc`), or an empty string.
std::string unavailable();

/// Removes namespaces (and the processes in them), links and nft tables
/// named `mqh<pid>...` of other processes (the caller holds the machine-wide
/// lock: they are left over by a run that was killed); returns how many.
int cleanup_stale();

/// Removes what process `owner` made (namespaces and their processes, links,
/// nft tables); returns how many. The guardian process calls it when the
/// test process is gone, however it ended (abort, kill).
int cleanup_of(pid_t owner);

/// Returns the names of namespaces, links and nft tables of this process
/// that still exist (empty after every `host` was destroyed).
std::vector<std::string> leftovers();

/// One host: a namespace with a veth link to the root namespace.
class host {
public:
  /// Creates host `index` (1..200): namespace, link, addresses.
  explicit host(int index);

  /// Removes the cut, the rate limits, the link and the namespace.
  ~host();

  host(const host&) = delete;
  host& operator=(const host&) = delete;

  // -- properties -------------------------------------------------------------

  /// Returns whether the namespace and link were made.
  bool valid() const noexcept {
    return valid_;
  }

  /// The namespace's name (for `ip netns exec`).
  const std::string& ns() const noexcept {
    return ns_;
  }

  /// The host's address, inside its namespace (10.231.i.2).
  const std::string& addr() const noexcept {
    return addr_;
  }

  /// The root namespace's address on the link to this host (10.231.i.1).
  const std::string& root_addr() const noexcept {
    return root_addr_;
  }

  /// Whether the host is cut off.
  bool is_cut() const noexcept {
    return cut_;
  }

  // -- faults -----------------------------------------------------------------

  /// Drops every packet between the host and the root namespace, silently:
  /// input rules on both ends (output drops would fail the sender's writes).
  bool cut();

  /// Removes the drop rules of `cut`.
  bool heal();

  /// Limits what the root namespace sends to the host to `rate` (tc's
  /// syntax, e.g. "1mbit") with a token bucket filter.
  bool limit_rate(const std::string& rate);

  /// Removes the rate limit.
  bool unlimit_rate();

  /// "Powers the host off": deletes the link and the namespace. The
  /// caller kills the host's processes first (and cuts it first when that
  /// must be silent: a killed process's kernel closes its connections).
  void power_off();

  /// Makes the namespace, link and addresses again (same names, same
  /// addresses): the host "booted".
  bool power_on();

private:
  void remove_root_rule();

  bool valid_ = false;
  bool cut_ = false;
  bool limited_ = false;
  std::string ns_;
  std::string root_link_;
  std::string host_link_;
  std::string table_;
  std::string addr_;
  std::string root_addr_;
};

} // namespace hosts
