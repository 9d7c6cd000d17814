#include "caf/monocoque/curve_keypair.hpp"

#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <array>

namespace caf::monocoque {

using ::monocoque::zmtp::byte_span;

namespace zmtp = ::monocoque::zmtp;

namespace {

error bad_key(std::string what) {
  return make_error(errc::invalid_option, std::move(what));
}

// Describes a key of the wrong size without quoting it.
error bad_key_size(size_t size) {
  return bad_key("a CURVE key is 32 bytes or 40 Z85 characters, not "
                 + std::to_string(size));
}

error bad_z85(zmtp::z85_error err) {
  return bad_key(std::string{"a CURVE key in Z85 is invalid ("}
                 + zmtp::to_string(err) + ")");
}

} // namespace

expected<curve_keypair> curve_keypair::generate() {
  auto keys = zmtp::make_curve_keypair();
  if (!keys)
    return make_error(errc::backend_unavailable,
                      "libsodium cannot be initialized");
  curve_keypair result;
  result.public_key_.assign(reinterpret_cast<const char*>(
                              keys->public_key.data()),
                            keys->public_key.size());
  result.secret_key_ = std::move(keys->secret_key);
  return result;
}

expected<curve_keypair> curve_keypair::from_secret(const secret& secret_key) {
  auto raw = decode_secret_key(secret_key);
  if (!raw)
    return std::move(raw.error());
  auto pub = zmtp::curve_public_key_of(raw->reveal());
  if (!pub)
    return make_error(errc::backend_unavailable,
                      "libsodium cannot derive the public key");
  curve_keypair result;
  result.public_key_.assign(reinterpret_cast<const char*>(pub->data()),
                            pub->size());
  if (zmtp::is_zero_key(byte_span{std::string_view{result.public_key_}}))
    return bad_key("the CURVE secret key is unusable (its public key is "
                   "all zeros)");
  result.secret_key_ = std::move(*raw);
  return result;
}

expected<curve_keypair>
curve_keypair::from_public_key(std::string_view public_key) {
  auto raw = decode_public_key(public_key);
  if (!raw)
    return std::move(raw.error());
  curve_keypair result;
  result.public_key_ = std::move(*raw);
  return result;
}

expected<std::string> curve_keypair::decode_public_key(std::string_view key) {
  std::string result;
  if (key.size() == zmtp::z85_key_bytes) {
    result.assign(key.data(), key.size());
  } else if (key.size() == zmtp::z85_key_chars) {
    std::array<uint8_t, zmtp::z85_key_bytes> raw;
    if (auto err = zmtp::z85_decode_key(key, raw); err != zmtp::z85_error::none)
      return bad_z85(err);
    result.assign(reinterpret_cast<const char*>(raw.data()), raw.size());
  } else {
    return bad_key_size(key.size());
  }
  if (zmtp::is_zero_key(byte_span{std::string_view{result}}))
    return bad_key("a CURVE public key of all zeros is invalid");
  return result;
}

expected<secret> curve_keypair::decode_secret_key(const secret& key) {
  if (key.size() == zmtp::z85_key_bytes) {
    if (zmtp::is_zero_key(key.reveal()))
      return bad_key("a CURVE secret key of all zeros is invalid");
    return key;
  }
  if (key.size() != zmtp::z85_key_chars)
    return bad_key_size(key.size());
  std::array<uint8_t, zmtp::z85_key_bytes> raw{};
  auto err = zmtp::z85_decode_key(key.reveal_string(), raw);
  secret result;
  if (err == zmtp::z85_error::none)
    result = secret{byte_span{raw.data(), raw.size()}};
  // Wiped on every path: a failed decode may have written part of it.
  zmtp::secure_wipe(raw.data(), raw.size());
  if (err != zmtp::z85_error::none)
    return bad_z85(err);
  if (zmtp::is_zero_key(result.reveal()))
    return bad_key("a CURVE secret key of all zeros is invalid");
  return result;
}

std::string curve_keypair::to_z85(std::string_view raw) {
  std::string result;
  if (raw.size() != zmtp::z85_key_bytes)
    return result;
  if (zmtp::z85_encode(byte_span{raw}, result) != zmtp::z85_error::none)
    result.clear();
  return result;
}

secret curve_keypair::secret_key_z85() const {
  if (secret_key_.size() != zmtp::z85_key_bytes)
    return {};
  // Reserved up front so that encoding never reallocates (a reallocation
  // would leave an unwiped copy in the freed block).
  std::string text;
  text.reserve(zmtp::z85_key_chars);
  if (zmtp::z85_encode(secret_key_.reveal(), text) != zmtp::z85_error::none)
    return {};
  secret result{std::string_view{text}};
  zmtp::secure_wipe(text.data(), text.size());
  return result;
}

} // namespace caf::monocoque
