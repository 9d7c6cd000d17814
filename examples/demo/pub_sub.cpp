// PUB->SUB with prefix filters:
//  1. our pub_actor publishes to two libzmq SUBs, subscribed to "weather."
//     and "sport.": each gets exactly the messages of its prefix;
//  2. a libzmq PUB publishes to our sub_actor, subscribed to "alert.".
//
// A subscription travels from the subscriber to the publisher once their
// connection is up; whatever is published before it arrives reaches nobody
// (the "slow joiner"). So part 1 waits until our pub_actor's stats show both
// subscriptions, and part 2 publishes a warm-up message until one arrives.
// Only then are messages published and counted exactly.
#include "common.hpp"

namespace demo {

namespace {

/// A message is [topic, body].
strings message(const std::string& topic) {
  return {topic, "body of " + topic};
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

const strings our_topics = {"weather.paris", "sport.tennis", "news.world",
                            "weather.oslo",  "sport.chess",  "news.tech"};

/// Part 1: returns how many messages each libzmq SUB got, e.g. "2+2".
std::string pub_to_libzmq_subs(env& e) {
  auto pub = e.keep(mq::spawn_pub(e.sys, e.options()));
  auto ep = bind_local(e, pub);
  const strings prefixes = {"weather.", "sport."};
  std::vector<zmq::socket_t> subs;
  for (auto& prefix : prefixes) {
    subs.push_back(zsocket(e, zmq::socket_type::sub));
    subs.back().set(zmq::sockopt::subscribe, prefix);
    subs.back().connect(ep);
  }
  trace("pub_actor bound to " + ep +
        ", libzmq SUBs for 'weather.' and 'sport.' connect");
  // The slow joiner, handled: wait until the publisher knows both.
  wait_until("pub_actor: 2 subscribers with 1 prefix each", [&] {
    uint64_t up = 0;
    uint64_t subscriptions = 0;
    for (auto& peer : stats(e, pub).peers)
      if (peer.up) {
        ++up;
        subscriptions += peer.subscriptions;
      }
    return up == 2 && subscriptions == 2;
  });
  trace("pub_actor's stats show 2 subscribers, 1 prefix each");
  for (auto& topic : our_topics)
    send(e, pub, message(topic));
  trace("pub_actor -> " + join(our_topics));
  std::string counts;
  uint64_t delivered = 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    auto who = "libzmq SUB '" + prefixes[i] + "'";
    strings got;
    for (auto& topic : our_topics)
      if (starts_with(topic, prefixes[i])) {
        auto msg = zrecv(subs[i], who);
        expect_message(who, msg, message(topic));
        got.push_back(msg.front());
      }
    expect(znothing_more(subs[i]), who + " received a message too many");
    trace(who + " <- " + join(got));
    counts += (counts.empty() ? "" : "+") + std::to_string(got.size());
    delivered += got.size();
  }
  // The publisher filtered: it wrote only the matching messages.
  uint64_t written = 0;
  for (auto& peer : stats(e, pub).peers)
    written += peer.msgs_out;
  expect(written == delivered, "pub_actor handed " + std::to_string(written) +
                                   " messages to its subscribers, expected " +
                                   std::to_string(delivered));
  return counts;
}

const strings libzmq_topics = {"alert.fire",  "status.ok",   "alert.flood",
                               "status.busy", "alert.storm", "metrics.cpu"};

/// Part 2: returns how many messages our sub_actor got.
size_t libzmq_pub_to_sub(env& e) {
  auto zpub = zsocket(e, zmq::socket_type::pub);
  zpub.bind("tcp://127.0.0.1:*");
  auto ep = zpub.get(zmq::sockopt::last_endpoint);
  auto sub = e.keep(mq::spawn_sub(e.sys, e.options()));
  ask<caf::ok_atom>(e, "subscribe", sub, mq::subscribe_to_atom::value,
                    std::string{"alert."});
  connect(e, sub, ep);
  trace("sub_actor subscribed to 'alert.' connects to a libzmq PUB at " + ep);
  // The slow joiner, handled: a libzmq PUB cannot tell when our
  // subscription arrived, so it publishes a warm-up until one gets through.
  const std::string warm_up = "alert.warm-up";
  int warm_ups = 0;
  wait_until("sub_actor: a warm-up message", [&] {
    zsend(zpub, {warm_up});
    ++warm_ups;
    return try_recv(e, sub, 50ms).has_value();
  });
  trace("the first warm-up arrived after " + std::to_string(warm_ups) +
        " sent: publishing");
  for (auto& topic : libzmq_topics)
    zsend(zpub, message(topic));
  trace("libzmq PUB -> " + join(libzmq_topics));
  strings got;
  for (auto& topic : libzmq_topics) {
    if (!starts_with(topic, "alert."))
      continue;
    auto msg = recv(e, sub, "sub_actor");
    while (msg.front() == warm_up) // later warm-ups, still on their way
      msg = recv(e, sub, "sub_actor");
    expect_message("sub_actor", msg, message(topic));
    got.push_back(msg.front());
  }
  expect(nothing_more(e, sub), "sub_actor received a message too many");
  trace("sub_actor <- " + join(got));
  return got.size();
}

} // namespace

std::string pub_sub(env& e) {
  std::puts(" 1. our pub_actor -> two libzmq SUBs");
  auto counts = pub_to_libzmq_subs(e);
  std::puts(" 2. a libzmq PUB -> our sub_actor");
  auto n = libzmq_pub_to_sub(e);
  return "our PUB: " + std::to_string(our_topics.size()) + " published, " +
         counts + " to libzmq SUBs (each only its prefix); libzmq PUB: " +
         std::to_string(n) + " of " + std::to_string(libzmq_topics.size()) +
         " matched our SUB";
}

} // namespace demo
