// DEALER/ROUTER request-reply, in three parts:
//  1. our dealer_actor connects to a libzmq ROUTER and sends it requests;
//  2. a libzmq DEALER connects to our bound dealer_actor;
//  3. our router_actor serves two libzmq clients, a DEALER and a REQ: every
//     request starts with its client's routing id, and the reply carries
//     that id back in front, so it reaches the right client.
#include "common.hpp"

namespace demo {

namespace {

/// Part 1: returns the number of request/reply rounds.
int dealer_to_libzmq_router(env& e) {
  auto router = zsocket(e, zmq::socket_type::router);
  router.bind("tcp://127.0.0.1:*");
  auto ep = router.get(zmq::sockopt::last_endpoint);
  auto opts = e.options();
  opts.identity = "caf-dealer"; // the routing id the ROUTER will see
  // e.keep: main() closes the socket (close_atom) when the pattern ends.
  auto dealer = e.keep(mq::spawn_dealer(e.sys, opts));
  connect(e, dealer, ep);
  trace("dealer_actor 'caf-dealer' connects to a libzmq ROUTER at " + ep);
  const int rounds = 3;
  for (int i = 1; i <= rounds; ++i) {
    strings request{"request", std::to_string(i)};
    send(e, dealer, request);
    // The ROUTER sees the dealer's routing id in front of the request ...
    auto got = zrecv(router, "libzmq ROUTER");
    strings want{"caf-dealer"};
    want.insert(want.end(), request.begin(), request.end());
    expect_message("libzmq ROUTER", got, want);
    // ... and answers through that id: "echo:" + the last frame.
    auto answer = got;
    answer.back() = "echo:" + answer.back();
    zsend(router, answer);
    auto reply = recv(e, dealer, "dealer_actor");
    expect_message("dealer_actor", reply,
                   {"request", "echo:" + std::to_string(i)});
    trace("dealer_actor  -> " + show(request) + "  libzmq ROUTER got " +
          show(got));
    trace("dealer_actor  <- " + show(reply));
  }
  return rounds;
}

/// Part 2: a libzmq DEALER says hello to our bound dealer_actor.
void libzmq_dealer_to_dealer(env& e) {
  auto server = e.keep(mq::spawn_dealer(e.sys, e.options()));
  auto ep = bind_local(e, server);
  trace("dealer_actor bound to " + ep + ", a libzmq DEALER connects");
  auto client = zsocket(e, zmq::socket_type::dealer);
  client.connect(ep);
  zsend(client, {"hello from libzmq"});
  auto got = recv(e, server, "dealer_actor");
  expect_message("dealer_actor", got, {"hello from libzmq"});
  trace("dealer_actor  <- " + show(got));
  send(e, server, {"hello from CAF"});
  auto answer = zrecv(client, "libzmq DEALER");
  expect_message("libzmq DEALER", answer, {"hello from CAF"});
  trace("libzmq DEALER <- " + show(answer));
}

/// Part 3: our router_actor serves libzmq clients "alice" (a DEALER) and
/// "bob" (a REQ); returns the number of requests served.
int router_serves_libzmq_clients(env& e) {
  auto router = e.keep(mq::spawn_router(e.sys, e.options()));
  auto ep = bind_local(e, router);
  auto alice = zsocket(e, zmq::socket_type::dealer, "alice");
  auto bob = zsocket(e, zmq::socket_type::req, "bob");
  alice.connect(ep);
  bob.connect(ep);
  trace("router_actor bound to " + ep +
        ", libzmq DEALER 'alice' and REQ 'bob' connect");
  const int rounds = 2;
  int served = 0;
  for (int r = 1; r <= rounds; ++r) {
    auto n = std::to_string(r);
    zsend(alice, {"alice-" + n}); // a DEALER sends just the body
    zsend(bob, {"bob-" + n});     // a REQ puts an empty delimiter in front
    // The requests arrive in either order: the router answers each one
    // through the routing id in its first frame.
    for (int i = 0; i < 2; ++i) {
      // [id, body] from the DEALER, [id, '', body] from the REQ.
      auto request = recv(e, router, "router_actor");
      expect(request.back().rfind(request.front() + "-", 0) == 0,
             "router_actor: request " + show(request) +
                 " does not carry its sender's routing id");
      auto reply = request;
      reply.back() = "done:" + request.back();
      send(e, router, reply);
      ++served;
      trace("router_actor <- " + show(request) + "  -> " + show(reply));
    }
    auto to_alice = zrecv(alice, "libzmq DEALER 'alice'");
    auto to_bob = zrecv(bob, "libzmq REQ 'bob'"); // the delimiter is removed
    expect_message("alice", to_alice, {"done:alice-" + n});
    expect_message("bob", to_bob, {"done:bob-" + n});
    trace("libzmq DEALER 'alice' <- " + show(to_alice) +
          "  libzmq REQ 'bob' <- " + show(to_bob));
  }
  return served;
}

} // namespace

std::string dealer_router(env& e) {
  std::puts(" 1. our dealer_actor -> a libzmq ROUTER");
  auto rounds = dealer_to_libzmq_router(e);
  std::puts(" 2. a libzmq DEALER -> our dealer_actor");
  libzmq_dealer_to_dealer(e);
  std::puts(" 3. libzmq DEALER and REQ clients -> our router_actor");
  auto served = router_serves_libzmq_clients(e);
  auto n = std::to_string(rounds);
  return n + " requests/" + n + " replies via a libzmq ROUTER, 1/1 from a " +
         "libzmq DEALER, " + std::to_string(served) + "/" +
         std::to_string(served) + " via our ROUTER (routed by id)";
}

} // namespace demo
