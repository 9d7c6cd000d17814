// REQ/REP: strict request-reply (send, then receive, then send ...). The
// empty delimiter frame of the envelope is added and removed for you.
//  1. our req_actor asks a libzmq REP;
//  2. a libzmq REQ asks our rep_actor.
#include "common.hpp"

namespace demo {

namespace {

const int rounds = 2;

void req_to_libzmq_rep(env& e) {
  auto rep = zsocket(e, zmq::socket_type::rep);
  rep.bind("tcp://127.0.0.1:*");
  auto ep = rep.get(zmq::sockopt::last_endpoint);
  auto req = e.keep(mq::spawn_req(e.sys, e.options()));
  connect(e, req, ep);
  trace("req_actor connects to a libzmq REP at " + ep);
  for (int i = 1; i <= rounds; ++i) {
    strings question{"what is " + std::to_string(i) + " + 1?"};
    send(e, req, question);
    expect_message("libzmq REP", zrecv(rep, "libzmq REP"), question);
    strings answer{std::to_string(i + 1)};
    zsend(rep, answer);
    expect_message("req_actor", recv(e, req, "req_actor"), answer);
    trace("req_actor -> " + show(question) + "  <- " + show(answer));
  }
}

void libzmq_req_to_rep(env& e) {
  auto rep = e.keep(mq::spawn_rep(e.sys, e.options()));
  auto ep = bind_local(e, rep);
  auto req = zsocket(e, zmq::socket_type::req);
  req.connect(ep);
  trace("rep_actor bound to " + ep + ", a libzmq REQ connects");
  for (int i = 1; i <= rounds; ++i) {
    strings question{"ping " + std::to_string(i)};
    zsend(req, question);
    // recv yields the body; the next send is its reply, to the same peer.
    expect_message("rep_actor", recv(e, rep, "rep_actor"), question);
    strings answer{"pong " + std::to_string(i)};
    send(e, rep, answer);
    expect_message("libzmq REQ", zrecv(req, "libzmq REQ"), answer);
    trace("libzmq REQ -> " + show(question) + "  <- " + show(answer));
  }
}

} // namespace

std::string req_rep(env& e) {
  std::puts(" 1. our req_actor -> a libzmq REP");
  req_to_libzmq_rep(e);
  std::puts(" 2. a libzmq REQ -> our rep_actor");
  libzmq_req_to_rep(e);
  auto n = std::to_string(rounds);
  return n + " requests/" + n + " replies to a libzmq REP, " + n + "/" + n +
         " from a libzmq REQ to our REP";
}

} // namespace demo
