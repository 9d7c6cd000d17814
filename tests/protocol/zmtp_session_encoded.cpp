// Messages encoded once for many sessions (`frame_encoder::encode_all`,
// `session::send_encoded`, used for PUB fan-out): the bytes on the wire are
// exactly those of sending each message, the offsets of message ends match,
// large payloads stay referenced, and the session refuses them when `send`
// would.
#define CAF_SUITE zmtp_session_encoded
#include "codec_test_helpers.hpp"
#include "session_pair.hpp"

#include "monocoque/zmtp/frame_encoder.hpp"

#include <caf/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::session_test;
using namespace std::chrono_literals;

namespace {

// Short and long size fields, empty frames, multipart messages and payloads
// on both sides of the copy threshold (1024).
std::vector<message> burst() {
  return {
    make_message({"a"}),
    make_message({""}),
    make_message({"topic", "", "body"}),
    message{pattern_frame(255, 1)},
    message{pattern_frame(256, 2), pattern_frame(1024, 3)},
    message{pattern_frame(1025, 4)},
    message{frame{}, pattern_frame(70000, 5), pattern_frame(64, 6)},
  };
}

void connect(session_pair& p) {
  CAF_REQUIRE(p.connect());
  CAF_REQUIRE_EQUAL(poll_all(p.a).size(), 1u);
  CAF_REQUIRE_EQUAL(poll_all(p.b).size(), 1u);
}

} // namespace

CAF_TEST(encoded_messages_are_the_bytes_of_sending_each) {
  auto msgs = burst();
  session_pair each{config(socket_type::pub), config(socket_type::sub)};
  session_pair once{config(socket_type::pub), config(socket_type::sub)};
  connect(each);
  connect(once);
  std::vector<uint64_t> ends;
  for (auto& msg : msgs) {
    CAF_REQUIRE_EQUAL(each.a.send(msg), local_error::none);
    ends.push_back(each.a.output().size());
  }
  auto enc = frame_encoder::encode_all(msgs, once.a.output().copy_threshold());
  CAF_CHECK_EQUAL(enc.ends, ends);
  CAF_CHECK_EQUAL(enc.size(), ends.back());
  CAF_REQUIRE(once.a.takes_encoded());
  CAF_REQUIRE_EQUAL(once.a.send_encoded(enc), local_error::none);
  CAF_CHECK_EQUAL(once.a.output().size(), each.a.output().size());
  CAF_CHECK(codec_test::drain_copy(once.a.output())
           == codec_test::drain_copy(each.a.output()));
  // The 70000-byte payload is referenced, not copied, as `send` does.
  auto& big = msgs.back()[1];
  io_slice slices[32];
  auto n = once.a.output().gather(slices, 32);
  bool referenced = false;
  for (size_t i = 0; i < n; ++i)
    referenced |= slices[i].data == big.data() && slices[i].size == big.size();
  CAF_CHECK(referenced);
  // The peer decodes the same messages.
  once.run();
  CAF_CHECK_EQUAL(messages_of(poll_all(once.b)).size(), msgs.size());
}

CAF_TEST(one_encoding_serves_many_sessions) {
  auto msgs = burst();
  auto enc = frame_encoder::encode_all(msgs, 1024);
  for (int i = 0; i < 3; ++i) {
    session_pair p{config(socket_type::pub), config(socket_type::sub)};
    connect(p);
    // Output already pending (a message sent before) comes first.
    CAF_REQUIRE_EQUAL(p.a.send(make_message({"before"})), local_error::none);
    CAF_REQUIRE_EQUAL(p.a.send_encoded(enc), local_error::none);
    CAF_REQUIRE_EQUAL(p.a.send(make_message({"after"})), local_error::none);
    p.run();
    auto got = messages_of(poll_all(p.b));
    CAF_REQUIRE_EQUAL(got.size(), msgs.size() + 2);
    CAF_CHECK(same_message(got.front(), make_message({"before"})));
    for (size_t j = 0; j < msgs.size(); ++j)
      CAF_CHECK(same_message(got[j + 1], msgs[j]));
    CAF_CHECK(same_message(got.back(), make_message({"after"})));
  }
}

CAF_TEST(encoded_messages_are_refused_when_send_would_be) {
  auto enc = frame_encoder::encode_all({make_message({"x"})}, 1024);
  session s{config(socket_type::pub)};
  CAF_CHECK(!s.takes_encoded());
  CAF_CHECK_EQUAL(s.send_encoded(enc), local_error::not_ready);
  s.start(0ns);
  auto pending = s.output().size(); // the greeting
  CAF_CHECK_EQUAL(s.send_encoded(enc), local_error::not_ready);
  CAF_CHECK_EQUAL(s.output().size(), pending);
  feed_bytes(s, greeting_bytes(1), 0ns);
  feed_bytes(s, ready_command(socket_type::sub), 0ns);
  CAF_REQUIRE(s.ready());
  CAF_CHECK(s.takes_encoded());
  pending = s.output().size();
  CAF_CHECK_EQUAL(s.send_encoded(encoded_messages{}),
                  local_error::empty_message);
  CAF_CHECK_EQUAL(s.output().size(), pending);
  CAF_CHECK_EQUAL(s.send_encoded(enc), local_error::none);
  CAF_CHECK_EQUAL(s.output().size(), pending + 3);
  feed_bytes(s, command_frame("ERROR", error_data("bye")), 0ns);
  CAF_CHECK(!s.takes_encoded());
  pending = s.output().size();
  CAF_CHECK_EQUAL(s.send_encoded(enc), local_error::closed);
  CAF_CHECK_EQUAL(s.output().size(), pending);
}
