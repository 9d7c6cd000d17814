// local_lat: the echo half of libzmq's latency test on our REP actor. Binds,
// echoes <roundtrips> requests back (push-style delivery, one credit at a
// time), then closes.
//   local_lat <bind-to> <message-size> <roundtrips> [--mode=M] [--ring]
//   [--curve]
// Modes: `post` (default) replies one way (`post_atom`); `request` replies
// with a `send` request and waits for its `ok`.
#include "perf_tool.hpp"

#include <caf/all.hpp>

namespace {

struct echo_state {
  uint64_t echoed = 0;
};

caf::behavior echo(caf::stateful_actor<echo_state>* self,
                   perf::mq::rep_actor sock, perf::args a) {
  bool post = a.mode == "post";
  self->request(sock, caf::infinite, perf::mq::bind_atom::value, a.endpoint)
    .then(
      [self, sock, post](const std::string&) {
        // REP hands out the next request only after the reply: with
        // `post` the credit need not ration it.
        self->send(sock, perf::mq::deliver_atom::value,
                   caf::actor_cast<caf::actor>(self),
                   post ? uint64_t{1024} : uint64_t{1});
      },
      [](caf::error& err) { perf::fail(err, "bind"); });
  auto count = a.count;
  auto size = a.size;
  return {
    [self, sock, count, size, post](perf::mq::message_atom,
                              perf::mq::multipart& msg) {
      perf::check_size(msg, size);
      if (post) {
        self->send(sock, perf::mq::post_atom::value, std::move(msg));
        if (++self->state.echoed == count) {
          self->request(sock, caf::infinite, perf::mq::close_atom::value)
            .then([self](caf::ok_atom) { self->quit(); },
                  [](caf::error& err) { perf::fail(err, "close"); });
          return;
        }
        if (self->state.echoed % 512 == 0)
          self->send(sock, perf::mq::credit_atom::value, uint64_t{512});
        return;
      }
      self->request(sock, caf::infinite, perf::mq::send_atom::value,
                    std::move(msg))
        .then(
          [self, sock, count](caf::ok_atom) {
            if (++self->state.echoed == count) {
              self->request(sock, caf::infinite, perf::mq::close_atom::value)
                .then([self](caf::ok_atom) { self->quit(); },
                      [](caf::error& err) { perf::fail(err, "close"); });
              return;
            }
            self->send(sock, perf::mq::credit_atom::value, uint64_t{1});
          },
          [](caf::error& err) { perf::fail(err, "send"); });
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  auto a = perf::parse(argc, argv,
                       "local_lat <bind-to> <message-size> <roundtrip-count>",
                       "post");
  return perf::run(
    a, true,
    [](caf::actor_system& sys, perf::mq::socket_options opts) {
      return perf::mq::spawn_rep(sys, std::move(opts));
    }, echo);
}
