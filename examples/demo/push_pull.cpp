// PUSH->PULL, a load-balanced pipeline:
//  1. our push_actor hands tasks round-robin to two libzmq PULLs: each gets
//     some, together they get all, none twice;
//  2. a libzmq PUSH feeds our pull_actor.
#include "common.hpp"

#include <set>

namespace demo {

namespace {

const int tasks = 6;

/// Part 1: returns the split, e.g. "3+3".
std::string push_to_libzmq_pulls(env& e) {
  auto push = e.keep(mq::spawn_push(e.sys, e.options()));
  auto ep = bind_local(e, push);
  zmq::socket_t pulls[] = {zsocket(e, zmq::socket_type::pull),
                           zsocket(e, zmq::socket_type::pull)};
  for (auto& pull : pulls)
    pull.connect(ep);
  trace("push_actor bound to " + ep + ", two libzmq PULLs connect");
  // Round-robin covers the peers that are up: wait for both, or the first
  // one would get everything.
  wait_until("push_actor: 2 peers up", [&] {
    return ask<uint64_t>(e, "status", push, mq::status_atom::value) == 2;
  });
  strings sent;
  for (int i = 1; i <= tasks; ++i) {
    sent.push_back("task-" + std::to_string(i));
    send(e, push, {sent.back()});
  }
  trace("push_actor -> " + join(sent));
  // Receive from whichever PULL has a message until all arrived.
  strings got[2];
  size_t total = 0;
  while (total < sent.size()) {
    zmq::pollitem_t items[] = {{pulls[0].handle(), 0, ZMQ_POLLIN, 0},
                               {pulls[1].handle(), 0, ZMQ_POLLIN, 0}};
    if (zmq::poll(items, 2, timeout) == 0)
      throw failure{"libzmq PULLs: " + std::to_string(total) + " of " +
                    std::to_string(sent.size()) + " tasks within 3 s"};
    for (int i = 0; i < 2; ++i)
      if (items[i].revents & ZMQ_POLLIN) {
        auto msg = zrecv(pulls[i], "libzmq PULL");
        got[i].push_back(msg.front());
        ++total;
      }
  }
  std::set<std::string> all;
  for (int i = 0; i < 2; ++i) {
    auto who = std::string{"libzmq PULL "} + (i == 0 ? "A" : "B");
    expect(znothing_more(pulls[i]), who + " received a task too many");
    expect(!got[i].empty(), who + " received no task");
    trace(who + " <- " + join(got[i]));
    all.insert(got[i].begin(), got[i].end());
  }
  expect(all == std::set<std::string>(sent.begin(), sent.end()),
         "the PULLs did not receive every task exactly once");
  return std::to_string(got[0].size()) + "+" + std::to_string(got[1].size());
}

/// Part 2: returns the number of messages our pull_actor got.
int libzmq_push_to_pull(env& e) {
  auto pull = e.keep(mq::spawn_pull(e.sys, e.options()));
  auto ep = bind_local(e, pull);
  auto push = zsocket(e, zmq::socket_type::push);
  push.connect(ep);
  trace("pull_actor bound to " + ep + ", a libzmq PUSH connects");
  const int jobs = 3;
  strings sent;
  for (int i = 1; i <= jobs; ++i) {
    sent.push_back("job-" + std::to_string(i));
    zsend(push, {sent.back()});
  }
  trace("libzmq PUSH -> " + join(sent));
  strings got;
  for (auto& job : sent) {
    auto msg = recv(e, pull, "pull_actor");
    expect_message("pull_actor", msg, {job});
    got.push_back(msg.front());
  }
  expect(nothing_more(e, pull), "pull_actor received a job too many");
  trace("pull_actor <- " + join(got));
  return jobs;
}

} // namespace

std::string push_pull(env& e) {
  std::puts(" 1. our push_actor -> two libzmq PULLs");
  auto split = push_to_libzmq_pulls(e);
  std::puts(" 2. a libzmq PUSH -> our pull_actor");
  auto n = libzmq_push_to_pull(e);
  return "our PUSH: " + std::to_string(tasks) + " tasks split " + split +
         " over two libzmq PULLs, none twice; libzmq PUSH: " +
         std::to_string(n) + "/" + std::to_string(n) + " to our PULL";
}

} // namespace demo
