#include "monocoque/zmtp/z85.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

namespace monocoque::zmtp {

namespace {

// RFC 32's alphabet: value i is encoded as alphabet[i].
constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            ".-:+=^!/*?&<>()[]{}@%$#";

static_assert(sizeof(alphabet) == 86, "85 characters plus the NUL");

constexpr uint8_t no_value = 0xFF;

// Maps every byte to its value, `no_value` when outside the alphabet (NUL,
// space, quotes, backslash, ',', ';', '_', '`', '|', '~', and all >= 0x7F).
struct decode_table {
  uint8_t values[256];
  constexpr decode_table() : values() {
    for (auto& v : values)
      v = no_value;
    for (uint8_t i = 0; i < 85; ++i)
      values[static_cast<uint8_t>(alphabet[i])] = i;
  }
};

constexpr decode_table table{};

// Decodes `in` (length a multiple of 5, checked by the caller) into `out`,
// which has room for in.size() / 5 * 4 bytes.
z85_error decode_into(std::string_view in, uint8_t* out) noexcept {
  for (size_t pos = 0; pos < in.size(); pos += 5) {
    uint64_t value = 0;
    for (size_t i = 0; i < 5; ++i) {
      auto digit = table.values[static_cast<uint8_t>(in[pos + i])];
      if (digit == no_value)
        return z85_error::bad_character;
      value = value * 85 + digit;
    }
    // 85^5 - 1 > 2^32 - 1: some 5-character groups name no 4-byte value.
    if (value > 0xFFFFFFFFu)
      return z85_error::overflow;
    for (int shift = 24; shift >= 0; shift -= 8)
      *out++ = static_cast<uint8_t>((value >> shift) & 0xFF);
  }
  return z85_error::none;
}

} // namespace

const char* to_string(z85_error x) noexcept {
  switch (x) {
    case z85_error::none:
      return "none";
    case z85_error::bad_length:
      return "bad_length";
    case z85_error::bad_character:
      return "bad_character";
    case z85_error::overflow:
      return "overflow";
  }
  return "unknown";
}

z85_error z85_encode(byte_span in, std::string& out) {
  if (in.size() % 4 != 0)
    return z85_error::bad_length;
  out.reserve(out.size() + in.size() / 4 * 5);
  for (size_t pos = 0; pos < in.size(); pos += 4) {
    uint32_t value = (uint32_t{in[pos]} << 24) | (uint32_t{in[pos + 1]} << 16)
                     | (uint32_t{in[pos + 2]} << 8) | uint32_t{in[pos + 3]};
    char group[5];
    for (int i = 4; i >= 0; --i) {
      group[i] = alphabet[value % 85];
      value /= 85;
    }
    out.append(group, 5);
  }
  return z85_error::none;
}

z85_error z85_decode(std::string_view in, std::vector<uint8_t>& out) {
  if (in.size() % 5 != 0)
    return z85_error::bad_length;
  auto old_size = out.size();
  out.resize(old_size + in.size() / 5 * 4);
  auto err = decode_into(in, out.data() + old_size);
  if (err != z85_error::none)
    out.resize(old_size);
  return err;
}

z85_error z85_decode_key(std::string_view in,
                         std::array<uint8_t, z85_key_bytes>& out) {
  if (in.size() != z85_key_chars)
    return z85_error::bad_length;
  std::array<uint8_t, z85_key_bytes> tmp{};
  auto err = decode_into(in, tmp.data());
  if (err == z85_error::none)
    out = tmp;
  // The key may be secret: leave no copy on the stack.
  secure_wipe(tmp.data(), tmp.size());
  return err;
}

std::string z85_encode_key(const std::array<uint8_t, z85_key_bytes>& key) {
  std::string out;
  static_cast<void>(z85_encode(byte_span{key.data(), key.size()}, out));
  return out;
}

} // namespace monocoque::zmtp
