// The wire check: a recording TCP relay (tcp_relay.hpp) between a CURVE
// client and server never sees a payload marker or a subscription topic in
// clear, in either direction: ours <-> libzmq both ways and ours <-> ours,
// DEALER/ROUTER messages both ways and PUB/SUB (subscription and
// publications). The same runs over NULL do see the markers, which proves
// that the check can fail.
#define CAF_SUITE interop_curve_wire
#include "pubsub_fixture.hpp"
#include "security_fixture.hpp"
#include "tcp_relay.hpp"

using namespace interop;
using strings = std::vector<std::string>;

namespace {

const std::string marker = "MARKER-7f3a9c-CLEARTEXT";
const std::string topic_marker = "TOPIC-MARKER-51d2";

/// Who plays which part.
enum class topo { ours_client, ours_server, ours_both };

const char* to_string(topo x) {
  switch (x) {
    case topo::ours_client:
      return "our client, libzmq server";
    case topo::ours_server:
      return "libzmq client, our server";
    default:
      return "our client, our server";
  }
}

/// What the relay recorded in one run.
struct wire_result {
  bool delivered = false; // every message arrived intact
  bool saw_marker = false;
  bool saw_topic = false;
  size_t up = 0;
  size_t down = 0;
};

struct wire_fixture : pubsub_fixture {
  watchdog guard{"interop_curve_wire test", std::chrono::seconds{90}};
  security_setup setup;

  mq::socket_options opts(bool as_server) {
    auto o = fast();
    o.linger = caf::timespan{0};
    secure(o, setup, as_server);
    return o;
  }

  zmq::socket_t zsocket(zmq::socket_type type, bool as_server) {
    auto z = zsock(ctx, type);
    zsecure(z, setup, as_server);
    return z;
  }

  /// The messages of a run: the marker in a small frame, inside a 64 KiB
  /// frame and at the end of a multipart message.
  static std::vector<strings> messages() {
    std::vector<strings> result;
    for (int i = 0; i < 20; ++i) {
      auto big = pattern(64 * 1024, static_cast<unsigned>(i));
      big.replace(1000, marker.size(), marker);
      result.push_back({marker + std::to_string(i)});
      result.push_back({"x", big, marker});
    }
    return result;
  }

  /// DEALER (client) -> ROUTER (server) and the echo back, through a relay.
  wire_result dealer_router(topo t) {
    wire_result r;
    std::optional<zmq::socket_t> zs;
    std::optional<zmq::socket_t> zc;
    mq::router_actor our_server;
    mq::dealer_actor our_client;
    std::string ep;
    if (t == topo::ours_client) {
      zs.emplace(zsocket(zmq::socket_type::router, true));
      ep = zbind(*zs);
    } else {
      our_server = mq::spawn_router(sys, opts(true));
      ep = bind(our_server);
    }
    tcp_relay relay{port_of(ep)};
    CAF_REQUIRE(relay.valid());
    if (t == topo::ours_server) {
      zc.emplace(zsocket(zmq::socket_type::dealer, false));
      zc->connect(relay.endpoint());
    } else {
      our_client = mq::spawn_dealer(sys, opts(false));
      connect(our_client, relay.endpoint());
    }
    auto server = zs ? zmq_end(*zs, "libzmq ROUTER")
                     : our_end(*this, our_server, "our ROUTER");
    auto client = zc ? zmq_end(*zc, "libzmq DEALER")
                     : our_end(*this, our_client, "our DEALER");
    r.delivered = true;
    for (auto& msg : messages()) {
      if (!client.send(msg)) {
        r.delivered = false;
        break;
      }
      auto got = server.recv(5000ms);
      if (got.size() != msg.size() + 1
          || !std::equal(msg.begin(), msg.end(), got.begin() + 1)) {
        CAF_MESSAGE(server.name << " got " << got.size() << " parts");
        r.delivered = false;
        break;
      }
      server.send(got); // routing id first: back to the client
      if (client.recv(5000ms) != msg) {
        CAF_MESSAGE(client.name << " did not get the echo");
        r.delivered = false;
        break;
      }
    }
    if (our_client)
      close(our_client);
    if (our_server)
      close(our_server);
    zc.reset();
    zs.reset();
    relay.stop();
    r.saw_marker = relay.saw(marker);
    r.up = relay.recorded(relay_dir::upstream).size();
    r.down = relay.recorded(relay_dir::downstream).size();
    CAF_CHECK(!relay.truncated());
    return r;
  }

  /// PUB (server) -> SUB (client) through a relay; the SUB subscribes to
  /// `topic_marker`.
  wire_result pub_sub(topo t) {
    wire_result r;
    std::optional<zmq::socket_t> zs;
    std::optional<zmq::socket_t> zc;
    mq::pub_actor our_server;
    mq::sub_actor our_client;
    std::string ep;
    if (t == topo::ours_client) {
      zs.emplace(zsocket(zmq::socket_type::pub, true));
      ep = zbind(*zs);
    } else {
      our_server = mq::spawn_pub(sys, opts(true));
      ep = bind(our_server);
    }
    tcp_relay relay{port_of(ep)};
    CAF_REQUIRE(relay.valid());
    if (t == topo::ours_server) {
      zc.emplace(zsocket(zmq::socket_type::sub, false));
      zc->set(zmq::sockopt::subscribe, topic_marker);
      zc->connect(relay.endpoint());
    } else {
      our_client = mq::spawn_sub(sys, opts(false));
      subscribe(our_client, topic_marker);
      connect(our_client, relay.endpoint());
    }
    auto server = zs ? zmq_end(*zs, "libzmq PUB")
                     : our_end(*this, our_server, "our PUB");
    auto client = zc ? zmq_end(*zc, "libzmq SUB")
                     : our_end(*this, our_client, "our SUB");
    // Publish until the subscription arrived, then the messages.
    bool synced = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!synced && std::chrono::steady_clock::now() < deadline) {
      server.send({topic_marker + "-sync"});
      auto got = client.recv(20ms);
      synced = got != timed_out && got.at(0) == topic_marker + "-sync";
    }
    r.delivered = synced;
    for (int i = 0; synced && i < 20; ++i)
      server.send({topic_marker + std::to_string(i), marker});
    for (int i = 0; synced && i < 20;) {
      auto got = client.recv(5000ms);
      if (got == timed_out) {
        r.delivered = false;
        break;
      }
      if (got.at(0) == topic_marker + "-sync")
        continue;
      if (got != strings{topic_marker + std::to_string(i), marker})
        r.delivered = false;
      ++i;
    }
    if (our_client)
      close(our_client);
    if (our_server)
      close(our_server);
    zc.reset();
    zs.reset();
    relay.stop();
    r.saw_marker = relay.saw(marker);
    // The subscription goes upstream; publications downstream.
    r.saw_topic = relay.recorded(relay_dir::upstream).find(topic_marker)
                  != std::string::npos;
    r.up = relay.recorded(relay_dir::upstream).size();
    r.down = relay.recorded(relay_dir::downstream).size();
    return r;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(interop_curve_wire_tests, wire_fixture)

CAF_TEST(CURVE never shows a payload or a topic in clear) {
  setup.mechanism = mech::curve;
  for (auto t : {topo::ours_client, topo::ours_server, topo::ours_both}) {
    auto r = dealer_router(t);
    CAF_MESSAGE("CURVE DEALER/ROUTER, " << to_string(t) << ": delivered "
                                        << r.delivered << ", " << r.up
                                        << " bytes up, " << r.down
                                        << " bytes down, marker seen: "
                                        << r.saw_marker);
    CAF_CHECK(r.delivered);
    CAF_CHECK(!r.saw_marker);
    CAF_CHECK_GREATER(r.down, 20u * 64 * 1024); // the echoes went through
    auto p = pub_sub(t);
    CAF_MESSAGE("CURVE PUB/SUB, " << to_string(t) << ": delivered "
                                  << p.delivered << ", " << p.up
                                  << " bytes up, " << p.down
                                  << " bytes down, marker seen: "
                                  << p.saw_marker << ", topic upstream: "
                                  << p.saw_topic);
    CAF_CHECK(p.delivered);
    CAF_CHECK(!p.saw_marker);
    CAF_CHECK(!p.saw_topic);
  }
}

CAF_TEST(the null mechanism shows them so the check can fail) {
  setup.mechanism = mech::null;
  for (auto t : {topo::ours_client, topo::ours_server, topo::ours_both}) {
    auto r = dealer_router(t);
    CAF_CHECK(r.delivered);
    CAF_CHECK(r.saw_marker);
    auto p = pub_sub(t);
    CAF_CHECK(p.delivered);
    CAF_CHECK(p.saw_marker);
    CAF_CHECK(p.saw_topic);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
