// Deterministic tests of the streaming verbs: one-way sends with a credit
// window (`window_atom` + `post_atom`) and batched push delivery
// (`deliver_atom, batch_atom`).
#define CAF_SUITE hub_post
#include "hub_fixture.hpp"

using namespace caf;
using namespace caf::monocoque;
using namespace caf::monocoque::hub_test;

namespace {

struct post_fixture : hub_fixture {
  /// Every `(credit_atom, n)` the socket sent to `self` so far.
  std::vector<uint64_t> credits() {
    std::vector<uint64_t> result;
    bool more = true;
    while (more)
      self->receive([&](credit_atom, uint64_t n) { result.push_back(n); },
                    after(std::chrono::seconds(0)) >> [&] { more = false; });
    return result;
  }

  /// Every batch the socket delivered to `self` so far.
  std::vector<std::vector<strings>> batches() {
    std::vector<std::vector<strings>> result;
    bool more = true;
    while (more)
      self->receive(
        [&](message_atom, std::vector<multipart>& msgs) {
          std::vector<strings> batch;
          for (auto& msg : msgs)
            batch.push_back(strs(msg));
          result.push_back(std::move(batch));
        },
        after(std::chrono::seconds(0)) >> [&] { more = false; });
    return result;
  }

  void post(std::vector<multipart> msgs) {
    self->send(sock, post_atom::value, std::move(msgs));
    run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hub_post_tests, post_fixture)

CAF_TEST(the window is granted at once and credit returns as messages leave) {
  auto push = start(spawn_push, hwm(2));
  auto a = up_peer();
  self->send(push, window_atom::value, actor_cast<actor>(self), uint64_t{8});
  run();
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{8}));
  // Four posts: two reach the peer (SNDHWM 2), two wait at the socket. The
  // two that left make a batch (8 / 4): their credit comes back.
  post({mp({"m1"}), mp({"m2"}), mp({"m3"}), mp({"m4"})});
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"m1"}, {"m2"}}));
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{2}));
  CAF_CHECK_EQUAL(stats().pending, 2u);
  // The peer wrote both: the rest leaves, and so does its credit.
  wrote(a, 2);
  CAF_CHECK_EQUAL(got(a).size(), 4u);
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{2}));
  CAF_CHECK_EQUAL(stats().pending, 0u);
}

CAF_TEST(posts wait for a first peer and keep their order) {
  auto push = start(spawn_push, hwm(10));
  self->send(push, window_atom::value, actor_cast<actor>(self), uint64_t{100});
  run();
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{100}));
  post({mp({"1"}), mp({"2"})});
  post({mp({"3"})});
  CAF_CHECK_EQUAL(stats().pending, 3u);
  CAF_CHECK(credits().empty()); // nothing left the socket yet
  auto a = up_peer();
  CAF_CHECK_EQUAL(got(a), (std::vector<strings>{{"1"}, {"2"}, {"3"}}));
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{3})); // queue drained
}

CAF_TEST(a refused post is dropped and counted and its credit returns) {
  // PULL cannot send: its typed handle has no window verb, so the test
  // offers one through the untyped `sock`.
  start(spawn_pull);
  self->send(sock, window_atom::value, actor_cast<actor>(self), uint64_t{4});
  run();
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{4}));
  post({mp({"x"}), mp({"y"})});
  CAF_CHECK_EQUAL(stats().dropped, 2u);
  CAF_CHECK_EQUAL(credits(), (std::vector<uint64_t>{2}));
}

CAF_TEST(batched delivery hands over what one read brought within credit) {
  auto pull = start(spawn_pull);
  auto a = up_peer();
  self->send(pull, deliver_atom::value, batch_atom::value,
             actor_cast<actor>(self), uint64_t{2});
  run();
  // One connection read with three messages: one batch of two (credit),
  // then the third once credit comes.
  send_as(actor_cast<actor>(a.hdl), sock, peer_msg_atom::value, a.key,
          a.epoch, UINT64_MAX,
          std::vector<multipart>{mp({"r1"}), mp({"r2"}), mp({"r3"})});
  run();
  CAF_CHECK_EQUAL(batches(),
                  (std::vector<std::vector<strings>>{{{"r1"}, {"r2"}}}));
  self->send(pull, credit_atom::value, uint64_t{10});
  run();
  CAF_CHECK_EQUAL(batches(), (std::vector<std::vector<strings>>{{{"r3"}}}));
  // CAF_CHECK_EQUAL binds its operands by reference: copy out first.
  auto st = stats();
  CAF_REQUIRE_EQUAL(st.peers.size(), 1u);
  auto msgs_in = st.peers[0].msgs_in;
  CAF_CHECK_EQUAL(msgs_in, 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()
