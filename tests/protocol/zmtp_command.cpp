// Tests of command bodies (RFC 23 commands, RFC 37's PING/PONG) and of the
// socket types: wire names and the full 11x11 compatibility matrix of RFC 23
// "The Socket-Type Property".
#define CAF_SUITE zmtp_command
#include <caf/test/unit_test.hpp>

#include "codec_test_helpers.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/socket_type.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::codec_test;

namespace {

const std::vector<socket_type> all_types{
  socket_type::pair,   socket_type::pub,    socket_type::sub,
  socket_type::req,    socket_type::rep,    socket_type::dealer,
  socket_type::router, socket_type::pull,   socket_type::push,
  socket_type::xpub,   socket_type::xsub,
};

} // namespace

// -- parse_command ------------------------------------------------------------

CAF_TEST(parse_command_refuses_malformed_bodies) {
  CAF_CHECK(!parse_command(byte_span{}).has_value());
  CAF_CHECK(!parse_command(span_of(bytes{0})).has_value());
  CAF_CHECK(!parse_command(span_of(bytes{0, 'A'})).has_value());
  // Shorter than its name size says, at every length.
  auto full = concat({{5}, bytes_of("READY")});
  for (size_t k = 1; k < full.size(); ++k)
    CAF_CHECK(!parse_command(span_of(full).first(k)).has_value());
  auto long_name = concat({{255}, bytes(254, 'A')});
  CAF_CHECK(!parse_command(span_of(long_name)).has_value());
}

CAF_TEST(parse_command_splits_name_and_data) {
  auto ready = concat({{5}, bytes_of("READY")});
  auto cmd = parse_command(span_of(ready));
  CAF_REQUIRE(cmd.has_value());
  CAF_CHECK_EQUAL(cmd->name, "READY");
  CAF_CHECK(cmd->data.empty());
  auto ping = concat({{4}, bytes_of("PING"), {0x00, 0x0A, 'c', 't', 'x'}});
  cmd = parse_command(span_of(ping));
  CAF_REQUIRE(cmd.has_value());
  CAF_CHECK_EQUAL(cmd->name, "PING");
  CAF_CHECK_EQUAL(hex(cmd->data), "00 0A 63 74 78");
  // Views, not copies.
  CAF_CHECK(cmd->data.data() == ping.data() + 5);
  auto longest = concat({{255}, bytes(255, 'A'), {1}});
  cmd = parse_command(span_of(longest));
  CAF_REQUIRE(cmd.has_value());
  CAF_CHECK_EQUAL(cmd->name.size(), 255u);
  CAF_CHECK_EQUAL(hex(cmd->data), "01");
}

CAF_TEST(command_names) {
  CAF_CHECK_EQUAL(command_name::ready, "READY");
  CAF_CHECK_EQUAL(command_name::error, "ERROR");
  CAF_CHECK_EQUAL(command_name::ping, "PING");
  CAF_CHECK_EQUAL(command_name::pong, "PONG");
  CAF_CHECK_EQUAL(command_name::subscribe, "SUBSCRIBE");
  CAF_CHECK_EQUAL(command_name::cancel, "CANCEL");
}

// -- PING ---------------------------------------------------------------------

CAF_TEST(parse_ping) {
  CAF_CHECK(!parse_ping(byte_span{}).has_value());
  CAF_CHECK(!parse_ping(span_of(bytes{0x01})).has_value());
  auto ttl_only = bytes{0x01, 0x2C};
  auto ping = parse_ping(span_of(ttl_only));
  CAF_REQUIRE(ping.has_value());
  CAF_CHECK_EQUAL(ping->ttl_deciseconds, 300);
  CAF_CHECK(ping->context.empty());
  auto with_ctx = concat({{0xFF, 0xFE}, pattern(16)});
  ping = parse_ping(span_of(with_ctx));
  CAF_REQUIRE(ping.has_value());
  CAF_CHECK_EQUAL(ping->ttl_deciseconds, 0xFFFE);
  CAF_CHECK_EQUAL(hex(ping->context), hex(pattern(16)));
  CAF_CHECK(ping->context.data() == with_ctx.data() + 2);
  // A longer context is cut at 16 bytes.
  auto too_long = concat({{0x00, 0x00}, pattern(17)});
  ping = parse_ping(span_of(too_long));
  CAF_REQUIRE(ping.has_value());
  CAF_CHECK_EQUAL(ping->ttl_deciseconds, 0);
  CAF_CHECK_EQUAL(hex(ping->context), hex(pattern(16)));
}

CAF_TEST(make_ping) {
  CAF_CHECK_EQUAL(hex(make_ping(0, byte_span{})), "00 00");
  CAF_CHECK_EQUAL(hex(make_ping(300, byte_span{"abc"})), "01 2C 61 62 63");
  CAF_CHECK_EQUAL(hex(make_ping(0xABCD, byte_span{})), "AB CD");
  auto ctx = pattern(20);
  auto out = make_ping(0xFFFF, span_of(ctx));
  CAF_CHECK_EQUAL(hex(out), hex(concat({{0xFF, 0xFF}, pattern(16)})));
  // Round trip.
  auto back = parse_ping(span_of(out));
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL(back->ttl_deciseconds, 0xFFFF);
  CAF_CHECK_EQUAL(hex(back->context), hex(pattern(16)));
  CAF_CHECK_EQUAL(max_ping_context, 16u);
}

// -- ERROR --------------------------------------------------------------------

CAF_TEST(parse_error_reason) {
  CAF_CHECK(!parse_error_reason(byte_span{}).has_value());
  CAF_CHECK(!parse_error_reason(span_of(bytes{3, 'a', 'b'})).has_value());
  CAF_CHECK(!parse_error_reason(span_of(bytes{1})).has_value());
  auto empty = parse_error_reason(span_of(bytes{0}));
  CAF_REQUIRE(empty.has_value());
  CAF_CHECK_EQUAL(*empty, "");
  auto hello = concat({{5}, bytes_of("Hello")});
  auto reason = parse_error_reason(span_of(hello));
  CAF_REQUIRE(reason.has_value());
  CAF_CHECK_EQUAL(*reason, "Hello");
  auto longest = concat({{255}, bytes(255, 'r')});
  reason = parse_error_reason(span_of(longest));
  CAF_REQUIRE(reason.has_value());
  CAF_CHECK_EQUAL(reason->size(), 255u);
}

CAF_TEST(make_error) {
  CAF_CHECK_EQUAL(hex(make_error("")), "00");
  CAF_CHECK_EQUAL(hex(make_error("bad")), "03 62 61 64");
  std::string exact(255, 'e');
  auto out = make_error(exact);
  CAF_CHECK_EQUAL(out.size(), 256u);
  CAF_CHECK_EQUAL(out[0], 255);
  // Cut at 255 bytes, never wrapped to a size of 300 - 256.
  std::string too_long(300, 'x');
  too_long[255] = 'Y';
  out = make_error(too_long);
  CAF_REQUIRE_EQUAL(out.size(), 256u);
  CAF_CHECK_EQUAL(out[0], 255);
  CAF_CHECK_EQUAL(out.back(), 'x');
  auto reason = parse_error_reason(span_of(out));
  CAF_REQUIRE(reason.has_value());
  CAF_CHECK_EQUAL(*reason, std::string(255, 'x'));
}

// -- socket types -------------------------------------------------------------

CAF_TEST(socket_type_wire_names) {
  std::vector<std::string> names;
  for (auto x : all_types)
    names.emplace_back(wire_name(x));
  CAF_CHECK_EQUAL(names,
                  (std::vector<std::string>{"PAIR", "PUB", "SUB", "REQ", "REP",
                                            "DEALER", "ROUTER", "PULL", "PUSH",
                                            "XPUB", "XSUB"}));
  for (auto x : all_types) {
    auto back = parse_socket_type(wire_name(x));
    CAF_CHECK(back.has_value() && *back == x);
  }
  for (auto bad : {"", "dealer", "Dealer", "DEALER ", " DEALER", "DEALERX",
                   "STREAM", "SERVER", "UNKNOWN"})
    CAF_CHECK(!parse_socket_type(bad).has_value());
}

CAF_TEST(socket_type_compatibility_matrix) {
  // RFC 23's table of legal combinations, one unordered pair per line.
  using st = socket_type;
  std::set<std::pair<st, st>> legal;
  auto allow = [&](st x, st y) {
    legal.emplace(x, y);
    legal.emplace(y, x);
  };
  allow(st::req, st::rep);
  allow(st::req, st::router);
  allow(st::rep, st::dealer);
  allow(st::dealer, st::dealer);
  allow(st::dealer, st::router);
  allow(st::router, st::router);
  allow(st::pub, st::sub);
  allow(st::pub, st::xsub);
  allow(st::xpub, st::sub);
  allow(st::xpub, st::xsub);
  allow(st::push, st::pull);
  allow(st::pair, st::pair);
  CAF_CHECK_EQUAL(legal.size(), 21u);
  std::string bad;
  size_t checked = 0;
  for (auto self : all_types) {
    for (auto peer : all_types) {
      ++checked;
      bool want = legal.count({self, peer}) > 0;
      if (compatible(self, peer) != want)
        bad += " " + std::string{wire_name(self)} + "-"
               + std::string{wire_name(peer)};
      if (compatible(self, peer) != compatible(peer, self))
        bad += " asymmetric:" + std::string{wire_name(self)} + "-"
               + std::string{wire_name(peer)};
    }
  }
  CAF_CHECK_EQUAL(checked, 121u);
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(socket_type_roles) {
  std::string identity, accepts, sends;
  for (auto x : all_types) {
    auto name = std::string{wire_name(x)} + " ";
    if (sends_identity(x))
      identity += name;
    if (accepts_subscriptions(x))
      accepts += name;
    if (sends_subscriptions(x))
      sends += name;
  }
  CAF_CHECK_EQUAL(identity, "REQ DEALER ROUTER ");
  CAF_CHECK_EQUAL(accepts, "PUB XPUB ");
  CAF_CHECK_EQUAL(sends, "SUB XSUB ");
}
