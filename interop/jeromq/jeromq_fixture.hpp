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
// and msgs_out() (ours: from `stats`; libzmq: nothing to check).
//
// Every scenario runs one JeromqPeer (one JVM) and checks its exit code:
// the Java side checks what it received itself (see JeromqPeer.java).
// A suite file defines CAF_SUITE and then includes this header.

#include "interop_fixture.hpp"
#include "jeromq/jeromq_peer.hpp"

#include <optional>
#include <string>
#include <vector>

namespace interop {

using strings = std::vector<std::string>;

// -- message specs ------------------------------------------------------------

/// Byte k of JeromqPeer's `~N` frames.
inline std::string jpattern(size_t n) {
  std::string result(n, '\0');
  for (size_t k = 0; k < n; ++k)
    result[k] = static_cast<char>('a' + k % 26);
  return result;
}

/// The frames of a JeromqPeer SPEC ("a||~300": "a", "", 300 pattern bytes).
inline strings parts(const std::string& spec) {
  strings result;
  size_t pos = 0;
  for (;;) {
    auto bar = spec.find('|', pos);
    auto part = spec.substr(pos, bar == std::string::npos ? bar : bar - pos);
    if (!part.empty() && part[0] == '~')
      result.push_back(jpattern(std::stoul(part.substr(1))));
    else
      result.push_back(part);
    if (bar == std::string::npos)
      return result;
    pos = bar + 1;
  }
}

/// `parts(spec)` behind a routing id.
inline strings routed(const std::string& id, const std::string& spec) {
  strings result{id};
  for (auto& p : parts(spec))
    result.push_back(p);
  return result;
}

/// The multipart messages every scenario carries: several frames with an
/// empty one, a frame > 255 bytes (LONG flag) and a 64 KiB+ one, and a
/// message of one empty frame.
inline const strings& payload_specs() {
  static const strings result{"a||b", "~300|", "x|~66000|", ""};
  return result;
}

/// `msg` for a log line: long frames by their size.
inline std::string show(const strings& msg) {
  std::string result = "[";
  for (size_t i = 0; i < msg.size(); ++i) {
    if (i > 0)
      result += ", ";
    if (msg[i].size() > 40)
      result += "<" + std::to_string(msg[i].size()) + " bytes>";
    else
      result += '"' + msg[i] + '"';
  }
  return result + "]";
}

/// Checks that `got` equals `want`, showing both if not.
#define JEROMQ_CHECK_MSG(got_expr, want_expr)                                  \
  do {                                                                         \
    auto jeromq_got = (got_expr);                                              \
    auto jeromq_want = (want_expr);                                            \
    if (jeromq_got != jeromq_want)                                             \
      CAF_MESSAGE("got " << show(jeromq_got) << ", want "                      \
                         << show(jeromq_want));                                \
    CAF_CHECK(jeromq_got == jeromq_want);                                      \
  } while (false)

/// Checks `cond` and returns from the (void) scenario if it failed: a
/// failed check, not CAF_REQUIRE's abort, so the other tests of the suite
/// still run and the JVM is reaped.
#define JEROMQ_EXPECT(...)                                                     \
  do {                                                                         \
    bool jeromq_ok = static_cast<bool>(__VA_ARGS__);                           \
    static_cast<void>(::caf::test::detail::check(                              \
        ::caf::test::engine::current_test(), __FILE__, __LINE__,               \
        #__VA_ARGS__, false, jeromq_ok));                                      \
    ::caf::test::engine::last_check_file(__FILE__);                            \
    ::caf::test::engine::last_check_line(__LINE__);                            \
    if (!jeromq_ok)                                                            \
      return;                                                                  \
  } while (false)

// -- local sides --------------------------------------------------------------

/// One of our sockets as a local side.
template <class Handle> struct our_side {
  client& c;
  Handle h;

  std::string bind() { return c.bind(h); }

  void connect(const std::string& ep) { c.connect(h, ep); }

  bool up() {
    return c.await_status(h, 1, std::chrono::seconds{5});
  }

  bool send(const strings& msg) {
    if (auto err = c.try_send(h, mp(msg))) {
      CAF_MESSAGE("send failed: " << c.host.render(err));
      return false;
    }
    return true;
  }

  strings recv() { return c.recv_strs(h); }

  void subscribe(const std::string& prefix) {
    if constexpr (std::is_same_v<Handle, mq::sub_actor>) {
      bool ok = false;
      c.self->request(h, timeout, mq::subscribe_to_atom::value, prefix)
          .receive([&](caf::ok_atom) { ok = true; },
                   [&](caf::error& err) {
                     CAF_MESSAGE("subscribe failed: " << c.host.render(err));
                   });
      CAF_CHECK(ok);
    } else {
      CAF_MESSAGE("subscribe on a socket that is not a SUB");
      CAF_CHECK(false);
    }
  }

  /// Checks the peer as our socket sees it: its type and routing id.
  void check_peer(const std::string& type, const std::string& routing_id) {
    auto st = c.stats(h);
    JEROMQ_EXPECT(st.peers.size() == 1u);
    auto peer = st.peers.front();
    CAF_CHECK_EQUAL(peer.peer_type, type);
    if (!routing_id.empty())
      CAF_CHECK_EQUAL(peer.routing_id, routing_id);
  }

  /// Messages our socket sent to its (single) peer.
  std::optional<uint64_t> msgs_out() {
    auto st = c.stats(h);
    if (st.peers.size() != 1)
      return std::nullopt;
    return st.peers.front().msgs_out;
  }

  void close() { CAF_CHECK(c.close(h)); }
};

/// A libzmq socket as a local side.
struct zmq_side {
  zmq::socket_t sock;

  std::string bind() { return zbind(sock); }

  void connect(const std::string& ep) { sock.connect(ep); }

  bool up() { return true; }

  bool send(const strings& msg) { return zsend(sock, msg); }

  strings recv() { return zrecv(sock); }

  void subscribe(const std::string& prefix) {
    sock.set(zmq::sockopt::subscribe, prefix);
  }

  void check_peer(const std::string&, const std::string&) {
    // libzmq does not tell
  }

  std::optional<uint64_t> msgs_out() { return std::nullopt; }

  void close() { sock.close(); }
};

// -- the scenarios ------------------------------------------------------------

struct jeromq_fixture : fixture {
  jeromq_fixture() {
    if (!jeromq_peer_compiled())
      CAF_FAIL("no " << jeromq_classes_dir() << "/JeromqPeer.class: run the "
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

  template <class Handle> our_side<Handle> ours(Handle h) {
    return {*this, std::move(h)};
  }

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
      result.push_back(spec.substr(pos, bar == std::string::npos ? bar
                                                                 : bar - pos));
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
    static const strings result{"C-0",    "A-1", "B-2|x", "C-3", "AB-4",
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

  /// Local PUB to a JeroMQ SUB subscribed to A, B and W (warm-up topic).
  /// The SUB checks that exactly the matching messages arrive in order;
  /// our PUB's counters show that it filtered (ZMTP 2.0 subscriptions
  /// arrive as messages) instead of leaving it to the subscriber.
  template <class Side> void pub_to_jeromq_sub(Side side, bool we_bind) {
    strings args{"--skip=W", "sub:A", "sub:B", "sub:W", "sync:W"};
    for (auto& spec : wanted_specs())
      args.push_back("recv:" + spec);
    args.push_back("skipped");
    args.push_back("wait");
    auto peer = start(side, we_bind, "SUB", args);
    JEROMQ_EXPECT(peer != nullptr);
    side.check_peer("SUB", "");
    // Publish W until the SUB saw one: its subscriptions have arrived.
    bool synced = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (!synced && std::chrono::steady_clock::now() < deadline) {
      JEROMQ_EXPECT(side.send({"W"}));
      synced = peer->await_line("SYNCED", std::chrono::milliseconds{20})
                 .has_value();
    }
    JEROMQ_EXPECT(synced);
    for (auto& spec : published_specs())
      JEROMQ_EXPECT(side.send(parts(spec)));
    // The SUB got all it wanted (else it fails) and now says how many W
    // it saw; it stays connected until told to go.
    auto skipped = peer->await_line("SKIPPED ");
    JEROMQ_EXPECT(skipped.has_value());
    if (auto sent = side.msgs_out()) {
      // Everything our PUB sent to the SUB: the W messages the SUB saw
      // plus the wanted ones, no C topic, no empty topic.
      CAF_CHECK_EQUAL(*sent, std::stoul(*skipped) + wanted_specs().size());
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
