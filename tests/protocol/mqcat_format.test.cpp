// mqcat's line format (examples/mqcat/frame_text.hpp): which frames print as
// text and which as 0x + hex, how a line splits into frames, and that every
// printed message parses back to the same frames. The header is pure
// standard C++ (no CAF or plugin code), which is why the suite lives here.
#define CAF_SUITE mqcat_format
#include <caf/test/unit_test.hpp>

#include "../../examples/mqcat/frame_text.hpp"

#include <string>
#include <string_view>
#include <vector>

using namespace mqcat;
using namespace std::string_literals;

namespace {

using frames = std::vector<std::string>;

std::string fmt(const frames& xs, std::optional<char> delimiter) {
  std::vector<std::string_view> views(xs.begin(), xs.end());
  return format_message(views, delimiter);
}

} // namespace

CAF_TEST(printable frames print as text) {
  CAF_CHECK_EQUAL(fmt({"hello world"}, std::nullopt), "hello world");
  CAF_CHECK_EQUAL(fmt({"~!@#$%^&*()"}, std::nullopt), "~!@#$%^&*()");
  CAF_CHECK_EQUAL(fmt({""}, std::nullopt), "");
  CAF_CHECK_EQUAL(fmt({"a", "b", "c"}, '|'), "a|b|c");
  CAF_CHECK_EQUAL(fmt({"", "", ""}, '|'), "||");
}

CAF_TEST(other frames print as lowercase hex) {
  CAF_CHECK_EQUAL(fmt({"\x00\xff"s}, std::nullopt), "0x00ff");
  CAF_CHECK_EQUAL(fmt({"tab\there"}, std::nullopt), "0x7461620968657265");
  CAF_CHECK_EQUAL(fmt({"line\n"}, std::nullopt), "0x6c696e650a");
  CAF_CHECK_EQUAL(fmt({"caf\xc3\xa9"}, std::nullopt), "0x636166c3a9");
  CAF_CHECK_EQUAL(fmt({"\x7f"}, std::nullopt), "0x7f");
}

CAF_TEST(frames holding the delimiter or starting with 0x print as hex) {
  CAF_CHECK_EQUAL(fmt({"a|b", "c"}, '|'), "0x617c62|c");
  CAF_CHECK_EQUAL(fmt({"a|b"}, ','), "a|b");
  CAF_CHECK_EQUAL(fmt({"0x41"}, std::nullopt), "0x30783431");
  CAF_CHECK_EQUAL(fmt({"0"}, std::nullopt), "0");
  CAF_CHECK_EQUAL(fmt({"x0"}, std::nullopt), "x0");
}

CAF_TEST(without a delimiter frames are separated by a tab) {
  CAF_CHECK_EQUAL(fmt({"a", "b c", "\x01"}, std::nullopt), "a\tb c\t0x01");
}

CAF_TEST(a line without delimiter is one frame) {
  CAF_CHECK_EQUAL(parse_line("a|b c", std::nullopt), frames{"a|b c"});
  CAF_CHECK_EQUAL(parse_line("", std::nullopt), frames{""});
  CAF_CHECK_EQUAL(parse_line("a\tb", std::nullopt), frames{"a\tb"});
}

CAF_TEST(a delimiter splits a line into frames) {
  CAF_CHECK_EQUAL(parse_line("a|b|c", '|'), (frames{"a", "b", "c"}));
  CAF_CHECK_EQUAL(parse_line("a||b", '|'), (frames{"a", "", "b"}));
  CAF_CHECK_EQUAL(parse_line("|a|", '|'), (frames{"", "a", ""}));
  CAF_CHECK_EQUAL(parse_line("", '|'), frames{""});
  CAF_CHECK_EQUAL(parse_line("a b", ' '), (frames{"a", "b"}));
}

CAF_TEST(valid hex fields are decoded and anything else is text) {
  CAF_CHECK_EQUAL(parse_line("0x4142", std::nullopt), frames{"AB"});
  CAF_CHECK_EQUAL(parse_line("0x00FF", std::nullopt), frames{"\x00\xff"s});
  CAF_CHECK_EQUAL(parse_line("0x", std::nullopt), frames{""});
  CAF_CHECK_EQUAL(parse_line("0x414", std::nullopt), frames{"0x414"});
  CAF_CHECK_EQUAL(parse_line("0xzz", std::nullopt), frames{"0xzz"});
  CAF_CHECK_EQUAL(parse_line("0X41", std::nullopt), frames{"0X41"});
  CAF_CHECK_EQUAL(parse_line(" 0x41", std::nullopt), frames{" 0x41"});
  CAF_CHECK_EQUAL(parse_line("x|0x41|0x4", '|'), (frames{"x", "A", "0x4"}));
}

CAF_TEST(delimiters that would make hex ambiguous are refused) {
  for (auto c : "0123456789abcdefABCDEFxX\n"s)
    CAF_CHECK(!is_valid_delimiter(c));
  for (auto c : "|,;: \t/-_gG"s)
    CAF_CHECK(is_valid_delimiter(c));
}

CAF_TEST(every single byte frame survives a round trip) {
  for (int i = 0; i < 256; ++i) {
    frames msg{std::string(1, static_cast<char>(i))};
    CAF_CHECK_EQUAL(parse_line(fmt(msg, std::nullopt), std::nullopt), msg);
    CAF_CHECK_EQUAL(parse_line(fmt(msg, '|'), '|'), msg);
  }
}

CAF_TEST(multipart messages survive a round trip with a delimiter) {
  std::vector<frames> messages{
    {"a", "b"},
    {"", ""},
    {"0x", "0x41", "0xzz"},
    {"a|b", "|", "||"},
    {"\x00"s, "\n", "\t", "plain text"},
    {"ends with delimiter |", "| starts with it"},
  };
  for (auto delimiter : {'|', ',', ' ', '\t'})
    for (auto& msg : messages) {
      auto line = fmt(msg, delimiter);
      CAF_CHECK_EQUAL(line.find('\n'), std::string::npos);
      CAF_CHECK_EQUAL(parse_line(line, delimiter), msg);
    }
}
