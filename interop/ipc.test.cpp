// Every socket family over ipc against libzmq peers, both directions, with
// the binding side restarted: when we bind, our socket binds over a stale
// socket file, closes and a new one binds the same path (the libzmq peer
// reconnects); when we connect, the libzmq binder goes, its file is removed
// (our socket retries against the missing file) and a new binder creates it
// again (our socket reconnects). What a bind does with whatever lies at the
// path is checked against libzmq's own behaviour.
#define CAF_SUITE interop_ipc
#include "ipc_fixture.hpp"

#include <tuple>

using namespace interop;

namespace {

using zt = zmq::socket_type;
using f = ipc_fixture;

/// Per family, our socket that binds and the libzmq peer that connects.
auto binders() {
  return std::make_tuple(
      side<mq::router_actor>{"ROUTER", mq::spawn_router, zt::dealer,
                             &f::they_ask},
      side<mq::rep_actor>{"REP", mq::spawn_rep, zt::req, &f::they_ask},
      side<mq::pull_actor>{"PULL", mq::spawn_pull, zt::push, &f::they_push},
      side<mq::pub_actor>{"PUB", mq::spawn_pub, zt::sub, &f::we_publish},
      side<mq::pair_actor>{"PAIR", mq::spawn_pair, zt::pair, &f::they_ask});
}

/// Per family, our socket that connects and the libzmq peer that binds.
auto connectors() {
  return std::make_tuple(
      side<mq::dealer_actor>{"DEALER", mq::spawn_dealer, zt::router,
                             &f::we_ask},
      side<mq::req_actor>{"REQ", mq::spawn_req, zt::rep, &f::we_ask},
      side<mq::push_actor>{"PUSH", mq::spawn_push, zt::pull, &f::we_push},
      side<mq::sub_actor>{"SUB", mq::spawn_sub, zt::pub, &f::they_publish},
      side<mq::pair_actor>{"PAIR", mq::spawn_pair, zt::pair, &f::we_ask});
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(ipc_tests, ipc_fixture)

// -- every family, both directions --------------------------------------------

CAF_TEST(every family : we bind and restart; the libzmq peer reconnects) {
  std::apply([this](const auto&... s) { (we_bind(s), ...); }, binders());
}

CAF_TEST(every family : we connect; the libzmq binder re - creates its file) {
  std::apply([this](const auto&... s) { (we_connect(s), ...); }, connectors());
}

// -- what a bind does with what lies at the path ------------------------------

// libzmq's ipc listener removes whatever file the path names before it binds
// (a socket file left by an earlier run, or one a live listener still uses:
// libzmq takes the path over; a regular file too), fails when that cannot be
// removed (a directory), and leaves its file behind when it closes. Ours
// must do the same: each outcome is observed on libzmq first, then on ours.
CAF_TEST(a bind treats what lies at the path as libzmq does) {
  auto observe = [&](const leftover& x, auto bind_fn, auto close_fn) {
    auto path = fresh_path();
    auto held = x.make(path);
    bind_outcome out;
    out.bound = bind_fn("ipc://" + path);
    if (held >= 0)
      ::close(held);
    out.reachable = out.bound && reachable(path);
    if (out.bound)
      close_fn();
    out.file_left = is_socket_file(path);
    return out;
  };
  for (auto& x : leftovers()) {
    std::optional<zmq::socket_t> z;
    auto theirs = observe(
        x,
        [&](const std::string& ep) {
          z.emplace(zsock(ctx, zmq::socket_type::pair));
          try {
            z->bind(ep);
            return true;
          } catch (const zmq::error_t& ex) {
            CAF_MESSAGE("libzmq over " << x.name << ": " << ex.what());
            return false;
          }
        },
        [&] { z->close(); });
    auto p = pair_socket();
    auto ours = observe(
        x,
        [&](const std::string& ep) {
          auto res = try_bind(p, ep);
          if (!res)
            CAF_MESSAGE("ours over " << x.name << ": "
                                     << sys.render(res.error()));
          return static_cast<bool>(res);
        },
        [&] { CAF_CHECK(close(p)); });
    CAF_MESSAGE(x.name << ": libzmq bound=" << theirs.bound
                       << " reachable=" << theirs.reachable
                       << " file_left=" << theirs.file_left);
    CAF_CHECK_EQUAL(ours.bound, theirs.bound);
    CAF_CHECK_EQUAL(ours.reachable, theirs.reachable);
    CAF_CHECK_EQUAL(ours.file_left, theirs.file_left);
    // What libzmq 4.3 does: only a directory stops its bind, and a closed
    // listener leaves its file behind.
    CAF_CHECK_EQUAL(theirs.bound, std::string{x.name} != "a directory");
    CAF_CHECK_EQUAL(theirs.reachable, theirs.bound);
    CAF_CHECK_EQUAL(theirs.file_left, theirs.bound);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
