// socket_options::validate (what libzmq's zmq_setsockopt refuses with EINVAL,
// plus what this library cannot honour) and what a socket does with invalid
// options: it exits at once with errc::invalid_option; a ROUTER refuses a
// connect routing id longer than 255 bytes.

#define CAF_SUITE socket_options
#include "hub_fixture.hpp"

#include <caf/test/dsl.hpp>

#include <string>

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;
using namespace std::chrono_literals;

namespace {

bool invalid(const socket_options& opts) {
  return is(opts.validate(), errc::invalid_option);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(socket_options_tests, hub_fixture)

CAF_TEST(the defaults are valid) {
  CAF_CHECK(!socket_options{}.validate());
  auto* mod = caf::monocoque::module::from(sys);
  CAF_REQUIRE(mod != nullptr);
  CAF_CHECK(!socket_options::from(mod->opts()).validate());
}

CAF_TEST(validate refuses the values libzmq refuses) {
  socket_options opts;
  opts.identity = std::string(255, 'x');
  CAF_CHECK(!opts.validate());
  opts.identity = std::string(256, 'x');
  CAF_CHECK(invalid(opts));
  opts = socket_options{};
  opts.sndhwm = 0;
  CAF_CHECK(invalid(opts));
  opts = socket_options{};
  opts.rcvhwm = 0;
  CAF_CHECK(invalid(opts));
  opts = socket_options{};
  opts.heartbeat_ivl = -1ms;
  CAF_CHECK(invalid(opts));
  opts = socket_options{};
  opts.heartbeat_ttl = 6553599ms;
  CAF_CHECK(!opts.validate());
  opts.heartbeat_ttl = 6553600ms;
  CAF_CHECK(invalid(opts));
  opts.heartbeat_ttl = -1ms;
  CAF_CHECK(invalid(opts));
}

CAF_TEST(validate checks READY property names) {
  socket_options opts;
  opts.properties = {{"X-Service", "billing"}, {"a.b+c_d-1", ""}};
  CAF_CHECK(!opts.validate());
  for (auto name : {std::string{}, std::string{"with space"},
                    std::string(256, 'n'), std::string{"Identity"},
                    std::string{"socket-type"}}) {
    opts.properties = {{name, "v"}};
    CAF_CHECK(invalid(opts));
  }
}

CAF_TEST(a socket spawned with invalid options exits with invalid_option) {
  socket_options opts;
  opts.on_ring = false;
  opts.sndhwm = 0;
  auto hdl = spawn_dealer(sys, opts);
  run();
  error reason;
  bool exited = false;
  hdl->attach_functor([&](const error& x) {
    exited = true;
    reason = x;
  });
  run();
  CAF_CHECK(exited);
  CAF_CHECK(is(reason, errc::invalid_option));
}

CAF_TEST(a router refuses a connect routing id longer than 255 bytes) {
  start(spawn_router);
  auto err = request_error(caf::monocoque::connect_atom::value,
                           std::string{"tcp://127.0.0.1:5555"},
                           std::string(256, 'r'));
  CAF_CHECK(is(err, errc::invalid_option));
}

CAF_TEST_FIXTURE_SCOPE_END()
