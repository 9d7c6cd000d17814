// pubsub_events: a PUB actor publishes typed events; two SUB actors and a
// libzmq SUB each get exactly the events whose topic starts with their prefix.
// Exits 0 on success; 1 with a message on failure or 5 s without progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <thread>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

// Two event types; encode() makes one a message [topic, value] for the PUB.
struct temperature {
  std::string city;
  int celsius;
};
mq::multipart encode(const temperature& t) {
  return mq::make_message({"weather." + t.city, std::to_string(t.celsius)});
}
struct traffic_jam {
  std::string road;
  int km;
};
mq::multipart encode(const traffic_jam& jam) {
  return mq::make_message({"traffic." + jam.road, std::to_string(jam.km)});
}

const std::vector<mq::multipart> published{ // in publishing order
  encode(temperature{"paris", 21}), encode(traffic_jam{"a6", 12}),
  encode(temperature{"oslo", -3}), encode(temperature{"paris", 22})};

int main() { // hello_dealer shows command-line parsing too
  mq::config cfg;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::string failure, ep = "tcp://127.0.0.1:*";
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };
  auto ask = [&](auto socket, auto... xs) { // a request answered with ok
    self->request(socket, 5s, xs...).receive([](caf::ok_atom) {}, on_error);
  };
  auto pub = mq::spawn_pub(sys);
  self->request(pub, 5s, mq::bind_atom::value, ep)
    .receive([&](std::string& bound) { ep = bound; }, on_error);
  // Subscribers 0 and 1: our sub_actors; 2: a libzmq SUB.
  std::vector<std::string> prefixes{"weather.", "traffic.", "weather.paris"};
  std::vector<mq::sub_actor> subs{mq::spawn_sub(sys), mq::spawn_sub(sys)};
  for (size_t i = 0; i < subs.size(); ++i) {
    ask(subs[i], mq::subscribe_to_atom::value, prefixes[i]);
    ask(subs[i], mq::connect_atom::value, ep);
  }
  zmq::context_t ctx;
  zmq::socket_t zsub{ctx, zmq::socket_type::sub};
  zsub.set(zmq::sockopt::subscribe, prefixes[2]);
  zsub.set(zmq::sockopt::rcvtimeo, 5000);
  zsub.set(zmq::sockopt::linger, 0);
  if (failure.empty())
    zsub.connect(ep);
  auto sum = [&](uint64_t mq::peer_stats::*field) { // over the PUB's peers
    uint64_t n = 0;
    self->request(pub, 5s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& st) {
        for (auto& p : st.peers)
          n += p.*field;
      }, on_error);
    return n;
  };
  // Slow joiner: wait until the PUB knows the three subscriptions.
  for (int i = 0; failure.empty() && sum(&mq::peer_stats::subscriptions) < 3;
       std::this_thread::sleep_for(10ms))
    if (++i == 500)
      failure = "the subscribers did not show up within 5 s";
  for (auto& msg : published)
    ask(pub, mq::send_atom::value, msg);
  // Each subscriber must get exactly the messages of its prefix, in order.
  uint64_t total = 0;
  for (size_t i = 0; i < prefixes.size(); ++i)
    for (auto& want : published) {
      if (!failure.empty() || want[0].to_string().rfind(prefixes[i], 0) != 0)
        continue; // not for subscriber i
      ++total;
      mq::multipart got;
      zmq::message_t topic, value; // what the libzmq SUB receives
      if (i < subs.size())
        self->request(subs[i], caf::infinite, mq::recv_atom::value,
                      caf::timespan{5s})
          .receive([&](mq::multipart& msg) { got = msg; }, on_error);
      else if (zsub.recv(topic) && zsub.recv(value))
        got = mq::make_message({topic.to_string(), value.to_string()});
      if (got != want && failure.empty()) // (a failed recv set it already)
        failure = "'" + prefixes[i] + "' missed " + want[0].to_string();
    }
  if (failure.empty() && sum(&mq::peer_stats::msgs_out) != total)
    failure = "the publisher sent the subscribers other messages too";
  for (auto& sub : subs)
    ask(sub, mq::close_atom::value);
  ask(pub, mq::close_atom::value);
  if (failure.empty())
    std::puts("each subscriber got exactly its events, in order, no other");
  else
    std::fprintf(stderr, "pubsub_events: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
