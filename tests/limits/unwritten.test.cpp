// A SocketActor reports its unwritten bytes (`unwritten_atom`): bytes it
// was asked to write that the kernel has not taken yet. Here the peer end
// of a socket pair does not read, so they pile up; once it reads they drain
// to zero.
#define CAF_SUITE limits_unwritten
#include "interop_fixture.hpp"

#include "caf/monocoque/internal/uring_multiplexer.hpp"
#include "caf/monocoque/internal/socket_actor.hpp"

#include <sys/socket.h>

using namespace interop;

CAF_TEST_FIXTURE_SCOPE(limits_unwritten_tests, fixture)

CAF_TEST(unwritten bytes grow while the peer does not read and drain) {
  watchdog dog{"unwritten", std::chrono::seconds{60}};
  int sv[2];
  CAF_REQUIRE_EQUAL(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    0);
  auto* mod = mq::module::from(host);
  CAF_REQUIRE(mod != nullptr);
  auto sock = mq::spawn_socket_actor(host, mod->next_ring(), sv[0],
                                     std::nullopt);
  auto unwritten = [&] {
    uint64_t result = UINT64_MAX;
    self->request(sock, timeout, mq::unwritten_atom::value)
      .receive([&](uint64_t n) { result = n; },
               [&](caf::error& err) {
                 CAF_MESSAGE("unwritten failed: " << host.render(err));
               });
    return result;
  };
  CAF_CHECK_EQUAL(unwritten(), 0u);
  // 8 MiB: far more than the socket buffers of a pair take.
  constexpr size_t chunk = 1 << 20;
  std::vector<mq::frame> bytes;
  for (int i = 0; i < 8; ++i)
    bytes.push_back(mq::frame::from_string(pattern(chunk, i)));
  self->send(sock, mq::write_atom::value, std::move(bytes), false);
  CAF_CHECK(await([&] {
    auto n = unwritten();
    return n > 0 && n < 8 * chunk;
  }));
  auto stuck = unwritten();
  CAF_MESSAGE("unwritten while the peer does not read: " << stuck);
  CAF_CHECK_GREATER(stuck, 4 * chunk);
  // The peer reads everything: nothing stays unwritten.
  raw_tcp peer{sv[1]};
  size_t got = 0;
  while (got < 8 * chunk) {
    auto part = peer.read(chunk);
    if (!part)
      break;
    got += part->size();
  }
  CAF_CHECK_EQUAL(got, 8 * chunk);
  CAF_CHECK(await([&] { return unwritten() == 0; }));
  self->send(sock, mq::close_atom::value);
}

CAF_TEST_FIXTURE_SCOPE_END()
