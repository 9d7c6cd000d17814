#pragma once

// How mqcat turns frames into text lines and back. Pure functions on bytes
// and strings (no CAF, no monocoque), so tests/protocol/mqcat_format.test.cpp
// can check them on their own.
//
// A frame prints as itself when every byte is printable ASCII (0x20..0x7e),
// it does not contain the separator and it does not start with "0x";
// otherwise it prints as "0x" followed by lowercase hex. Parsing reverses
// this: parse_line(format_message(m, d), d) == m for every message when a
// delimiter d is given, and for every single-frame message without one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqcat {

// -- constants ----------------------------------------------------------------

/// Separates the frames of a printed multipart message when the user gave no
/// delimiter. A tab is never printable, so no text frame contains it.
constexpr char default_separator = '\t';

/// Prefix of a hex-encoded frame.
constexpr std::string_view hex_prefix = "0x";

// -- character classes --------------------------------------------------------

/// Returns whether `c` prints as itself.
constexpr bool is_printable(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u <= 0x7e;
}

/// Returns the value of hex digit `c`, or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Returns whether `c` may separate frames: hex output uses digits and 'x',
/// and a newline ends the line, so those would make lines ambiguous.
constexpr bool is_valid_delimiter(char c) noexcept {
  return c != '\n' && c != '\0' && c != 'x' && c != 'X' && hex_value(c) < 0;
}

// -- formatting ---------------------------------------------------------------

/// Returns whether `bytes` prints as text between `separator`s.
inline bool prints_as_text(std::string_view bytes, char separator) noexcept {
  if (bytes.substr(0, hex_prefix.size()) == hex_prefix)
    return false;
  for (auto c : bytes)
    if (!is_printable(c) || c == separator)
      return false;
  return true;
}

/// Appends `bytes` as "0x" + lowercase hex to `out`.
inline void append_hex(std::string& out, std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  out += hex_prefix;
  for (auto c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out += digits[u >> 4];
    out += digits[u & 0x0f];
  }
}

/// Appends one frame, as text or hex, to `out`.
inline void append_frame(std::string& out, std::string_view bytes,
                         char separator) {
  if (prints_as_text(bytes, separator))
    out += bytes;
  else
    append_hex(out, bytes);
}

/// Renders `frames` as one line (without the newline), separated by
/// `delimiter` or, without one, by `default_separator`.
inline std::string format_message(const std::vector<std::string_view>& frames,
                                  std::optional<char> delimiter) {
  auto sep = delimiter.value_or(default_separator);
  std::string result;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0)
      result += sep;
    append_frame(result, frames[i], sep);
  }
  return result;
}

// -- parsing ------------------------------------------------------------------

/// Decodes "0x" + an even number of hex digits; anything else is not hex and
/// yields nothing (the caller then takes the token as text).
inline std::optional<std::string> parse_hex(std::string_view token) {
  if (token.substr(0, hex_prefix.size()) != hex_prefix)
    return std::nullopt;
  auto digits = token.substr(hex_prefix.size());
  if (digits.size() % 2 != 0)
    return std::nullopt;
  std::string result;
  result.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    auto hi = hex_value(digits[i]);
    auto lo = hex_value(digits[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    result += static_cast<char>(hi * 16 + lo);
  }
  return result;
}

/// Returns the bytes a token stands for: hex-decoded if it is valid "0x"
/// hex, else the token itself.
inline std::string parse_frame(std::string_view token) {
  if (auto bytes = parse_hex(token))
    return std::move(*bytes);
  return std::string{token};
}

/// Splits one input line (without its newline) into frames: a single frame
/// without `delimiter`, else one frame per field (empty fields are empty
/// frames, so "a||b" has three frames and "" has one).
inline std::vector<std::string> parse_line(std::string_view line,
                                           std::optional<char> delimiter) {
  std::vector<std::string> result;
  if (!delimiter) {
    result.push_back(parse_frame(line));
    return result;
  }
  for (;;) {
    auto pos = line.find(*delimiter);
    result.push_back(parse_frame(line.substr(0, pos)));
    if (pos == std::string_view::npos)
      return result;
    line.remove_prefix(pos + 1);
  }
}

} // namespace mqcat
