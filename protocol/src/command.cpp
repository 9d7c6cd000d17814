#include "monocoque/zmtp/command.hpp"

#include "monocoque/zmtp/wire.hpp"

#include <algorithm>

namespace monocoque::zmtp {

std::optional<command_view> parse_command(byte_span body) noexcept {
  if (body.empty())
    return std::nullopt;
  size_t name_size = body[0];
  if (name_size == 0 || body.size() < 1 + name_size)
    return std::nullopt;
  return command_view{body.subspan(1, name_size).as_string_view(),
                      body.subspan(1 + name_size)};
}

std::optional<ping_body> parse_ping(byte_span data) noexcept {
  if (data.size() < 2)
    return std::nullopt;
  ping_body result;
  result.ttl_deciseconds = get_u16(data.data());
  result.context = data.subspan(2, max_ping_context);
  return result;
}

std::vector<uint8_t> make_ping(uint16_t ttl_deciseconds, byte_span context) {
  context = context.first(max_ping_context);
  // Sized up front: GCC 12 at -O3 misreads insert() into a fresh vector as
  // an out-of-bounds access (-Warray-bounds).
  std::vector<uint8_t> out;
  out.reserve(2 + context.size());
  put_u16(out, ttl_deciseconds);
  for (size_t i = 0; i < context.size(); ++i)
    out.push_back(context.data()[i]);
  return out;
}

std::optional<std::string_view> parse_error_reason(byte_span data) noexcept {
  if (data.empty() || data.size() < 1 + size_t{data[0]})
    return std::nullopt;
  return data.subspan(1, data[0]).as_string_view();
}

std::vector<uint8_t> make_error(std::string_view reason) {
  reason = reason.substr(0, 255);
  std::vector<uint8_t> out;
  out.reserve(1 + reason.size());
  out.push_back(static_cast<uint8_t>(reason.size()));
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

} // namespace monocoque::zmtp
