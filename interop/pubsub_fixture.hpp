#pragma once

// Shared by the PUB/SUB/XPUB/XSUB interop suites: spawning our pub-sub
// sockets, subscribing, syncing on subscriptions (a publisher cannot know
// when a subscription arrived, so it publishes a sync topic until every
// subscriber saw it, as libzmq's tests do), draining libzmq subscribers and
// reading this process' RSS.
//
// A suite file defines CAF_SUITE and then includes this header.

#include "interop_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace interop {

/// Topic that every subscriber of a sync handshake subscribes to; no data
/// topic of the suites contains it. It sorts after letters and digits, so
/// both libzmq's SUB (its trie) and ours (a sorted table) send this
/// subscription after the others when a connection comes up: seeing a
/// sync message proves that the earlier subscriptions arrived. A
/// subscription made later needs a sync topic of its own that it matches,
/// e.g. "B~sync" after subscribing to "B".
inline const std::string sync_topic = "~sync";

/// Whether `topic` is a sync message (`sync_topic`, maybe prefixed).
inline bool is_sync(const std::string& topic) {
  return topic.find(sync_topic) != std::string::npos;
}

/// Resident set size of this process in KiB.
inline long rss_kib() {
  std::ifstream in{"/proc/self/statm"};
  long pages = 0;
  long resident = 0;
  in >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// A frame of the form `\x01prefix` (subscribe) or `\x00prefix` (cancel).
inline std::string sub_msg(bool subscribe, const std::string& prefix) {
  return std::string(1, subscribe ? '\x01' : '\x00') + prefix;
}

/// Counts of each string.
using tally = std::map<std::string, int>;

struct pubsub_fixture : fixture {
  // -- our sockets ------------------------------------------------------------

  /// Socket options with a fast reconnect.
  mq::socket_options fast() {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    return opts;
  }

  mq::pub_actor pub_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_pub(host, opts ? std::move(*opts) : fast());
  }

  mq::sub_actor sub_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_sub(host, opts ? std::move(*opts) : fast());
  }

  mq::xpub_actor xpub_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_xpub(host, opts ? std::move(*opts) : fast());
  }

  mq::xsub_actor xsub_socket(std::optional<mq::socket_options> opts = {}) {
    return mq::spawn_xsub(host, opts ? std::move(*opts) : fast());
  }

  /// `(subscribe_to_atom, prefix)` on our SUB; fails the test on error.
  void subscribe(const mq::sub_actor& s, const std::string& prefix) {
    self->request(s, timeout, mq::subscribe_to_atom::value, prefix)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) {
                   CAF_FAIL("subscribe failed: " << sys.render(err));
                 });
  }

  /// `(unsubscribe_from_atom, prefix)` on our SUB; fails the test on error.
  void unsubscribe(const mq::sub_actor& s, const std::string& prefix) {
    self->request(s, timeout, mq::unsubscribe_from_atom::value, prefix)
        .receive([](caf::ok_atom) {},
                 [&](caf::error& err) {
                   CAF_FAIL("unsubscribe failed: " << sys.render(err));
                 });
  }

  /// Sends `parts` through `d` with a request; fails the test on error.
  template <class Handle>
  void publish(const Handle& d, const std::vector<std::string>& parts) {
    send(d, mp(parts));
  }

  /// Total `subscriptions` over the up peers of `d`.
  template <class Handle> uint64_t subscriptions(const Handle& d) {
    uint64_t n = 0;
    for (auto& p : stats(d).peers)
      if (p.up)
        n += p.subscriptions;
    return n;
  }

  // -- libzmq subscribers -----------------------------------------------------

  /// A libzmq SUB subscribed to `prefixes` and `sync_topic`.
  zmq::socket_t zsub(const std::vector<std::string>& prefixes) {
    auto s = zsock(ctx, zmq::socket_type::sub);
    for (auto& p : prefixes)
      s.set(zmq::sockopt::subscribe, p);
    s.set(zmq::sockopt::subscribe, sync_topic);
    return s;
  }

  /// Publishes `topic` through our `pub` every 10 ms until every one of
  /// `subs` received one (subscriptions have arrived); false after
  /// `timeout`. Later sync messages may still arrive: `zdrain` skips them.
  template <class Handle>
  bool sync_with(const Handle& pub, std::vector<zmq::socket_t*> subs,
                 const std::string& topic = sync_topic) {
    std::vector<bool> seen(subs.size(), false);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      publish(pub, {topic});
      for (size_t i = 0; i < subs.size(); ++i)
        while (!seen[i]) {
          auto msg = zrecv_for(*subs[i], 10ms);
          if (msg == timed_out)
            break;
          if (msg.at(0) == topic)
            seen[i] = true;
        }
      if (std::all_of(seen.begin(), seen.end(), [](bool x) { return x; }))
        return true;
    }
    return false;
  }

  /// Same as `sync_with` for a libzmq publisher and our subscribers.
  bool zsync_with(zmq::socket_t& zpub, const std::vector<mq::sub_actor>& subs,
                  const std::string& topic = sync_topic) {
    std::vector<bool> seen(subs.size(), false);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!zsend(zpub, {topic}))
        return false;
      for (size_t i = 0; i < subs.size(); ++i)
        while (!seen[i]) {
          auto msg = try_recv(subs[i], caf::timespan{10ms});
          if (!msg)
            break;
          if (!msg->empty() && (*msg)[0].to_string() == topic)
            seen[i] = true;
        }
      if (std::all_of(seen.begin(), seen.end(), [](bool x) { return x; }))
        return true;
    }
    return false;
  }

  /// Receives from `sub` until `quiet` passes without a message; returns
  /// the first frames, skipping sync messages.
  static tally zdrain(zmq::socket_t& sub, std::chrono::milliseconds quiet) {
    tally result;
    for (;;) {
      auto msg = zrecv_for(sub, quiet);
      if (msg == timed_out)
        return result;
      if (!is_sync(msg.at(0)))
        ++result[msg.at(0)];
    }
  }

  /// Receives from our `sub` until `quiet` passes without a message;
  /// returns the first frames, skipping sync messages.
  template <class Handle> tally drain(const Handle& sub, caf::timespan quiet) {
    tally result;
    for (;;) {
      auto msg = try_recv(sub, quiet);
      if (!msg)
        return result;
      auto first = msg->empty() ? std::string{} : (*msg)[0].to_string();
      if (!is_sync(first))
        ++result[first];
    }
  }

  /// Every topic of `topics` that starts with one of `prefixes`, once.
  static tally matching(const std::vector<std::string>& topics,
                        const std::vector<std::string>& prefixes) {
    tally result;
    for (auto& t : topics)
      for (auto& p : prefixes)
        if (t.compare(0, p.size(), p) == 0) {
          ++result[t];
          break;
        }
    return result;
  }
};

} // namespace interop
