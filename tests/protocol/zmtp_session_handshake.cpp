#define CAF_SUITE zmtp_session_handshake
#include "session_pair.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

session_config config(socket_type type, std::string identity = {}) {
  session_config cfg;
  cfg.type = type;
  cfg.identity = std::move(identity);
  return cfg;
}

// Returns the single handshake_done of `xs`, or nullopt if `xs` is not
// exactly one handshake_done event.
std::optional<events::handshake_done>
single_handshake(const std::vector<event>& xs) {
  if (xs.size() != 1)
    return std::nullopt;
  if (auto* ptr = std::get_if<events::handshake_done>(&xs.front()))
    return *ptr;
  return std::nullopt;
}

// Bytes of a READY command with our properties in our order (Socket-Type,
// Identity for the types that send one), written by hand from RFC 23.
bytes expected_ready(std::string_view type,
                     std::optional<std::string_view> identity) {
  if (identity)
    return command_frame("READY", metadata_bytes({{"Socket-Type", type},
                                                  {"Identity", *identity}}));
  return command_frame("READY", metadata_bytes({{"Socket-Type", type}}));
}

} // namespace

// -- successful handshakes ----------------------------------------------------

CAF_TEST(dealer_router_handshake_with_every_chunking) {
  for (auto how : all_chunkings(70)) {
    for (bool dealer_is_a : {true, false}) {
      CAF_MESSAGE("chunking " << to_string(how) << ", dealer is "
                              << (dealer_is_a ? "a" : "b"));
      auto dealer = config(socket_type::dealer, "alice");
      auto router = config(socket_type::router);
      session_pair p{dealer_is_a ? dealer : router,
                     dealer_is_a ? router : dealer, how};
      CAF_CHECK(p.connect());
      auto a_done = single_handshake(poll_all(p.a));
      auto b_done = single_handshake(poll_all(p.b));
      CAF_REQUIRE(a_done && b_done);
      auto& on_dealer = dealer_is_a ? *a_done : *b_done;
      auto& on_router = dealer_is_a ? *b_done : *a_done;
      CAF_CHECK_EQUAL(on_dealer.peer.type, socket_type::router);
      CAF_CHECK_EQUAL(on_router.peer.type, socket_type::dealer);
      CAF_CHECK_EQUAL(on_router.peer.identity, "alice");
      CAF_CHECK_EQUAL(on_dealer.peer.identity, "");
      CAF_CHECK_EQUAL(on_dealer.peer.minor, 1u);
      CAF_CHECK_EQUAL(on_router.peer.minor, 1u);
      // Nothing left to say once both are ready: greeting plus READY each.
      CAF_CHECK(p.a.output().empty());
      CAF_CHECK(p.b.output().empty());
      auto a_frames = parse_frames(p.a_sent);
      auto b_frames = parse_frames(p.b_sent);
      CAF_REQUIRE_EQUAL(a_frames.size(), 1u);
      CAF_REQUIRE_EQUAL(b_frames.size(), 1u);
      CAF_CHECK_EQUAL(command_name_of(a_frames[0]), "READY");
      CAF_CHECK_EQUAL(command_name_of(b_frames[0]), "READY");
    }
  }
}

CAF_TEST(greeting_follows_rfc_23_byte_for_byte) {
  session s{config(socket_type::dealer)};
  s.start(0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::greeting);
  // Two steps: FF, 8 padding bytes, 7F, revision 3 at once; the rest
  // (minor 1, "NULL" padded to 20, as-server 0, 31 filler bytes) once the
  // peer's revision byte arrived.
  auto full = greeting_bytes(1, "NULL");
  auto out = drain(s.output());
  CAF_CHECK(out == bytes(full.begin(), full.begin() + 11));
  feed_bytes(s, bytes(full.begin(), full.begin() + 10), 0ns);
  CAF_CHECK(s.output().empty());
  feed_bytes(s, bytes{0x03}, 0ns);
  CAF_CHECK(drain(s.output()) == bytes(full.begin() + 11, full.end()));
  session old{[] {
    auto cfg = config(socket_type::dealer);
    cfg.minor_version = 0;
    return cfg;
  }()};
  old.start(0ns);
  feed_bytes(old, greeting_bytes(), 0ns);
  auto old_out = drain(old.output());
  old_out.resize(64);
  CAF_CHECK(old_out == greeting_bytes(0, "NULL"));
}

CAF_TEST(start_twice_queues_one_greeting) {
  session s{config(socket_type::dealer)};
  s.start(0ns);
  s.start(1ns);
  CAF_CHECK_EQUAL(s.output().size(), 11u);
}

CAF_TEST(handshake_done_carries_type_identity_minor_and_properties) {
  auto dealer = config(socket_type::dealer, "alice");
  CAF_REQUIRE(dealer.properties.set("X-Color", "blue"));
  CAF_REQUIRE(dealer.properties.set("X-Answer", "42"));
  auto router = config(socket_type::router, "bob");
  CAF_REQUIRE(router.properties.set("x-lower", "yes"));
  session_pair p{dealer, router};
  CAF_REQUIRE(p.connect());
  auto on_dealer = single_handshake(poll_all(p.a));
  auto on_router = single_handshake(poll_all(p.b));
  CAF_REQUIRE(on_dealer && on_router);
  // What the router learned about the dealer.
  const auto& d = on_router->peer;
  CAF_CHECK_EQUAL(d.type, socket_type::dealer);
  CAF_CHECK_EQUAL(d.identity, "alice");
  CAF_CHECK_EQUAL(d.minor, 1u);
  auto value = [](const metadata_view& md, std::string_view name) {
    auto val = md.find(name);
    return val ? std::string{*val} : std::string{"<missing>"};
  };
  CAF_CHECK_EQUAL(value(d.properties, "X-Color"), "blue");
  CAF_CHECK_EQUAL(value(d.properties, "x-color"), "blue");
  CAF_CHECK_EQUAL(value(d.properties, "X-COLOR"), "blue");
  CAF_CHECK_EQUAL(value(d.properties, "x-answer"), "42");
  CAF_CHECK_EQUAL(value(d.properties, "socket-type"), "DEALER");
  CAF_CHECK_EQUAL(value(d.properties, "IDENTITY"), "alice");
  CAF_CHECK_EQUAL(value(d.properties, "X-Missing"), "<missing>");
  // The sender's spelling travels unchanged.
  bool spelled = false;
  d.properties.for_each([&spelled](const metadata_view::entry& prop) {
    if (prop.name == "X-Color")
      spelled = true;
  });
  CAF_CHECK(spelled);
  // What the dealer learned about the router.
  const auto& r = on_dealer->peer;
  CAF_CHECK_EQUAL(r.type, socket_type::router);
  CAF_CHECK_EQUAL(r.identity, "bob");
  CAF_CHECK_EQUAL(value(r.properties, "X-LOWER"), "yes");
  // session::peer() says the same.
  CAF_CHECK_EQUAL(p.a.peer().identity, "bob");
  CAF_CHECK_EQUAL(p.b.peer().identity, "alice");
  CAF_CHECK_EQUAL(p.b.peer().type, socket_type::dealer);
  CAF_CHECK_EQUAL(value(p.b.peer().properties, "x-answer"), "42");
}

CAF_TEST(ready_carries_socket_type_and_identity_like_libzmq) {
  // DEALER, ROUTER and REQ announce an Identity (possibly empty); the other
  // types do not, even with one configured.
  struct row {
    socket_type self;
    socket_type peer;
    std::optional<std::string_view> identity;
  };
  std::vector<row> rows{
      {socket_type::dealer, socket_type::router, std::string_view{"id-1"}},
      {socket_type::router, socket_type::dealer, std::string_view{""}},
      {socket_type::req, socket_type::rep, std::string_view{"req"}},
      {socket_type::rep, socket_type::req, std::nullopt},
      {socket_type::pub, socket_type::sub, std::nullopt},
      {socket_type::sub, socket_type::pub, std::nullopt},
      {socket_type::push, socket_type::pull, std::nullopt},
      {socket_type::pair, socket_type::pair, std::nullopt},
  };
  for (auto& x : rows) {
    CAF_MESSAGE(wire_name(x.self) << " -> " << wire_name(x.peer));
    session s{config(x.self, x.identity ? std::string{*x.identity}
                                        : std::string{"ignored"})};
    s.start(0ns);
    auto out = raw_handshake(s, 0ns, x.peer);
    CAF_CHECK(s.ready());
    CAF_CHECK(out == concat({greeting_bytes(1),
                             expected_ready(wire_name(x.self), x.identity)}));
    auto done = single_handshake(poll_all(s));
    CAF_REQUIRE(done);
    CAF_CHECK_EQUAL(done->peer.type, x.peer);
    CAF_CHECK_EQUAL(done->peer.identity, "");
  }
}

CAF_TEST(zmtp_3_0_fallback_negotiates_minor_version_0_on_both_sides) {
  std::vector<std::pair<uint8_t, uint8_t>> minors{
      {0, 1}, {1, 0}, {0, 0}, {1, 1}};
  for (auto how :
       {chunking::whole(), chunking::bytewise(), chunking::split(11)}) {
    for (auto [a_minor, b_minor] : minors) {
      CAF_MESSAGE("a 3." << int{a_minor} << ", b 3." << int{b_minor} << ", "
                         << to_string(how));
      auto a_cfg = config(socket_type::dealer, "a");
      a_cfg.minor_version = a_minor;
      auto b_cfg = config(socket_type::router, "b");
      b_cfg.minor_version = b_minor;
      session_pair p{a_cfg, b_cfg, how};
      CAF_REQUIRE(p.connect());
      uint8_t expected = std::min(a_minor, b_minor);
      auto a_done = single_handshake(poll_all(p.a));
      auto b_done = single_handshake(poll_all(p.b));
      CAF_REQUIRE(a_done && b_done);
      CAF_CHECK_EQUAL(a_done->peer.minor, expected);
      CAF_CHECK_EQUAL(b_done->peer.minor, expected);
      CAF_CHECK_EQUAL(p.a.peer().minor, expected);
      CAF_CHECK_EQUAL(p.b.peer().minor, expected);
      // Each side announces its own configured version.
      CAF_REQUIRE_GREATER_OR_EQUAL(p.a_sent.size(), 64u);
      CAF_REQUIRE_GREATER_OR_EQUAL(p.b_sent.size(), 64u);
      CAF_CHECK_EQUAL(p.a_sent[11], a_minor);
      CAF_CHECK_EQUAL(p.b_sent[11], b_minor);
    }
  }
}

CAF_TEST(a_peer_announcing_a_newer_minor_version_gets_ours) {
  for (uint8_t peer_minor : {2, 9, 255}) {
    session s{config(socket_type::dealer)};
    raw_handshake(s, 0ns, socket_type::router, peer_minor);
    CAF_CHECK(s.ready());
    CAF_CHECK_EQUAL(s.peer().minor, 1u);
  }
}

CAF_TEST(ready_goes_out_after_peer_greeting_not_after_peer_ready) {
  session s{config(socket_type::dealer, "me")};
  s.start(0ns);
  CAF_CHECK(drain(s.output()) == greeting_head());
  auto peer = greeting_bytes(1);
  // 63 bytes of the peer's greeting: the rest of our greeting, no READY yet.
  s.feed(byte_span{peer.data(), 63}, 0ns);
  CAF_CHECK(drain(s.output()) == greeting_rest());
  CAF_CHECK_EQUAL(s.state(), session_state::greeting);
  // The last byte: our READY is queued although the peer's READY is missing.
  s.feed(byte_span{peer.data() + 63, 1}, 0ns);
  CAF_CHECK_EQUAL(s.state(), session_state::handshake);
  CAF_CHECK(!s.ready());
  CAF_CHECK(!s.has_events());
  CAF_CHECK(drain(s.output()) == expected_ready("DEALER", "me"));
  // The peer's READY completes the handshake; we have nothing more to send.
  feed_bytes(s, ready_command(socket_type::router), 0ns);
  CAF_CHECK(s.ready());
  CAF_CHECK(s.output().empty());
}

CAF_TEST(ready_goes_out_before_the_peer_ready_in_a_session_pair) {
  for (auto how : {chunking::whole(), chunking::bytewise()}) {
    session_pair p{config(socket_type::dealer), config(socket_type::router),
                   how};
    p.start();
    // a's first 11 bytes release b's whole greeting (and nothing more).
    feed_chunked(p.b, drain(p.a.output()), how, p.now);
    auto b_out = drain(p.b.output());
    CAF_REQUIRE_EQUAL(b_out.size(), 64u);
    // Deliver b's greeting to a: a sends the rest of its greeting and READY.
    feed_chunked(p.a, b_out, how, p.now);
    auto frames = parse_frames(drain(p.a.output()), 53);
    CAF_REQUIRE_EQUAL(frames.size(), 1u);
    CAF_CHECK_EQUAL(command_name_of(frames[0]), "READY");
    CAF_CHECK(!p.a.ready());
  }
}

CAF_TEST(greeting_ready_and_traffic_in_one_chunk) {
  // A fast peer's greeting, READY, a message and a PING can arrive together.
  for (bool as_frame : {false, true}) {
    session s{config(socket_type::dealer)};
    s.start(0ns);
    auto ours = drain(s.output());
    auto input = concat({greeting_bytes(1), ready_command(socket_type::router),
                         message_frame("one", true), message_frame("two"),
                         command_frame("PING", ping_data(0, bytes_of("c")))});
    auto chunk = frame::copy_of(byte_span{input.data(), input.size()});
    if (as_frame)
      s.feed(chunk, 0ns);
    else
      feed_bytes(s, input, 0ns);
    auto evs = poll_all(s);
    CAF_REQUIRE_EQUAL(evs.size(), 2u);
    CAF_CHECK(std::holds_alternative<events::handshake_done>(evs[0]));
    auto msgs = messages_of(evs);
    CAF_REQUIRE_EQUAL(msgs.size(), 1u);
    CAF_CHECK(same_message(msgs[0], make_message({"one", "two"})));
    CAF_CHECK_EQUAL(msgs[0][0].block() == chunk.block(), as_frame);
    CAF_CHECK(drain(s.output()) ==
              concat({greeting_rest(), expected_ready("DEALER", ""),
                      command_frame("PONG", bytes_of("c"))}));
  }
}
