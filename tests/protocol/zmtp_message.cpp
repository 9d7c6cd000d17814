// The multipart message container: up to two frames in place, more on the
// heap, with std::vector's behaviour for every operation the code base and
// users rely on (order, copies sharing blocks, moves leaving the source
// empty, insert/erase/resize, swaps between in-place and heap storage), and
// every block reference released exactly once (checked with `unique`).
#define CAF_SUITE zmtp_message
#include <caf/test/unit_test.hpp>

#include "monocoque/zmtp/message.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;

namespace {

// Frames viewing slices of one block, so that `unique` tells whether any
// message still holds a reference.
struct fixture {
  frame base = frame::from_string("0123456789");

  frame part(size_t i) const {
    return base.slice(i, 1);
  }

  // A message of `n` frames "0", "1", ... (n <= 10).
  message make(size_t n) const {
    message result;
    for (size_t i = 0; i < n; ++i)
      result.push_back(part(i));
    return result;
  }

  static std::string text(const message& msg) {
    std::string result;
    for (auto& f : msg)
      result += f.empty() ? std::string{"_"} : f.to_string();
    return result;
  }

  bool released() const {
    return base.block()->unique();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(zmtp_message_tests, fixture)

CAF_TEST(frames_stay_in_order_in_place_and_on_the_heap) {
  for (size_t n = 0; n <= 6; ++n) {
    auto msg = make(n);
    CAF_CHECK_EQUAL(msg.size(), n);
    CAF_CHECK_EQUAL(msg.empty(), n == 0);
    CAF_CHECK_EQUAL(text(msg), std::string{"012345"}.substr(0, n));
    CAF_CHECK(msg.capacity() >= n);
    if (n <= message::inline_capacity)
      CAF_CHECK_EQUAL(msg.capacity(), message::inline_capacity);
    if (n > 0) {
      CAF_CHECK_EQUAL(msg.front().to_string(), "0");
      CAF_CHECK_EQUAL(msg.back().to_string(), std::to_string(n - 1));
      CAF_CHECK_EQUAL(msg.at(n - 1).to_string(), std::to_string(n - 1));
    }
    bool threw = false;
    try {
      static_cast<void>(msg.at(n));
    } catch (const std::out_of_range&) {
      threw = true;
    }
    CAF_CHECK(threw);
  }
  CAF_CHECK(released());
}

CAF_TEST(copies_share_blocks_and_moves_empty_the_source) {
  for (size_t n = 0; n <= 5; ++n) {
    auto msg = make(n);
    auto copy = msg;
    CAF_CHECK(copy == msg);
    auto moved = std::move(msg);
    CAF_CHECK(msg.empty()); // NOLINT: moved-from is empty, as std::vector
    CAF_CHECK(moved == copy);
    for (size_t m = 0; m <= 5; ++m) {
      auto target = make(m);
      target = moved; // copy-assign over m frames
      CAF_CHECK(target == copy);
      auto other = make(m);
      other = std::move(target); // move-assign over m frames
      CAF_CHECK(target.empty());
      CAF_CHECK(other == copy);
      auto& alias = other;
      other = alias; // self-assignment changes nothing
      CAF_CHECK(other == copy);
    }
  }
  CAF_CHECK(released());
}

CAF_TEST(swaps_between_in_place_and_heap_storage) {
  for (size_t a = 0; a <= 4; ++a)
    for (size_t b = 0; b <= 4; ++b) {
      auto x = make(a);
      auto y = make(b);
      y.insert(y.begin(), frame{}); // tell them apart: "_" first
      auto want_x = text(y);
      auto want_y = text(x);
      x.swap(y);
      CAF_CHECK_EQUAL(text(x), want_x);
      CAF_CHECK_EQUAL(text(y), want_y);
      std::swap(x, y);
      CAF_CHECK_EQUAL(text(y), want_x);
    }
  CAF_CHECK(released());
}

CAF_TEST(insert_erase_resize_and_pop_back) {
  auto msg = make(2);
  msg.insert(msg.begin(), part(9));
  CAF_CHECK_EQUAL(text(msg), "901");
  msg.insert(msg.begin() + 1, part(8));
  CAF_CHECK_EQUAL(text(msg), "9801");
  msg.insert(msg.end(), part(7));
  CAF_CHECK_EQUAL(text(msg), "98017");
  std::vector<frame> more{part(5), part(6)};
  auto at = msg.insert(msg.begin() + 2, more.begin(), more.end());
  CAF_CHECK_EQUAL(at - msg.begin(), 2);
  CAF_CHECK_EQUAL(text(msg), "9856017");
  msg.erase(msg.begin());
  CAF_CHECK_EQUAL(text(msg), "856017");
  msg.erase(msg.begin() + 1, msg.begin() + 3);
  CAF_CHECK_EQUAL(text(msg), "8017");
  msg.erase(msg.end() - 1);
  CAF_CHECK_EQUAL(text(msg), "801");
  msg.pop_back();
  CAF_CHECK_EQUAL(text(msg), "80");
  msg.resize(4);
  CAF_CHECK_EQUAL(text(msg), "80__");
  msg.resize(1);
  CAF_CHECK_EQUAL(text(msg), "8");
  msg.clear();
  CAF_CHECK(msg.empty());
  msg = {part(3), part(4), part(5)};
  CAF_CHECK_EQUAL(text(msg), "345");
  msg.assign(more.begin(), more.end());
  CAF_CHECK_EQUAL(text(msg), "56");
  message from_range(more.begin(), more.end());
  CAF_CHECK_EQUAL(text(from_range), "56");
  message empties(3);
  CAF_CHECK_EQUAL(text(empties), "___");
  more.clear();
  msg.clear();
  from_range.clear();
  CAF_CHECK(released());
}

CAF_TEST(a_message_can_grow_from_its_own_frames) {
  auto msg = make(2); // full in place: the next push_back reallocates
  msg.push_back(msg.front());
  msg.emplace_back(msg[1]);
  CAF_CHECK_EQUAL(text(msg), "0101");
  msg.push_back(msg.back());
  CAF_CHECK_EQUAL(text(msg), "01011");
  msg = message{};
  CAF_CHECK(released());
}

CAF_TEST(messages_compare_by_payload) {
  CAF_CHECK(make_message({"a", "b"}) == make_message({"a", "b"}));
  CAF_CHECK(make_message({"a", "b"}) != make_message({"a"}));
  CAF_CHECK(make_message({"a", "b"}) != make_message({"a", "c"}));
  CAF_CHECK_EQUAL(payload_size(make_message({"ab", "", "cde"})), 5u);
}

CAF_TEST_FIXTURE_SCOPE_END()
