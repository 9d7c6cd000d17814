// The shared receive-buffer ring: many busy connections on one ring with
// the default ring, with a ring of one buffer (reads find it empty: each
// such connection waits for readability and reads once into a buffer of
// its own, then goes back to the ring) and with the ring switched off
// (`monocoque.recv-buffers = 0`: a buffer per connection). Every message
// arrives intact and in order per sender, short and long reads alike.
#define CAF_SUITE limits_buffer_ring
#include "interop_fixture.hpp"

using namespace interop;

namespace {

/// A module config with `monocoque.recv-buffers = n`.
struct ring_config : module_config {
  explicit ring_config(size_t n) {
    set("monocoque.recv-buffers", n);
  }
};

/// Runs `senders` libzmq DEALERs that each send `count` messages (sizes
/// alternating between small and 40 KiB) to one of our DEALERs, and checks
/// what arrives.
void run(size_t buffers, int senders, int count) {
  ring_config cfg{buffers};
  caf::actor_system sys{cfg};
  client c{sys};
  CAF_REQUIRE_EQUAL(mq::module::from(sys)->opts().recv_buffers, buffers);
  zmq::context_t ctx;
  auto d = c.dealer();
  auto ep = c.bind(d);
  std::vector<zmq::socket_t> peers;
  for (int i = 0; i < senders; ++i) {
    peers.push_back(zsock(ctx, zmq::socket_type::dealer));
    peers.back().set(zmq::sockopt::sndhwm, 0);
    peers.back().connect(ep);
  }
  auto body = [](int sender, int i) {
    auto n = i % 3 == 2 ? size_t{40 * 1024} : size_t(10 + i % 50);
    return pattern(n, static_cast<unsigned>(sender * 7919 + i));
  };
  // Everyone sends at once: reads on many connections complete together.
  for (int i = 0; i < count; ++i)
    for (int s = 0; s < senders; ++s)
      CAF_REQUIRE(zsend(peers[static_cast<size_t>(s)],
                        {std::to_string(s), std::to_string(i), body(s, i)}));
  std::vector<int> next(static_cast<size_t>(senders), 0);
  int bad = 0;
  for (int k = 0; k < senders * count; ++k) {
    auto msg = c.recv_strs(d);
    if (msg.size() != 3) {
      CAF_FAIL("message " << k << " missing");
    }
    auto s = std::stoi(msg[0]);
    auto i = std::stoi(msg[1]);
    auto& expected = next[static_cast<size_t>(s)];
    if (i != expected || msg[2] != body(s, i))
      ++bad;
    expected = i + 1;
  }
  CAF_CHECK_EQUAL(bad, 0);
  peers.clear();
  CAF_CHECK(c.close(d));
}

} // namespace

CAF_TEST(the default ring serves many busy connections) {
  watchdog dog{"default ring", std::chrono::seconds{60}};
  run(16, 20, 150);
}

CAF_TEST(a ring of one buffer runs empty and still serves everyone) {
  watchdog dog{"tiny ring", std::chrono::seconds{60}};
  run(1, 20, 150);
}

CAF_TEST(without a ring every connection reads into its own buffer) {
  watchdog dog{"no ring", std::chrono::seconds{60}};
  run(0, 20, 150);
}
