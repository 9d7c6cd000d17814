// What a user gets around `close`, as docs/api.md ("Close, linger and
// shutdown") says: `socket_closed` while the socket is closing, CAF's
// `request_receiver_down` once it exited, and the down reason its monitors
// see (none after `close`, the error after a failure, `unreachable` after
// the last handle went).
#define CAF_SUITE lifecycle.errors
#include "lifecycle_fixture.hpp"

#include <caf/sec.hpp>

using namespace lifecycle;

namespace {

bool is_receiver_down(const caf::error& err) {
  return err == caf::sec::request_receiver_down;
}

/// Installs the log sink before `fixture` starts the actor system.
struct log_holder {
  std::shared_ptr<log_sink> log = actors_log();
};

struct errors_fixture : log_holder, fixture {
  /// Asks `d` for `xs` (reply type `T`) and returns the error (none on
  /// success).
  template <class T, class Handle, class... Ts>
  caf::error ask(const Handle& d, Ts... xs) {
    caf::error result;
    self->request(d, timeout, xs...)
        .receive([](T&) {}, [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Waits for the down_msg of the monitored socket and returns its reason.
  caf::error await_down() {
    caf::error reason{caf::sec::runtime_error};
    bool down = false;
    self->receive(
        [&](caf::down_msg& dm) {
          reason = dm.reason;
          down = true;
        },
        caf::after(timeout) >> [] {});
    CAF_REQUIRE(down);
    return reason;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lifecycle_errors_tests, errors_fixture)

CAF_TEST(requests while closing fail with socket_closed) {
  auto opts = defaults();
  opts.linger = std::chrono::seconds{30}; // the close waits for "held"
  auto d = dealer(opts);
  connect(d, free_endpoint());
  send(d, mp({"held"}));
  self->send(d, mq::close_atom::value);
  using mq::errc;
  CAF_CHECK(is_errc(ask<caf::ok_atom>(d, mq::send_atom::value, mp({"x"})),
                    errc::socket_closed));
  CAF_CHECK(is_errc(ask<std::string>(d, mq::bind_atom::value,
                                     std::string{"tcp://127.0.0.1:*"}),
                    errc::socket_closed));
  CAF_CHECK(
      is_errc(ask<caf::ok_atom>(d, mq::connect_atom::value, free_endpoint()),
              errc::socket_closed));
  CAF_CHECK(is_errc(ask<mq::multipart>(d, mq::recv_atom::value),
                    errc::socket_closed));
  caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
}

CAF_TEST(requests after the socket exited fail with request_receiver_down) {
  auto d = dealer();
  self->monitor(d);
  CAF_REQUIRE(close(d));
  CAF_CHECK_EQUAL(await_down(), caf::error{}); // closed: reason none
  CAF_CHECK(
      is_receiver_down(ask<caf::ok_atom>(d, mq::send_atom::value, mp({"x"}))));
  CAF_CHECK(is_receiver_down(ask<std::string>(
      d, mq::bind_atom::value, std::string{"tcp://127.0.0.1:*"})));
  CAF_CHECK(is_receiver_down(ask<caf::ok_atom>(d, mq::close_atom::value)));
}

CAF_TEST(a closed router tells its monitors reason none) {
  auto r = router_socket();
  self->monitor(r);
  bind(r, "tcp://127.0.0.1:*");
  CAF_REQUIRE(close(r));
  CAF_CHECK_EQUAL(await_down(), caf::error{});
}

CAF_TEST(a socket that failed tells its monitors the error) {
  auto opts = defaults();
  opts.sndhwm = 0; // invalid: the socket exits at once with the error
  auto d = dealer(opts);
  self->monitor(d);
  auto reason = await_down();
  CAF_MESSAGE("down reason: " << host.render(reason));
  CAF_CHECK(is_errc(reason, mq::errc::invalid_option));
}

CAF_TEST(a socket whose last handle went tells its monitors unreachable) {
  auto d = dealer();
  self->monitor(d);
  d = nullptr;
  CAF_CHECK_EQUAL(await_down(), caf::exit_reason::unreachable);
}

CAF_TEST(a socket ended by an exit message drops what it queued and says so) {
  auto mark = log->size();
  auto d = dealer();
  self->monitor(d);
  auto ep = free_endpoint();
  connect(d, ep);
  send(d, mp({"queued"}));
  caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(await_down(), caf::exit_reason::user_shutdown);
  // Killed, not abandoned: no successor lingers for the message.
  CAF_CHECK(
      !log->await(mark, {"dropped 1 unsent message(s)", ep, "socket ended"})
           .empty());
  CAF_CHECK(log->find(mark, {"lingers for", ep}).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
