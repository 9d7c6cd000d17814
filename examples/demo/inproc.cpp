// inproc: our sockets talking to each other inside this actor system, with
// no kernel, no ring and no ZMTP encoding on the way (libzmq's `inproc://`):
//  1. our req_actor asks our rep_actor; the REQ connects before the REP
//     binds, and the connection completes when the bind appears;
//  2. our push_actor feeds our pull_actor a 64 KiB message, which arrives
//     as the very buffer that was sent: frames are handed over by
//     reference, never copied.
// An inproc name is known only inside one actor system; the libzmq peers of
// the other patterns cannot reach it (as in libzmq, where inproc is per
// context).
#include "common.hpp"

namespace demo {

namespace {

const int rounds = 2;

/// Part 1: returns what the REP's stats say about its peer.
std::string req_to_rep(env& e) {
  const std::string name = "inproc://demo-echo";
  auto req = e.keep(mq::spawn_req(e.sys, e.options()));
  connect(e, req, name); // nothing is bound there yet: that is fine
  auto rep = e.keep(mq::spawn_rep(e.sys, e.options()));
  auto bound = ask<std::string>(e, "bind", rep, mq::bind_atom::value, name);
  expect(bound == name, "rep_actor bound " + bound + ", expected " + name);
  trace("req_actor connects to " + name + ", then rep_actor binds it");
  for (int i = 1; i <= rounds; ++i) {
    strings question{"ping " + std::to_string(i)};
    send(e, req, question);
    expect_message("rep_actor", recv(e, rep, "rep_actor"), question);
    strings answer{"pong " + std::to_string(i)};
    send(e, rep, answer);
    expect_message("req_actor", recv(e, req, "req_actor"), answer);
    trace("req_actor -> " + show(question) + "  <- " + show(answer));
  }
  // An inproc peer is a peer like any other, minus the network.
  auto peers = stats(e, rep).peers;
  expect(peers.size() == 1 && peers[0].up,
         "rep_actor: expected 1 peer up, got " + std::to_string(peers.size()));
  auto& p = peers[0];
  expect(p.endpoint == name && p.mechanism == "NULL" && p.ring == -1,
         "rep_actor's peer: endpoint " + p.endpoint + ", mechanism " +
             p.mechanism + ", ring " + std::to_string(p.ring) + "; expected " +
             name + ", NULL, -1");
  auto line = "endpoint " + p.endpoint + ", " + p.peer_type + ", mechanism " +
              p.mechanism + ", ring " + std::to_string(p.ring) + " (none)";
  trace("rep_actor's peer: " + line);
  return line;
}

/// Part 2: returns the size of the message that crossed without a copy.
size_t push_to_pull(env& e) {
  const std::string name = "inproc://demo-pipeline";
  auto push = e.keep(mq::spawn_push(e.sys, e.options()));
  ask<std::string>(e, "bind", push, mq::bind_atom::value, name);
  auto pull = e.keep(mq::spawn_pull(e.sys, e.options()));
  connect(e, pull, name);
  trace("push_actor binds " + name + ", pull_actor connects");
  // 64 KiB filled once; the sent message shares this buffer.
  auto big = mq::frame::allocate(size_t{64} * 1024);
  for (size_t i = 0; i < big.size(); ++i)
    big.mutable_data()[i] = static_cast<uint8_t>(i * 7);
  mq::multipart msg;
  msg.push_back(mq::frame::from_string("blob"));
  msg.push_back(big);
  ask<caf::ok_atom>(e, "send", push, mq::send_atom::value, std::move(msg));
  mq::multipart got;
  caf::error err;
  e.self
      ->request(pull, 2 * timeout, mq::recv_atom::value, caf::timespan{timeout})
      .receive([&](mq::multipart& x) { got = std::move(x); },
               [&](caf::error& x) { err = std::move(x); });
  if (err)
    throw failure{"pull_actor: recv: " + e.sys.render(err)};
  expect(got.size() == 2 && got[0].to_string() == "blob" &&
             got[1].size() == big.size(),
         "pull_actor received " + std::to_string(got.size()) +
             " frame(s), expected ['blob', 64 KiB]");
  expect(got[1].data() == big.data(),
         "pull_actor: the 64 KiB frame is a copy, not the buffer sent");
  trace("pull_actor <- ['blob', 64 KiB]: the same buffer as sent (no copy)");
  return big.size();
}

} // namespace

std::string inproc(env& e) {
  std::puts(" 1. our req_actor -> our rep_actor, connect before bind");
  auto peer = req_to_rep(e);
  std::puts(" 2. our push_actor -> our pull_actor, 64 KiB");
  auto size = push_to_pull(e);
  auto n = std::to_string(rounds);
  return n + " requests/" + n + " replies REQ->REP (" + peer + "); " +
         std::to_string(size / 1024) +
         " KiB PUSH->PULL handed over by reference, no copy";
}

} // namespace demo
