// Byte-exact tests of READY metadata (RFC 23 "The NULL Security Mechanism"
// and "Connection Metadata"): exact encoding, case-insensitive lookup, name
// validation, and rejection of every truncation of a valid encoding.
#define CAF_SUITE zmtp_metadata
#include <caf/test/unit_test.hpp>

#include "codec_test_helpers.hpp"
#include "monocoque/zmtp/metadata.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace monocoque::zmtp;
using namespace monocoque::zmtp::codec_test;

namespace {

// The property list of RFC 23's worked example (a DEALER's READY) plus an
// application property.
const bytes example = concat({
  {11}, bytes_of("Socket-Type"), {0, 0, 0, 6}, bytes_of("DEALER"),
  {8},  bytes_of("Identity"),    {0, 0, 0, 0},
  {8},  bytes_of("X-Custom"),    {0, 0, 0, 1}, bytes_of("v"),
});

// Offsets at which a property of `example` ends.
const std::vector<size_t> boundaries{0, 22, 35, 49};

metadata make_example() {
  metadata md;
  md.set("Socket-Type", "DEALER");
  md.set("Identity", "");
  md.set("X-Custom", "v");
  return md;
}

// Renders properties as "name=value;..." for readable comparisons.
std::string render(const metadata& md) {
  std::string out;
  for (const auto& prop : md.properties())
    out += prop.name + "=" + prop.value + ";";
  return out;
}

} // namespace

// -- encoding -----------------------------------------------------------------

CAF_TEST(encode_exact_bytes) {
  auto md = make_example();
  std::vector<uint8_t> out;
  md.encode_to(out);
  CAF_CHECK_EQUAL(hex(out), hex(example));
  CAF_CHECK_EQUAL(md.encoded_size(), example.size());
  CAF_CHECK_EQUAL(example.size(), 49u);
}

CAF_TEST(encode_appends) {
  auto md = make_example();
  std::vector<uint8_t> out{0x04, 0x29, 0x05, 'R', 'E', 'A', 'D', 'Y'};
  md.encode_to(out);
  CAF_CHECK_EQUAL(hex(out), hex(concat({bytes_of("\x04)\x05READY"), example})));
}

CAF_TEST(encode_empty_and_large_values) {
  metadata empty;
  std::vector<uint8_t> out;
  empty.encode_to(out);
  CAF_CHECK(out.empty());
  CAF_CHECK_EQUAL(empty.encoded_size(), 0u);
  // A value of 0x010203 bytes: the size field is big-endian.
  metadata big;
  std::string value(0x010203, 'q');
  CAF_REQUIRE(big.set("X-Big", value));
  big.encode_to(out);
  CAF_REQUIRE_EQUAL(out.size(), 1u + 5 + 4 + 0x010203);
  CAF_CHECK_EQUAL(hex(out.data(), 10), "05 58 2D 42 69 67 00 01 02 03");
  CAF_CHECK_EQUAL(big.encoded_size(), out.size());
}

// -- decoding -----------------------------------------------------------------

CAF_TEST(decode_and_find_ignoring_case) {
  auto md = metadata::decode(span_of(example));
  CAF_REQUIRE(md.has_value());
  CAF_CHECK_EQUAL(render(*md), "Socket-Type=DEALER;Identity=;X-Custom=v;");
  for (auto name :
       {"Socket-Type", "socket-type", "SOCKET-TYPE", "sOcKeT-tYpE"}) {
    auto* value = md->find(name);
    CAF_CHECK(value != nullptr);
    if (value != nullptr)
      CAF_CHECK_EQUAL(*value, "DEALER");
  }
  auto* identity = md->find("IDENTITY");
  CAF_REQUIRE(identity != nullptr); // present, with an empty value
  CAF_CHECK_EQUAL(*identity, "");
  CAF_CHECK(md->find("Socket-Typ") == nullptr);
  CAF_CHECK(md->find("Socket-Type ") == nullptr);
  CAF_CHECK(md->find("") == nullptr);
  // Lookups ignore case; values keep theirs.
  CAF_CHECK_EQUAL(*md->find("x-custom"), "v");
}

CAF_TEST(decode_empty_list) {
  auto md = metadata::decode(byte_span{});
  CAF_REQUIRE(md.has_value());
  CAF_CHECK_EQUAL(md->size(), 0u);
}

CAF_TEST(decode_keeps_duplicates_and_find_returns_the_first) {
  auto wire = concat({{1}, bytes_of("A"), {0, 0, 0, 1}, bytes_of("1"),
                      {1}, bytes_of("a"), {0, 0, 0, 1}, bytes_of("2")});
  auto md = metadata::decode(span_of(wire));
  CAF_REQUIRE(md.has_value());
  CAF_CHECK_EQUAL(md->size(), 2u);
  CAF_CHECK_EQUAL(*md->find("a"), "1");
}

CAF_TEST(decode_round_trips_binary_values) {
  metadata md;
  std::string binary{"\x00\xFF\x01\x80", 4};
  CAF_REQUIRE(md.set("Identity", binary));
  std::vector<uint8_t> out;
  md.encode_to(out);
  auto back = metadata::decode(span_of(out));
  CAF_REQUIRE(back.has_value());
  CAF_CHECK_EQUAL(hex(byte_span{*back->find("identity")}), "00 FF 01 80");
}

CAF_TEST(decode_rejects_every_truncation) {
  std::string bad;
  for (size_t k = 0; k <= example.size(); ++k) {
    auto md = metadata::decode(span_of(example).first(k));
    auto it = std::find(boundaries.begin(), boundaries.end(), k);
    if (it == boundaries.end()) {
      if (md.has_value())
        bad += " accepted k=" + std::to_string(k);
    } else if (!md.has_value()
               || md->size() != size_t(it - boundaries.begin())) {
      bad += " refused k=" + std::to_string(k);
    }
  }
  CAF_CHECK_EQUAL(bad, "");
}

CAF_TEST(decode_rejects_value_size_of_2_pow_31_or_more) {
  for (auto size : {bytes{0x80, 0, 0, 0}, bytes{0xFF, 0xFF, 0xFF, 0xFF}}) {
    // Even with the announced bytes present, the size itself is invalid.
    auto wire = concat({{1}, bytes_of("a"), size, pattern(16)});
    CAF_CHECK(!metadata::decode(span_of(wire)).has_value());
  }
  // 2^31-1 is a valid size; only the missing bytes make this one invalid.
  auto wire = concat({{1}, bytes_of("a"), {0x7F, 0xFF, 0xFF, 0xFF}});
  CAF_CHECK(!metadata::decode(span_of(wire)).has_value());
}

CAF_TEST(decode_rejects_invalid_names) {
  // Name size 0.
  CAF_CHECK(!metadata::decode(span_of(bytes{0, 0, 0, 0, 0})).has_value());
  // Characters outside RFC 23's name-char.
  for (auto name : {"a b", "a:b", "a\x01", "\xC3\xA4", "a/b"}) {
    auto n = bytes_of(name);
    auto wire = concat({{static_cast<uint8_t>(n.size())}, n, {0, 0, 0, 0}});
    CAF_CHECK(!metadata::decode(span_of(wire)).has_value());
  }
  // A valid property followed by an invalid one refuses the whole list.
  auto wire = concat({example, {1, '!', 0, 0, 0, 0}});
  CAF_CHECK(!metadata::decode(span_of(wire)).has_value());
}

// -- set and name validation --------------------------------------------------

CAF_TEST(set_keeps_spelling_and_replaces_ignoring_case) {
  metadata md;
  CAF_CHECK(md.set("Socket-Type", "REQ"));
  CAF_CHECK(md.set("X-a", "1"));
  CAF_CHECK_EQUAL(render(md), "Socket-Type=REQ;X-a=1;");
  // Replaced in place (order kept); the new spelling is what gets encoded.
  CAF_CHECK(md.set("SOCKET-TYPE", "DEALER"));
  CAF_CHECK_EQUAL(md.size(), 2u);
  CAF_CHECK_EQUAL(render(md), "SOCKET-TYPE=DEALER;X-a=1;");
  std::vector<uint8_t> out;
  md.encode_to(out);
  CAF_CHECK_EQUAL(hex(out),
                  hex(concat({{11}, bytes_of("SOCKET-TYPE"), {0, 0, 0, 6},
                              bytes_of("DEALER"), {3}, bytes_of("X-a"),
                              {0, 0, 0, 1}, bytes_of("1")})));
}

CAF_TEST(set_refuses_invalid_names) {
  auto md = make_example();
  std::string long_name(256, 'a');
  std::vector<std::string_view> names{"",          long_name, "a b",
                                      "a:b",       "Socket Type",
                                      "\xC3\xA4", "a\tb",
                                      std::string_view{"a\0b", 3}};
  for (auto name : names) {
    CAF_CHECK(!metadata::valid_name(name));
    CAF_CHECK(!md.set(name, "x"));
  }
  CAF_CHECK_EQUAL(render(md), "Socket-Type=DEALER;Identity=;X-Custom=v;");
}

CAF_TEST(valid_names) {
  std::string longest(255, 'Z');
  std::vector<std::string_view> names{longest, "a", "A-Z_a.z+0-9", ".",
                                      "+",     "_", "-"};
  for (auto name : names) {
    CAF_CHECK(metadata::valid_name(name));
    metadata md;
    CAF_CHECK(md.set(name, "x"));
    std::vector<uint8_t> out;
    md.encode_to(out);
    auto back = metadata::decode(span_of(out));
    CAF_CHECK(back.has_value() && back->find(name) != nullptr);
  }
}

CAF_TEST(iequals_is_ascii_case_insensitive) {
  CAF_CHECK(iequals("Socket-Type", "sOCKET-tYPE"));
  CAF_CHECK(iequals("", ""));
  CAF_CHECK(!iequals("abc", "abd"));
  CAF_CHECK(!iequals("abc", "ab"));
  // '@' and '`' are one bit away from 'A'-'Z'/'a'-'z' but are not letters.
  CAF_CHECK(!iequals("@", "`"));
  CAF_CHECK(!iequals("[", "{"));
}
