// pubsub_events: a PUB actor publishes typed events; two SUB actors and a
// libzmq SUB each get exactly the events whose topic starts with their prefix.
// encode() turns an event into a ZeroMQ message [topic, value], e.g.
// ["weather.paris", "21.5"] (SUB filters match the first frame); decode()
// turns it back into the type. Subscribers: our sub_actors on "weather." and
// "traffic.", a libzmq SUB (cppzmq) on "weather.paris". Prints:
//   'weather.' got temperature{paris, 21.5}     (one line per event received)
//   the publisher sent 12 messages: each subscriber got exactly its events
// Exits 0 on success; 1 with a message on failure or 5 s without progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <cstdio>
#include <sstream>
#include <thread>
#include <variant>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

struct temperature { std::string city; double celsius; };
struct traffic_jam { std::string road; int km; };
using event = std::variant<temperature, traffic_jam>;

mq::multipart encode(const event& e) {
  if (auto* t = std::get_if<temperature>(&e))
    return mq::make_message({"weather." + t->city, std::to_string(t->celsius)});
  auto& j = std::get<traffic_jam>(e);
  return mq::make_message({"traffic." + j.road, std::to_string(j.km)});
}

event decode(const std::string& topic, const std::string& value) {
  auto key = topic.substr(topic.find('.') + 1);
  if (topic.rfind("weather.", 0) == 0)
    return temperature{key, std::stod(value)};
  return traffic_jam{key, std::stoi(value)};
}

std::string describe(const event& e) { // for printing and comparing
  std::ostringstream out;
  if (auto* t = std::get_if<temperature>(&e))
    out << "temperature{" << t->city << ", " << t->celsius << "}";
  if (auto* j = std::get_if<traffic_jam>(&e))
    out << "traffic_jam{" << j->road << ", " << j->km << " km}";
  return out.str();
}

const std::vector<event> events{
  temperature{"paris", 21.5}, traffic_jam{"a6", 12}, temperature{"oslo", -3},
  traffic_jam{"periph", 4},   temperature{"paris", 22}, traffic_jam{"a1", 7},
  temperature{"paris", 22.5}, temperature{"rome", 30}};

// What a subscriber of `prefix` must get, in publishing order.
std::vector<std::string> wanted(const std::string& prefix) {
  std::vector<std::string> result;
  for (auto& e : events)
    if (encode(e).front().to_string().rfind(prefix, 0) == 0)
      result.push_back(describe(e));
  return result;
}

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
  if (!failure.empty())
    return std::fprintf(stderr, "pubsub_events: %s\n", failure.c_str()), 1;
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
  zsub.connect(ep); // libzmq's own I/O thread queues what arrives
  auto sum = [&](uint64_t mq::peer_stats::*field) { // over the PUB's peers
    uint64_t n = 0;
    self->request(pub, 5s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& st) {
        for (auto& p : st.peers)
          n += p.*field;
      }, on_error);
    return n;
  };
  // Slow joiner: a PUB drops what nobody subscribed to yet, so wait until
  // it knows the three subscriptions (5 s at most).
  for (int i = 0; failure.empty() && sum(&mq::peer_stats::subscriptions) < 3;
       std::this_thread::sleep_for(10ms))
    if (++i == 500)
      failure = "the subscribers did not show up within 5 s";
  for (size_t i = 0; i < events.size() && failure.empty(); ++i)
    ask(pub, mq::send_atom::value, encode(events[i]));
  // Each subscriber must get the events of its prefix, in order.
  uint64_t total = 0;
  for (size_t i = 0; i < prefixes.size() && failure.empty(); ++i) {
    std::vector<std::string> got;
    auto take = [&](const mq::multipart& m) { // m = [topic, value]
      got.push_back(describe(decode(m[0].to_string(), m[1].to_string())));
      std::printf("'%s' got %s\n", prefixes[i].c_str(), got.back().c_str());
    };
    while (failure.empty() && got.size() < wanted(prefixes[i]).size()) {
      std::vector<zmq::message_t> z;
      if (i < subs.size())
        self->request(subs[i], caf::infinite, mq::recv_atom::value,
                      caf::timespan{5s})
          .receive(take, on_error);
      else if (zmq::recv_multipart(zsub, std::back_inserter(z)))
        take(mq::make_message({z[0].to_string(), z[1].to_string()}));
      else
        failure = "the libzmq SUB got nothing within 5 s";
    }
    if (failure.empty() && got != wanted(prefixes[i]))
      failure = "'" + prefixes[i] + "' did not get exactly its events";
    total += got.size();
  }
  // No extras either: the publisher sent the subscribers no other message.
  auto sent = sum(&mq::peer_stats::msgs_out);
  if (failure.empty() && sent != total)
    failure = "the publisher sent " + std::to_string(sent) + " messages";
  for (auto& s : subs)
    ask(s, mq::close_atom::value);
  ask(pub, mq::close_atom::value);
  if (!failure.empty())
    return std::fprintf(stderr, "pubsub_events: %s\n", failure.c_str()), 1;
  std::printf("the publisher sent %d messages: each subscriber got exactly "
              "its events\n", static_cast<int>(sent));
}
