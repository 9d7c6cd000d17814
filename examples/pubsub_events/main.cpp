// pubsub_events: a PUB actor publishes typed events; SUB actors and a libzmq
// SUB each get exactly the events whose topic starts with their prefix.
//
// The event types are plain structs. encode() turns one into a two-frame
// ZeroMQ message [topic, value] (e.g. ["weather.paris", "21.5"]); SUB
// filters match the first frame. decode() turns it back into the type.
// Subscribers: our sub_actor on "weather.", our sub_actor on "traffic." and
// a libzmq SUB (cppzmq thread) on "weather.paris". It prints, for example:
//
//   'weather.' got temperature{paris, 21.5}
//   ...
//   publisher handed out 10 events; every subscriber got exactly its own
//
// Exit code 0 on success; 1 with a message on failure or after 5 s without
// progress.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <cstdio>
#include <string>
#include <thread>
#include <variant>
#include <vector>

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

std::optional<event> decode(const std::string& topic, const std::string& value) {
  auto dot = topic.find('.');
  if (topic.compare(0, dot, "weather") == 0)
    return temperature{topic.substr(dot + 1), std::stod(value)};
  if (topic.compare(0, dot, "traffic") == 0)
    return traffic_jam{topic.substr(dot + 1), std::stoi(value)};
  return std::nullopt;
}

std::string describe(const std::optional<event>& e) { // for printing and checks
  char buf[80] = "undecodable message";
  if (e && e->index() == 0)
    std::snprintf(buf, sizeof(buf), "temperature{%s, %g}",
                  std::get<0>(*e).city.c_str(), std::get<0>(*e).celsius);
  else if (e)
    std::snprintf(buf, sizeof(buf), "traffic_jam{%s, %d km}",
                  std::get<1>(*e).road.c_str(), std::get<1>(*e).km);
  return buf;
}

const std::vector<event> schedule{
  temperature{"paris", 21.5}, traffic_jam{"a6", 12}, temperature{"oslo", -3},
  traffic_jam{"periph", 4}, temperature{"paris", 22}, temperature{"rome", 30},
  traffic_jam{"a1", 7}, temperature{"paris", 22.5}, temperature{"oslo", -4.5},
  traffic_jam{"a6", 9}};

// The events a subscriber of `prefix` must get, in publishing order.
std::vector<std::string> wanted(const std::string& prefix) {
  std::vector<std::string> result;
  for (auto& e : schedule)
    if (encode(e).front().to_string().rfind(prefix, 0) == 0)
      result.push_back(describe(e));
  return result;
}

int main(int argc, char** argv) {
  mq::config cfg;
  if (cfg.parse(argc, argv) || cfg.cli_helptext_printed)
    return cfg.cli_helptext_printed ? 0 : 1;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::string failure, ep;
  auto on_error = [&](caf::error& err) { failure = sys.render(err); };
  auto pub = mq::spawn_pub(sys);
  self->request(pub, 5s, mq::bind_atom::value, std::string{"tcp://127.0.0.1:*"})
    .receive([&](std::string& bound) { ep = bound; }, on_error);
  // Our two SUB actors: subscribe, then connect (either order works).
  std::vector<std::pair<std::string, mq::sub_actor>> subs;
  for (std::string prefix : {"weather.", "traffic."}) {
    subs.emplace_back(prefix, mq::spawn_sub(sys));
    self->request(subs.back().second, 5s, mq::subscribe_to_atom::value, prefix)
      .receive([](caf::ok_atom) {}, on_error);
    self->request(subs.back().second, 5s, mq::connect_atom::value, ep)
      .receive([](caf::ok_atom) {}, on_error);
  }
  // The libzmq SUB, in a thread: receives and decodes its share.
  zmq::context_t ctx;
  std::vector<std::string> zmq_got;
  std::thread zmq_sub{[&, n = wanted("weather.paris").size()] {
    zmq::socket_t s{ctx, zmq::socket_type::sub};
    s.set(zmq::sockopt::subscribe, "weather.paris");
    s.set(zmq::sockopt::rcvtimeo, 10000);
    s.set(zmq::sockopt::linger, 0);
    s.connect(ep);
    std::vector<zmq::message_t> msg;
    while (zmq_got.size() < n && zmq::recv_multipart(s, std::back_inserter(msg)))
      zmq_got.push_back(describe(decode(msg[0].to_string(), msg[1].to_string()))),
        msg.clear();
  }};
  // Slow joiner: a PUB drops what nobody subscribed to yet, so wait until
  // the publisher knows the three subscriptions (its stats say so).
  auto known = [&] {
    uint64_t n = 0;
    self->request(pub, 5s, mq::stats_atom::value)
      .receive([&](mq::socket_stats& st) {
        for (auto& p : st.peers) n += p.up && p.subscriptions > 0;
      }, on_error);
    return n;
  };
  for (int i = 0; i < 500 && failure.empty() && known() < 3; ++i)
    std::this_thread::sleep_for(10ms);
  if (failure.empty() && known() < 3)
    failure = "the subscribers did not show up within 5 s";
  for (size_t i = 0; i < schedule.size() && failure.empty(); ++i)
    self->request(pub, 5s, mq::send_atom::value, encode(schedule[i]))
      .receive([](caf::ok_atom) {}, on_error);
  // Each subscriber must get the events of its prefix, in order.
  auto check = [&](const std::string& prefix, const std::vector<std::string>& got) {
    for (auto& e : got) std::printf("'%s' got %s\n", prefix.c_str(), e.c_str());
    if (failure.empty() && got != wanted(prefix))
      failure = "'" + prefix + "' did not get exactly the events of its prefix";
  };
  for (auto& [prefix, sub] : subs) {
    std::vector<std::string> got;
    while (failure.empty() && got.size() < wanted(prefix).size())
      self->request(sub, caf::infinite, mq::recv_atom::value, caf::timespan{5s})
        .receive([&](mq::multipart& m) {
          got.push_back(describe(decode(m[0].to_string(), m[1].to_string())));
        }, on_error);
    check(prefix, got);
  }
  zmq_sub.join();
  check("weather.paris", zmq_got);
  // No extras: the publisher handed out no more than the wanted events.
  uint64_t handed = 0, total = wanted("weather.").size() + wanted("traffic.").size()
                                + wanted("weather.paris").size();
  self->request(pub, 5s, mq::stats_atom::value).receive([&](mq::socket_stats& st) {
    for (auto& p : st.peers) handed += p.msgs_out;
  }, on_error);
  if (failure.empty() && handed != total)
    failure = "the publisher handed out " + std::to_string(handed) + " events";
  else if (failure.empty())
    std::printf("publisher handed out %lu events; every subscriber got exactly "
                "its own\n", static_cast<unsigned long>(handed));
  for (auto& s : subs)
    self->request(s.second, 5s, mq::close_atom::value).receive([](caf::ok_atom) {}, on_error);
  self->request(pub, 5s, mq::close_atom::value).receive([](caf::ok_atom) {}, on_error);
  if (!failure.empty())
    std::fprintf(stderr, "pubsub_events: %s\n", failure.c_str());
  return failure.empty() ? 0 : 1;
}
