// Byte-exact tests of the ZMTP 3.x greeting (RFC 23 "The Greeting" and
// "Backwards Interoperability"): the encoder's 64 bytes and the incremental
// reader fed whole, byte by byte, split at every offset and with trailing
// bytes, plus every refusal the reader makes and when it makes it.
#define CAF_SUITE zmtp_greeting
#include <caf/test/unit_test.hpp>

#include "codec_test_helpers.hpp"
#include "monocoque/zmtp/greeting.hpp"

#include <string>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::codec_test;

namespace {

using status = greeting_reader::status;

// The reader's state as an int, so failed checks print something readable.
int st(const greeting_reader& reader) {
  return static_cast<int>(reader.state());
}

constexpr int incomplete = static_cast<int>(status::incomplete);
constexpr int complete = static_cast<int>(status::complete);
constexpr int failed = static_cast<int>(status::failed);

// Builds a greeting by hand, field by field, as RFC 23's grammar spells it.
bytes make_greeting(uint8_t major, uint8_t minor, std::string_view mechanism,
                    uint8_t as_server) {
  bytes out;
  out.push_back(0xFF);            // signature
  out.insert(out.end(), 8, 0x00); //   padding
  out.push_back(0x7F);            //   end of signature
  out.push_back(major);           // version
  out.push_back(minor);
  auto mech = bytes_of(mechanism); // mechanism, NUL-padded to 20 octets
  mech.resize(20, 0x00);
  out.insert(out.end(), mech.begin(), mech.end());
  out.push_back(as_server);        // as-server
  out.insert(out.end(), 31, 0x00); // filler
  return out;
}

const bytes null_client = make_greeting(3, 1, "NULL", 0);

// Feeds `input` and returns how many bytes the reader consumed.
size_t feed(greeting_reader& reader, const bytes& input) {
  return reader.feed(span_of(input));
}

// Feeds `input` one byte at a time until the reader stops being incomplete;
// returns how many bytes it took.
size_t feed_bytewise(greeting_reader& reader, const bytes& input) {
  size_t i = 0;
  while (i < input.size() && reader.state() == status::incomplete)
    i += reader.feed(byte_span{input.data() + i, 1});
  return i;
}

} // namespace

// -- encoding -----------------------------------------------------------------

CAF_TEST(encode_null_client_is_exact) {
  greeting g;
  auto out = g.encode();
  CAF_REQUIRE_EQUAL(out.size(), 64u);
  bytes expected{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0x03, 0x01,
                 'N',  'U', 'L', 'L'};
  expected.resize(32, 0x00); // mechanism padding to offset 32
  expected.push_back(0x00);  // as-server
  expected.resize(64, 0x00); // 31 filler bytes
  CAF_CHECK_EQUAL(hex(out.data(), out.size()), hex(expected));
  CAF_CHECK_EQUAL(hex(out.data(), out.size()), hex(null_client));
}

CAF_TEST(encode_fields_land_at_their_offsets) {
  greeting g;
  g.minor = 0;
  g.mechanism = "CURVE";
  g.as_server = true;
  auto out = g.encode();
  CAF_CHECK_EQUAL(hex(out.data(), out.size()),
                  hex(make_greeting(3, 0, "CURVE", 1)));
  CAF_CHECK_EQUAL(out[greeting::as_server_offset], 0x01);
  // A name of exactly 20 characters fills the field without a NUL.
  g.mechanism = "ABCDEFGHIJKLMNOPQRST";
  out = g.encode();
  CAF_CHECK_EQUAL(hex(out.data(), out.size()),
                  hex(make_greeting(3, 0, "ABCDEFGHIJKLMNOPQRST", 1)));
}

CAF_TEST(encode_then_read_round_trips) {
  for (auto as_server : {false, true}) {
    greeting g;
    g.mechanism = "PLAIN";
    g.as_server = as_server;
    auto out = g.encode();
    greeting_reader reader;
    CAF_CHECK_EQUAL(reader.feed(byte_span{out.data(), out.size()}), 64u);
    CAF_REQUIRE_EQUAL(st(reader), complete);
    CAF_CHECK_EQUAL(reader.result().major, 3);
    CAF_CHECK_EQUAL(reader.result().minor, 1);
    CAF_CHECK_EQUAL(reader.result().mechanism, "PLAIN");
    CAF_CHECK_EQUAL(reader.result().as_server, as_server);
  }
}

// -- reading a valid greeting -------------------------------------------------

CAF_TEST(read_whole) {
  greeting_reader reader;
  CAF_CHECK_EQUAL(st(reader), incomplete);
  CAF_CHECK_EQUAL(feed(reader, null_client), 64u);
  CAF_REQUIRE_EQUAL(st(reader), complete);
  CAF_CHECK_EQUAL(reader.bytes_read(), 64u);
  CAF_CHECK_EQUAL(reader.result().major, 3);
  CAF_CHECK_EQUAL(reader.result().minor, 1);
  CAF_CHECK_EQUAL(reader.result().mechanism, "NULL");
  CAF_CHECK_EQUAL(reader.result().as_server, false);
  // Once complete, the reader consumes nothing more.
  CAF_CHECK_EQUAL(feed(reader, null_client), 0u);
  CAF_CHECK_EQUAL(st(reader), complete);
}

CAF_TEST(read_one_byte_at_a_time) {
  greeting_reader reader;
  std::string trace; // one letter per byte: i(ncomplete), c(omplete), f(ailed)
  for (size_t i = 0; i < null_client.size(); ++i) {
    auto n = reader.feed(byte_span{null_client.data() + i, 1});
    trace += n == 1 ? "icf"[st(reader)] : '?';
  }
  CAF_CHECK_EQUAL(trace, std::string(63, 'i') + 'c');
  CAF_CHECK_EQUAL(reader.result().mechanism, "NULL");
}

CAF_TEST(read_split_at_every_offset) {
  std::string mismatches;
  for (size_t k = 0; k <= null_client.size(); ++k) {
    greeting_reader reader;
    auto n1 = reader.feed(span_of(null_client).first(k));
    auto s1 = st(reader);
    auto n2 = reader.feed(span_of(null_client).subspan(k));
    bool ok = n1 == k && s1 == (k == 64 ? complete : incomplete)
              && n2 == 64 - k && st(reader) == complete
              && reader.result().mechanism == "NULL"
              && reader.result().minor == 1;
    if (!ok)
      mismatches += " k=" + std::to_string(k);
  }
  CAF_CHECK_EQUAL(mismatches, "");
}

CAF_TEST(read_consumes_only_64_bytes) {
  auto input = concat({null_client, {0x04, 0x06, 0x05, 'R', 'E', 'A'}});
  {
    greeting_reader reader;
    CAF_CHECK_EQUAL(feed(reader, input), 64u);
    CAF_CHECK_EQUAL(st(reader), complete);
    CAF_CHECK_EQUAL(reader.bytes_read(), 64u);
  }
  // The same when the greeting's tail and the trailing bytes share a chunk.
  std::string mismatches;
  for (size_t k = 1; k < 64; ++k) {
    greeting_reader reader;
    auto n1 = reader.feed(span_of(input).first(k));
    auto n2 = reader.feed(span_of(input).subspan(k));
    if (n1 != k || n2 != 64 - k || st(reader) != complete)
      mismatches += " k=" + std::to_string(k);
  }
  CAF_CHECK_EQUAL(mismatches, "");
}

CAF_TEST(read_zmtp_3_0_greeting) {
  greeting_reader reader;
  CAF_CHECK_EQUAL(feed(reader, make_greeting(3, 0, "NULL", 0)), 64u);
  CAF_REQUIRE_EQUAL(st(reader), complete);
  CAF_CHECK_EQUAL(reader.result().major, 3);
  CAF_CHECK_EQUAL(reader.result().minor, 0);
}

CAF_TEST(read_accepts_higher_versions) {
  // RFC 23: "a ZMTP peer MUST accept protocol versions greater or equal to
  // 3.0".
  for (auto [major, minor] : {std::pair{3, 2}, std::pair{4, 0}}) {
    greeting_reader reader;
    feed(reader, make_greeting(static_cast<uint8_t>(major),
                               static_cast<uint8_t>(minor), "NULL", 0));
    CAF_REQUIRE_EQUAL(st(reader), complete);
    CAF_CHECK_EQUAL(reader.result().major, major);
    CAF_CHECK_EQUAL(reader.result().minor, minor);
  }
}

CAF_TEST(read_as_server_and_full_length_mechanism) {
  greeting_reader reader;
  feed(reader, make_greeting(3, 1, "ABCDEFGHIJKLMNOPQRST", 1));
  CAF_REQUIRE_EQUAL(st(reader), complete);
  CAF_CHECK_EQUAL(reader.result().mechanism, "ABCDEFGHIJKLMNOPQRST");
  CAF_CHECK_EQUAL(reader.result().as_server, true);
}

CAF_TEST(padding_field_is_not_significant) {
  // RFC 23: a peer "SHALL NOT assign any significance to the padding field".
  auto input = null_client;
  for (size_t i = 1; i <= 8; ++i)
    input[i] = static_cast<uint8_t>(0xA0 + i);
  greeting_reader reader;
  CAF_CHECK_EQUAL(feed(reader, input), 64u);
  CAF_CHECK_EQUAL(st(reader), complete);
}

CAF_TEST(empty_input_consumes_nothing) {
  // A default byte_span has a null data pointer; the reader must not pass it
  // to memcpy (UBSan's nonnull-attribute check aborts the sanitizer build).
  greeting_reader reader;
  CAF_CHECK_EQUAL(reader.feed(byte_span{}), 0u);
  CAF_CHECK_EQUAL(reader.feed(span_of(null_client).first(0)), 0u);
  CAF_CHECK_EQUAL(st(reader), incomplete);
  CAF_CHECK_EQUAL(reader.feed(span_of(null_client).first(5)), 5u);
  CAF_CHECK_EQUAL(reader.feed(byte_span{}), 0u);
  CAF_CHECK_EQUAL(reader.bytes_read(), 5u);
  CAF_CHECK_EQUAL(reader.feed(span_of(null_client).subspan(5)), 59u);
  CAF_CHECK_EQUAL(st(reader), complete);
}

// -- refusals -----------------------------------------------------------------

CAF_TEST(refuse_zmtp_1_0_after_the_first_byte) {
  // A ZMTP 1.0 peer starts with a short identity frame: length, flags, body.
  bytes zmtp10{0x01, 0x00};
  greeting_reader reader;
  CAF_CHECK_EQUAL(reader.feed(byte_span{zmtp10.data(), 1}), 1u);
  CAF_REQUIRE_EQUAL(st(reader), failed);
  CAF_CHECK_EQUAL(reader.bytes_read(), 1u);
  CAF_CHECK_EQUAL(code(reader.error().code),
                  code(peer_error::unversioned_peer));
  CAF_CHECK(!reader.error().detail.empty());
  // A failed reader stays failed and consumes nothing more.
  CAF_CHECK_EQUAL(reader.feed(byte_span{zmtp10.data() + 1, 1}), 0u);
  CAF_CHECK_EQUAL(st(reader), failed);
}

CAF_TEST(refuse_zmtp_1_0_after_ten_bytes) {
  // A ZMTP 1.0 peer with a long identity: FF, 8-byte length, flags (bit 0
  // clear where ZMTP 2.0+ has 0x7F).
  bytes zmtp10{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x00, 'a', 'b', 'c'};
  greeting_reader reader;
  CAF_CHECK_EQUAL(feed_bytewise(reader, zmtp10), 10u);
  CAF_REQUIRE_EQUAL(st(reader), failed);
  CAF_CHECK_EQUAL(reader.bytes_read(), 10u);
  CAF_CHECK_EQUAL(code(reader.error().code),
                  code(peer_error::unversioned_peer));
  // Nine bytes alone must not decide anything.
  greeting_reader nine;
  CAF_CHECK_EQUAL(nine.feed(span_of(zmtp10).first(9)), 9u);
  CAF_CHECK_EQUAL(st(nine), incomplete);
}

CAF_TEST(refuse_zmtp_2_0_after_eleven_bytes) {
  // ZMTP 2.0: the signature, then revision 0x01, socket type, identity.
  bytes zmtp20{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x01, 0x05, 0x00, 0x00};
  greeting_reader reader;
  CAF_CHECK_EQUAL(reader.feed(span_of(zmtp20).first(10)), 10u);
  CAF_CHECK_EQUAL(st(reader), incomplete);
  CAF_CHECK_EQUAL(reader.feed(span_of(zmtp20).subspan(10, 1)), 1u);
  CAF_REQUIRE_EQUAL(st(reader), failed);
  CAF_CHECK_EQUAL(reader.bytes_read(), 11u);
  CAF_CHECK_EQUAL(code(reader.error().code),
                  code(peer_error::unsupported_version));
  CAF_CHECK_NOT_EQUAL(reader.error().detail.find("2.0"), std::string::npos);
  // Byte by byte gives the same verdict at the same byte.
  greeting_reader bytewise;
  CAF_CHECK_EQUAL(feed_bytewise(bytewise, zmtp20), 11u);
  CAF_CHECK_EQUAL(code(bytewise.error().code),
                  code(peer_error::unsupported_version));
}

CAF_TEST(refuse_every_major_version_below_3) {
  for (uint8_t major : {0, 1, 2}) {
    auto input = make_greeting(major, 1, "NULL", 0);
    greeting_reader reader;
    CAF_CHECK_EQUAL(feed_bytewise(reader, input), 11u);
    CAF_CHECK_EQUAL(st(reader), failed);
    CAF_CHECK_EQUAL(code(reader.error().code),
                    code(peer_error::unsupported_version));
  }
}

CAF_TEST(refuse_bad_as_server_byte) {
  for (uint8_t as_server : {0x02, 0x80, 0xFF}) {
    auto input = make_greeting(3, 1, "NULL", as_server);
    greeting_reader reader;
    // The flag is only judged with the complete greeting.
    CAF_CHECK_EQUAL(reader.feed(span_of(input).first(63)), 63u);
    CAF_CHECK_EQUAL(st(reader), incomplete);
    CAF_CHECK_EQUAL(reader.feed(span_of(input).subspan(63)), 1u);
    CAF_REQUIRE_EQUAL(st(reader), failed);
    CAF_CHECK_EQUAL(code(reader.error().code),
                    code(peer_error::malformed_greeting));
  }
}

CAF_TEST(refuse_non_nul_padding_after_mechanism_name) {
  // "NULL", NUL, then garbage: the name must not compare equal to "NULL".
  for (size_t garbage_at : {17u, 20u, 31u}) {
    auto input = null_client;
    input[garbage_at] = 'X';
    greeting_reader reader;
    CAF_CHECK_EQUAL(feed(reader, input), 64u);
    CAF_CHECK_EQUAL(st(reader), failed);
    CAF_CHECK_EQUAL(code(reader.error().code),
                    code(peer_error::malformed_greeting));
  }
}
