#pragma once

// The JeroMQ 0.3.6 interop scenarios (ZMTP 2.0 peers), written once over a
// "local side" and run twice: with our sockets (interop/jeromq_*.test.cpp)
// and with libzmq 4.3.4 sockets (interop/jeromq_libzmq.test.cpp), which
// speak ZMTP 2.0 to JeroMQ and so show that the Java peer and this harness
// are right whenever one of ours fails.
//
// A side offers: bind() -> endpoint, connect(ep), up() (a peer finished its
// handshake; libzmq cannot tell and says yes), send(parts), recv() ->
// parts or `timed_out`, subscribe(prefix), check_peer(type, routing_id)
// and msgs_out() with counts_sent (ours: from `stats`, waiting until the
// socket has its one peer, and a failure if it never has; libzmq: nothing
// to check, counts_sent is false).
//
// Every scenario runs one JeromqPeer (one JVM) and checks its exit code:
// the Java side checks what it received itself (see JeromqPeer.java).
// A suite file defines CAF_SUITE and then includes this header.

#include "jeromq/jeromq_peer.hpp"
#include "jeromq/jeromq_sides.hpp"

#include <optional>
#include <string>
#include <vector>

namespace interop {

// -- the scenarios ------------------------------------------------------------

/// The fixture of the jeromq_* suites: `fixture` plus the scenarios.
struct jeromq_fixture : fixture {
  jeromq_fixture() {
    if (!jeromq_peer_compiled())
      CAF_FAIL(
          "no " << jeromq_classes_dir()
                << "/JeromqPeer.class: run the "
                   "CTest fixture jeromq_peer_compile (ctest -R jeromq) first");
  }

  /// Options for our sockets: fast reconnects, a bounded linger.
  mq::socket_options fast(const std::string& identity = {}) {
    auto opts = defaults();
    opts.reconnect_ivl = std::chrono::milliseconds{20};
    opts.linger = std::chrono::seconds{1};
    opts.identity = identity;
    return opts;
  }

  /// Our socket `h` as a local side.
  template <class Handle> our_side<Handle> ours(Handle h) {
    return {*this, std::move(h)};
  }

  /// A libzmq socket of `type` (routing id `identity` unless empty) as a
  /// local side.
  zmq_side libzmq(zmq::socket_type type, const std::string& identity = {}) {
    auto s = zsock(ctx, type);
    if (!identity.empty())
      s.set(zmq::sockopt::routing_id, identity);
    return {std::move(s)};
  }

  /// Starts JeromqPeer as `jtype` with `args` (options, actions); the side
  /// that binds is the local one if `we_bind`, else the Java one. Returns
  /// once both are bound/connecting and the local side saw the peer; null
  /// (after a failed check) if that did not happen.
  template <class Side>
  std::unique_ptr<jeromq_peer> start(Side& side, bool we_bind,
                                     const std::string& jtype,
                                     const strings& args) {
    std::unique_ptr<jeromq_peer> peer;
    if (we_bind) {
      auto ep = side.bind();
      CAF_CHECK_NOT_EQUAL(ep, "");
      if (ep.empty())
        return nullptr;
      strings argv{jtype, "connect", ep};
      argv.insert(argv.end(), args.begin(), args.end());
      peer = std::make_unique<jeromq_peer>(argv);
      auto ready = peer->ready();
      CAF_CHECK_NOT_EQUAL(ready, "");
      if (ready.empty())
        return nullptr;
    } else {
      strings argv{jtype, "bind", "tcp://127.0.0.1:*"};
      argv.insert(argv.end(), args.begin(), args.end());
      peer = std::make_unique<jeromq_peer>(argv);
      auto ep = peer->ready();
      CAF_CHECK_NOT_EQUAL(ep, "");
      if (ep.empty())
        return nullptr;
      side.connect(ep);
    }
    auto up = side.up();
    if (!up)
      CAF_MESSAGE("no handshake with the JeroMQ " << jtype << " within 5 s");
    CAF_CHECK(up);
    if (!up)
      return nullptr;
    return peer;
  }

  /// Waits for the peer and checks that it succeeded.
  static void finish(jeromq_peer& peer) {
    auto rc = peer.wait();
    CAF_CHECK_EQUAL(rc, 0);
  }

  // -- DEALER / ROUTER --------------------------------------------------------

  /// Local DEALER (`id` may be empty) against a JeroMQ ROUTER, which sees
  /// our routing id when we have one and echoes everything.
  template <class Side>
  void dealer_to_jeromq_router(Side side, bool we_bind, const std::string& id) {
    strings args;
    if (!id.empty())
      args = {"recv:" + id + "|hello", "send:" + id + "|world"};
    else
      args = {"echo:1"};
    args.push_back("echo:" + std::to_string(payload_specs().size()));
    auto peer = start(side, we_bind, "ROUTER", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("ROUTER", "");
    JEROMQ_EXPECT(side.send({"hello"}));
    JEROMQ_CHECK_MSG(side.recv(), (strings{id.empty() ? "hello" : "world"}));
    for (auto& spec : payload_specs())
      JEROMQ_EXPECT(side.send(parts(spec)));
    for (auto& spec : payload_specs())
      JEROMQ_CHECK_MSG(side.recv(), parts(spec));
    finish(*peer);
    side.close();
  }

  /// Local ROUTER against a JeroMQ DEALER with identity "jq-dealer".
  template <class Side> void router_to_jeromq_dealer(Side side, bool we_bind) {
    const std::string id = "jq-dealer";
    auto peer = start(side, we_bind, "DEALER",
                      {"--identity=" + id, "send:hello", "recv:world",
                       "echo:" + std::to_string(payload_specs().size())});
    JEROMQ_EXPECT(peer != nullptr);
    JEROMQ_CHECK_MSG(side.recv(), (strings{id, "hello"}));
    side.check_peer("DEALER", id);
    JEROMQ_EXPECT(side.send({id, "world"}));
    for (auto& spec : payload_specs())
      JEROMQ_EXPECT(side.send(routed(id, spec)));
    for (auto& spec : payload_specs())
      JEROMQ_CHECK_MSG(side.recv(), routed(id, spec));
    finish(*peer);
    side.close();
  }

  /// Local ROUTER against a JeroMQ DEALER without identity: the ROUTER
  /// makes up a routing id (5 bytes, 00 first) and answers through it.
  template <class Side>
  void router_to_anonymous_jeromq_dealer(Side side, bool we_bind) {
    auto peer = start(side, we_bind, "DEALER",
                      {"send:hello", "recv:world", "send:a||~300"});
    JEROMQ_EXPECT(peer != nullptr);
    auto first = side.recv();
    JEROMQ_EXPECT(first.size() == 2);
    auto id = first[0];
    CAF_CHECK_EQUAL(id.size(), 5u);
    CAF_CHECK_EQUAL(id[0], '\0');
    CAF_CHECK_EQUAL(first[1], "hello");
    JEROMQ_EXPECT(side.send({id, "world"}));
    JEROMQ_CHECK_MSG(side.recv(), routed(id, "a||~300"));
    finish(*peer);
    side.close();
  }

  /// Local ROUTER against a JeroMQ REQ: the request arrives as
  /// [id, "", body...] and the reply goes back with the same envelope.
  template <class Side> void router_to_jeromq_req(Side side, bool we_bind) {
    auto peer = start(side, we_bind, "REQ",
                      {"--identity=jq-req", "send:hello|~300", "recv:world",
                       "send:again", "recv:|x|"});
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("REQ", "jq-req");
    JEROMQ_CHECK_MSG(side.recv(),
                     (strings{"jq-req", "", "hello", jpattern(300)}));
    JEROMQ_EXPECT(side.send({"jq-req", "", "world"}));
    JEROMQ_CHECK_MSG(side.recv(), (strings{"jq-req", "", "again"}));
    JEROMQ_EXPECT(side.send({"jq-req", "", "", "x", ""}));
    finish(*peer);
    side.close();
  }

  // -- REQ / REP --------------------------------------------------------------

  /// Local REQ against a JeroMQ REP that echoes.
  template <class Side> void req_to_jeromq_rep(Side side, bool we_bind) {
    auto n = std::to_string(payload_specs().size() + 1);
    auto peer = start(side, we_bind, "REP", {"echo:" + n});
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("REP", "");
    JEROMQ_EXPECT(side.send({"hello"}));
    JEROMQ_CHECK_MSG(side.recv(), (strings{"hello"}));
    for (auto& spec : payload_specs()) {
      JEROMQ_EXPECT(side.send(parts(spec)));
      JEROMQ_CHECK_MSG(side.recv(), parts(spec));
    }
    finish(*peer);
    side.close();
  }

  /// Local REP against a JeroMQ REQ: each reply reverses the request.
  template <class Side> void rep_to_jeromq_req(Side side, bool we_bind) {
    strings args;
    for (auto& spec : payload_specs()) {
      std::string rev;
      auto specs = split_spec(spec);
      for (size_t i = specs.size(); i-- > 0;)
        rev += specs[i] + (i > 0 ? "|" : "");
      args.push_back("send:" + spec);
      args.push_back("recv:" + rev);
    }
    auto peer = start(side, we_bind, "REQ", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("REQ", "");
    for (auto& spec : payload_specs()) {
      auto req = side.recv();
      JEROMQ_CHECK_MSG(req, parts(spec));
      if (req == timed_out)
        break;
      strings reply(req.rbegin(), req.rend());
      JEROMQ_EXPECT(side.send(reply));
    }
    finish(*peer);
    side.close();
  }

  /// The frames of `spec` as specs ("a||~3" -> "a", "", "~3").
  static strings split_spec(const std::string& spec) {
    strings result;
    size_t pos = 0;
    for (;;) {
      auto bar = spec.find('|', pos);
      result.push_back(
          spec.substr(pos, bar == std::string::npos ? bar : bar - pos));
      if (bar == std::string::npos)
        return result;
      pos = bar + 1;
    }
  }

  // -- PUSH / PULL ------------------------------------------------------------

  /// Local PUSH to a JeroMQ PULL: 100 numbered messages, then the payloads.
  template <class Side> void push_to_jeromq_pull(Side side, bool we_bind) {
    strings args{"recvn:100:m"};
    for (auto& spec : payload_specs())
      args.push_back("recv:" + spec);
    auto peer = start(side, we_bind, "PULL", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("PULL", "");
    for (int i = 0; i < 100; ++i)
      JEROMQ_EXPECT(side.send({"m" + std::to_string(i)}));
    for (auto& spec : payload_specs())
      JEROMQ_EXPECT(side.send(parts(spec)));
    finish(*peer);
    side.close();
  }

  /// A JeroMQ PUSH to a local PULL.
  template <class Side> void jeromq_push_to_pull(Side side, bool we_bind) {
    strings args{"sendn:100:m"};
    for (auto& spec : payload_specs())
      args.push_back("send:" + spec);
    auto peer = start(side, we_bind, "PUSH", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("PUSH", "");
    int bad = 0;
    for (int i = 0; i < 100; ++i) {
      auto msg = side.recv();
      if (msg != strings{"m" + std::to_string(i)} && bad++ == 0)
        CAF_MESSAGE("message " << i << ": " << show(msg));
    }
    CAF_CHECK_EQUAL(bad, 0);
    for (auto& spec : payload_specs())
      JEROMQ_CHECK_MSG(side.recv(), parts(spec));
    finish(*peer);
    side.close();
  }

  // -- PUB / SUB --------------------------------------------------------------

  /// What the PUB/SUB scenarios publish after the warm-up: "C" topics and
  /// an empty first frame match no subscription (A, B, W).
  static const strings& published_specs() {
    static const strings result{"C-0",    "A-1", "B-2|x",  "C-3",  "AB-4",
                                "A|~300", "",    "C|~300", "B-end"};
    return result;
  }

  /// The published specs a subscriber to A and B gets.
  static strings wanted_specs() {
    strings result;
    for (auto& s : published_specs())
      if (!s.empty() && (s[0] == 'A' || s[0] == 'B'))
        result.push_back(s);
    return result;
  }

  /// Publishes `topic` through `side` every 20 ms until the JeroMQ SUB
  /// says "SYNCED" (it received one: its subscriptions up to `topic`'s
  /// arrived at our PUB); false after 10 s.
  template <class Side>
  static bool publish_until_synced(Side& side, jeromq_peer& peer,
                                   const std::string& topic) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (std::chrono::steady_clock::now() < deadline) {
      if (!side.send({topic}))
        return false;
      if (peer.await_line("SYNCED", std::chrono::milliseconds{20}))
        return true;
    }
    return false;
  }

  /// Local PUB to a JeroMQ SUB subscribed to A, B and W (warm-up topic).
  /// The SUB checks that exactly the matching messages arrive in order;
  /// our PUB's counters show that it filtered (ZMTP 2.0 subscriptions
  /// arrive as messages) instead of leaving it to the subscriber. Then the
  /// SUB cancels B ("\x00B" message) and subscribes to Y, and once Y
  /// arrives, B no longer goes out.
  template <class Side> void pub_to_jeromq_sub(Side side, bool we_bind) {
    strings args{"--skip=W", "--skip=Y", "sub:A", "sub:B", "sub:W", "sync:W"};
    for (auto& spec : wanted_specs())
      args.push_back("recv:" + spec);
    for (auto x : {"skipped", "wait", "unsub:B", "sub:Y", "sync:Y",
                   "recv:A-late", "skipped", "wait"})
      args.push_back(x);
    auto peer = start(side, we_bind, "SUB", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("SUB", "");
    JEROMQ_EXPECT(publish_until_synced(side, *peer, "W"));
    for (auto& spec : published_specs())
      JEROMQ_EXPECT(side.send(parts(spec)));
    // The SUB got all it wanted (else it fails) and now says how many W
    // it saw; it stays connected until told to go.
    auto skipped = peer->await_line("SKIPPED ");
    JEROMQ_EXPECT(skipped.has_value());
    if constexpr (Side::counts_sent) {
      // Everything our PUB sent to the SUB: the W messages the SUB saw
      // plus the wanted ones, no C topic, no empty topic.
      auto sent = side.msgs_out();
      JEROMQ_EXPECT(sent.has_value());
      CAF_CHECK_EQUAL(*sent, std::stoul(*skipped) + wanted_specs().size());
    }
    JEROMQ_EXPECT(peer->write_line("go"));
    // Cancelled B: only A-late may go out (Y and W are counted as skipped).
    JEROMQ_EXPECT(publish_until_synced(side, *peer, "Y"));
    JEROMQ_EXPECT(side.send({"B-gone"}));
    JEROMQ_EXPECT(side.send({"A-late"}));
    auto skipped2 = peer->await_line("SKIPPED ");
    JEROMQ_EXPECT(skipped2.has_value());
    if constexpr (Side::counts_sent) {
      auto sent = side.msgs_out();
      JEROMQ_EXPECT(sent.has_value());
      CAF_CHECK_EQUAL(*sent, std::stoul(*skipped2) + wanted_specs().size() + 1);
    }
    JEROMQ_EXPECT(peer->write_line("go"));
    finish(*peer);
    side.close();
  }

  /// A JeroMQ PUB to a local SUB subscribed to A, B and W: the PUB only
  /// sends what matches once our subscriptions (ZMTP 2.0 messages) reach
  /// it, so the W warm-up arriving proves they did.
  template <class Side> void jeromq_pub_to_sub(Side side, bool we_bind) {
    for (auto prefix : {"A", "B", "W"})
      side.subscribe(prefix);
    strings args{"warm:W"};
    for (auto& spec : published_specs())
      args.push_back("send:" + spec);
    auto peer = start(side, we_bind, "PUB", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("PUB", "");
    auto first = side.recv();
    JEROMQ_CHECK_MSG(first, (strings{"W"}));
    JEROMQ_EXPECT(first == strings{"W"});
    JEROMQ_EXPECT(peer->write_line("go"));
    for (auto& spec : wanted_specs()) {
      auto msg = side.recv();
      while (msg == strings{"W"})
        msg = side.recv();
      JEROMQ_CHECK_MSG(msg, parts(spec));
      if (msg == timed_out)
        break;
    }
    finish(*peer);
    side.close();
  }
};

} // namespace interop
