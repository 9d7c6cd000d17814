#pragma once

// ZMTP 3.x encoding by hand (RFC 23 / RFC 37), for peers written in the tests
// themselves: a ZMTP 3.0 peer, peers that break the protocol on purpose.
// Deliberately independent of protocol/: the point is to check our codec
// against the RFC, not against itself.

#include "raw_tcp.hpp"

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace interop {

/// What the receive helpers return when nothing arrived in time.
inline const std::vector<std::string> timed_out{"<timeout>"};

/// The 64-byte NULL greeting: signature, version 3.`minor`, mechanism,
/// as-server, filler.
inline std::string greeting(uint8_t minor, bool as_server) {
  std::string g(64, '\0');
  g[0] = '\xFF';
  g[9] = '\x7F';
  g[10] = 3; // major
  g[11] = static_cast<char>(minor);
  std::memcpy(&g[12], "NULL", 4);
  g[32] = as_server ? 1 : 0;
  return g;
}

/// Encodes one frame; `flags` holds MORE (0x01) and COMMAND (0x04).
inline std::string encode(uint8_t flags, const std::string& body) {
  std::string out;
  if (body.size() <= 255) {
    out += static_cast<char>(flags);
    out += static_cast<char>(body.size());
  } else {
    out += static_cast<char>(flags | 0x02);
    uint64_t n = body.size();
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((n >> shift) & 0xFF);
  }
  return out + body;
}

/// Encodes one message frame.
inline std::string message_frame(const std::string& body, bool more) {
  return encode(more ? 0x01 : 0x00, body);
}

/// READY with the given properties (4-byte big-endian value sizes).
inline std::string
ready(const std::vector<std::pair<std::string, std::string>>& props) {
  std::string body;
  body += static_cast<char>(5);
  body += "READY";
  for (auto& [name, value] : props) {
    body += static_cast<char>(name.size());
    body += name;
    uint32_t n = static_cast<uint32_t>(value.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      body += static_cast<char>((n >> shift) & 0xFF);
    body += value;
  }
  return encode(0x04, body);
}

/// One decoded frame.
struct raw_frame {
  uint8_t flags = 0;
  std::string body;
  bool more() const { return (flags & 0x01) != 0; }
  bool command() const { return (flags & 0x04) != 0; }
};

/// Reads one frame; nullopt on EOF, error or timeout.
inline std::optional<raw_frame> read_frame(raw_tcp& sock) {
  auto hdr = sock.read(1);
  if (!hdr)
    return std::nullopt;
  raw_frame result;
  result.flags = static_cast<uint8_t>((*hdr)[0]);
  uint64_t size = 0;
  if ((result.flags & 0x02) != 0) {
    auto len = sock.read(8);
    if (!len)
      return std::nullopt;
    for (auto c : *len)
      size = (size << 8) | static_cast<uint8_t>(c);
  } else {
    auto len = sock.read(1);
    if (!len)
      return std::nullopt;
    size = static_cast<uint8_t>((*len)[0]);
  }
  if (size > (uint64_t{64} << 20))
    return std::nullopt;
  if (size == 0)
    return result;
  auto body = sock.read(static_cast<size_t>(size));
  if (!body)
    return std::nullopt;
  result.body = std::move(*body);
  return result;
}

/// Reads one multipart message (skipping commands); `timed_out` on failure.
inline std::vector<std::string> read_message(raw_tcp& sock) {
  std::vector<std::string> result;
  for (;;) {
    auto frm = read_frame(sock);
    if (!frm)
      return timed_out;
    if (frm->command())
      continue; // e.g. a PING: not part of any message
    result.push_back(frm->body);
    if (!frm->more())
      return result;
  }
}

/// Parses a READY body into its properties; empty map if malformed.
inline std::map<std::string, std::string> parse_ready(const std::string& body) {
  std::map<std::string, std::string> result;
  if (body.size() < 6 || body[0] != 5 || body.compare(1, 5, "READY") != 0)
    return result;
  size_t pos = 6;
  while (pos < body.size()) {
    size_t nlen = static_cast<uint8_t>(body[pos++]);
    if (pos + nlen + 4 > body.size())
      return {};
    auto name = body.substr(pos, nlen);
    pos += nlen;
    uint32_t vlen = 0;
    for (int i = 0; i < 4; ++i)
      vlen = (vlen << 8) | static_cast<uint8_t>(body[pos++]);
    if (pos + vlen > body.size())
      return {};
    result[name] = body.substr(pos, vlen);
    pos += vlen;
  }
  return result;
}

} // namespace interop
