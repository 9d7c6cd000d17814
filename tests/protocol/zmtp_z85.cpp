// Z85 (RFC 32): the RFC's test vector, key sizes, round trips and every
// refusal (length, alphabet, overflow) as a typed error.
#define CAF_SUITE zmtp_z85
#include "monocoque/zmtp/secret_buffer.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <array>
#include <caf/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

using namespace monocoque::zmtp;

namespace {

std::vector<uint8_t> decoded(std::string_view text, z85_error expect) {
  std::vector<uint8_t> out;
  CAF_CHECK_EQUAL(z85_decode(text, out), expect);
  return out;
}

} // namespace

CAF_TEST(rfc32_test_vector) {
  const std::vector<uint8_t> bin{0x86, 0x4F, 0xD2, 0x6F,
                                 0xB5, 0x59, 0xF7, 0x5B};
  std::string text;
  CAF_REQUIRE_EQUAL(z85_encode(byte_span{bin.data(), bin.size()}, text),
                    z85_error::none);
  CAF_CHECK_EQUAL(text, "HelloWorld");
  CAF_CHECK(decoded("HelloWorld", z85_error::none) == bin);
}

CAF_TEST(keys_are_40_characters_and_round_trip) {
  // libzmq's test key (tests/testutil_security.hpp): a CURVE server public key.
  const std::string server_public = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  std::array<uint8_t, z85_key_bytes> key{};
  CAF_REQUIRE_EQUAL(z85_decode_key(server_public, key), z85_error::none);
  CAF_CHECK_EQUAL(z85_encode_key(key), server_public);
  std::array<uint8_t, z85_key_bytes> all{};
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = static_cast<uint8_t>(i * 8 + 7);
  auto text = z85_encode_key(all);
  CAF_CHECK_EQUAL(text.size(), z85_key_chars);
  std::array<uint8_t, z85_key_bytes> back{};
  CAF_REQUIRE_EQUAL(z85_decode_key(text, back), z85_error::none);
  CAF_CHECK(back == all);
  // Extremes: zeros and 0xFF everywhere.
  std::array<uint8_t, z85_key_bytes> zeros{};
  CAF_CHECK_EQUAL(z85_encode_key(zeros), std::string(40, '0'));
  std::array<uint8_t, z85_key_bytes> ones{};
  ones.fill(0xFF);
  auto max_text = z85_encode_key(ones);
  CAF_CHECK_EQUAL(max_text, "%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0");
  CAF_REQUIRE_EQUAL(z85_decode_key(max_text, back), z85_error::none);
  CAF_CHECK(back == ones);
}

CAF_TEST(every_byte_value_round_trips) {
  std::vector<uint8_t> bin(256);
  for (size_t i = 0; i < bin.size(); ++i)
    bin[i] = static_cast<uint8_t>(255 - i);
  std::string text;
  CAF_REQUIRE_EQUAL(z85_encode(byte_span{bin.data(), bin.size()}, text),
                    z85_error::none);
  CAF_CHECK_EQUAL(text.size(), 320u);
  CAF_CHECK(decoded(text, z85_error::none) == bin);
  std::string empty;
  CAF_CHECK_EQUAL(z85_encode(byte_span{}, empty), z85_error::none);
  CAF_CHECK(empty.empty());
  CAF_CHECK(decoded("", z85_error::none).empty());
}

CAF_TEST(wrong_lengths_are_refused) {
  for (size_t n : {1u, 2u, 3u, 5u, 31u, 33u}) {
    std::vector<uint8_t> bin(n, 0x42);
    std::string text = "keep";
    CAF_CHECK_EQUAL(z85_encode(byte_span{bin.data(), bin.size()}, text),
                    z85_error::bad_length);
    CAF_CHECK_EQUAL(text, "keep"); // nothing appended
  }
  for (auto text : {"H", "Hell", "HelloW", "HelloWorl"})
    CAF_CHECK(decoded(text, z85_error::bad_length).empty());
  std::array<uint8_t, z85_key_bytes> key{};
  key.fill(0xAA);
  auto before = key;
  CAF_CHECK_EQUAL(z85_decode_key("HelloWorld", key), z85_error::bad_length);
  CAF_CHECK_EQUAL(z85_decode_key(std::string(45, '0'), key),
                  z85_error::bad_length);
  CAF_CHECK(key == before);
}

CAF_TEST(characters_outside_the_alphabet_are_refused) {
  // Printable ASCII missing from the alphabet, control bytes, NUL, high bytes.
  std::string bad_chars = std::string{" \"',;\\_`|~\x7F\x80\xFF\t\n"};
  bad_chars.push_back('\0');
  for (auto c : bad_chars) {
    for (size_t pos = 0; pos < 10; ++pos) {
      std::string text = "HelloWorld";
      text[pos] = c;
      std::vector<uint8_t> out{1, 2, 3};
      CAF_CHECK_EQUAL(z85_decode(text, out), z85_error::bad_character);
      CAF_CHECK_EQUAL(out.size(), 3u); // nothing appended
    }
  }
  std::array<uint8_t, z85_key_bytes> key{};
  std::string text(40, '0');
  text[39] = '~';
  CAF_CHECK_EQUAL(z85_decode_key(text, key), z85_error::bad_character);
}

CAF_TEST(groups_above_2_pow_32_overflow) {
  // "%nSc0" is 0xFFFFFFFF; "%nSc1" is one more; "#####" is 85^5 - 1.
  CAF_CHECK(decoded("%nSc0", z85_error::none) ==
            (std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF}));
  CAF_CHECK(decoded("%nSc1", z85_error::overflow).empty());
  CAF_CHECK(decoded("#####", z85_error::overflow).empty());
  CAF_CHECK(decoded("HelloWorld#####", z85_error::overflow).empty());
  std::array<uint8_t, z85_key_bytes> key{};
  std::string text(40, '#');
  CAF_CHECK_EQUAL(z85_decode_key(text, key), z85_error::overflow);
  CAF_CHECK_EQUAL(to_string(z85_error::overflow), std::string{"overflow"});
}

CAF_TEST(secret_buffer_copies_moves_and_compares) {
  secret_buffer pw{std::string_view{"s3cret"}};
  CAF_CHECK_EQUAL(pw.size(), 6u);
  CAF_CHECK_EQUAL(pw.reveal_string(), "s3cret");
  auto copy = pw;
  CAF_CHECK_EQUAL(copy.reveal_string(), "s3cret");
  auto moved = std::move(copy);
  CAF_CHECK(
      copy.empty()); // NOLINT(bugprone-use-after-move): checked on purpose
  CAF_CHECK(moved.matches(byte_span{std::string_view{"s3cret"}}));
  CAF_CHECK(!moved.matches(byte_span{std::string_view{"s3creT"}}));
  CAF_CHECK(!moved.matches(byte_span{std::string_view{"s3cre"}}));
  moved.clear();
  CAF_CHECK(moved.empty());
  CAF_CHECK(moved.reveal_string().empty());
  // secure_wipe zeroes what it is given.
  uint8_t raw[5] = {1, 2, 3, 4, 5};
  secure_wipe(raw, sizeof(raw));
  for (auto b : raw)
    CAF_CHECK_EQUAL(b, 0);
}
