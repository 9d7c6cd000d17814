// Attack (i): unknown command names. During the handshake they are an
// error (the NULL mechanism expects READY or ERROR): the peer gets an ERROR
// and is dropped. After it they are ignored (RFC 37), and a flood of them
// stays bounded: RSS +<= 8 MiB, the connection survives, canary served.

#define CAF_SUITE hostile.unknown_commands

#include "hostile/fixture.hpp"

using namespace hostile;

namespace {

// Reads frames until a command named `name` or a message frame arrives;
// returns its body ("" on timeout or close).
std::string await_frame(connection& c, const std::string& name) {
  for (;;) {
    interop::raw_frame frm;
    if (!c.read_frame(frm, 5000ms))
      return {};
    if (!frm.command())
      return frm.body;
    if (frm.body.size() > name.size() &&
        static_cast<size_t>(frm.body[0]) == name.size() &&
        frm.body.compare(1, name.size(), name) == 0)
      return frm.body;
  }
}

struct attack_result {
  std::string error_body; // during the handshake
  bool closed = false;
  std::string echo; // after the handshake
  outcome flood = outcome::ok;
  uint64_t flood_sent = 0;
  std::string echo_after_flood;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_unknown_commands_tests, fixture)

CAF_TEST(unknown commands fail the handshake and are ignored after it) {
  start(options());
  rss.start();
  canary_tally tally;
  auto res = during(
      [e = endpoint] {
        attack_result r;
        { // During the handshake: ERROR, then the target closes.
          auto c = connection::connect_to(e);
          c.write(greeting() + command("HELLO", "x"));
          bool ok = false;
          c.read(64, 5000ms, ok);
          if (ok)
            r.error_body = await_frame(c, "ERROR");
          r.closed = c.await_close(5000ms);
        }
        { // After it: ignored; the next message is echoed.
          auto c = connection::connect_to(e);
          c.write(handshake() + command("XFOO", "abc") +
                  interop::message_frame("hello", false));
          bool ok = false;
          c.read(64, 5000ms, ok);
          if (ok)
            r.echo = await_frame(c, "");
        }
        { // A flood of 60 MiB of them, then a message.
          auto c = connection::connect_to(e);
          c.write(handshake());
          r.flood =
              c.repeat(command("XFOOBAR", std::string(16, 'u')), 60 * mib);
          r.flood_sent = c.sent();
          c.write(interop::message_frame("alive", false));
          bool ok = false;
          c.read(64, 5000ms, ok);
          if (ok)
            r.echo_after_flood = await_frame(c, "");
        }
        return r;
      },
      tally);
  CAF_MESSAGE("ERROR during the handshake: '" << res.error_body << "'");
  CAF_CHECK_EQUAL(res.error_body.compare(0, 6,
                                         "\x05"
                                         "ERROR"),
                  0);
  CAF_CHECK(res.closed);
  CAF_CHECK_EQUAL(res.echo, "hello");
  CAF_MESSAGE("flood: " << res.flood_sent << " bytes, "
                        << to_string(res.flood));
  CAF_CHECK_EQUAL(res.echo_after_flood, "alive");
  CAF_MESSAGE("failures:\n" << failures->lines());
  check_bounds("unknown commands", 8, tally);
}

CAF_TEST_FIXTURE_SCOPE_END()
