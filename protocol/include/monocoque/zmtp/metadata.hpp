#pragma once

#include "monocoque/zmtp/byte_span.hpp"
#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::zmtp {

/// One metadata property of a READY (or INITIATE) command.
struct property {
  /// Name as sent: 1..255 characters from RFC 23's name alphabet.
  std::string name;
  /// Value: 0..2^31-1 opaque bytes.
  std::string value;
};

/// An ordered list of metadata properties (RFC 23 "Metadata"). Lookups ignore
/// case, as the RFC requires of receivers; encoding keeps the exact spelling.
class metadata {
public:
  // -- lookup -----------------------------------------------------------------

  /// Returns the value of the first property named `name` (ignoring case).
  const std::string* find(std::string_view name) const noexcept;

  /// Returns all properties in wire order.
  const std::vector<property>& properties() const noexcept {
    return props_;
  }

  /// Returns the number of properties.
  size_t size() const noexcept {
    return props_.size();
  }

  // -- modifiers --------------------------------------------------------------

  /// Sets `name` to `value`, replacing a property with the same name (ignoring
  /// case) or appending a new one. Returns false, changing nothing, if the
  /// name is not a valid property name (see `valid_name`).
  bool set(std::string_view name, std::string_view value);

  // -- wire format ------------------------------------------------------------

  /// Returns how many bytes `encode_to` appends.
  size_t encoded_size() const noexcept;

  /// Appends the wire encoding of all properties to `out`.
  void encode_to(std::vector<uint8_t>& out) const;

  /// Parses a complete property list; returns nullopt if any property is
  /// truncated, has an empty or invalid name, or a value size ≥ 2^31.
  static std::optional<metadata> decode(byte_span bytes);

  /// Returns whether `name` is a valid property name: 1..255 characters of
  /// `[A-Za-z0-9.+_-]` (RFC 23's "name-char").
  static bool valid_name(std::string_view name) noexcept;

private:
  std::vector<property> props_;
};

/// A peer's property list as it arrived (RFC 23 "Metadata"): the wire bytes
/// held once, in a shared `frame`, validated once by `parse`, and read on
/// demand. Copies share the bytes; nothing is expanded into strings, so a
/// 64 KiB READY of tiny properties costs 64 KiB, not a string pair each.
class metadata_view {
public:
  /// One property, viewing the held bytes.
  struct entry {
    /// Property name.
    std::string_view name;
    /// Property value.
    std::string_view value;
  };

  // -- factory ----------------------------------------------------------------

  /// Validates `raw` as `metadata::decode` would (names, sizes, truncation)
  /// and wraps it without copying; nullopt if it is malformed.
  static std::optional<metadata_view> parse(frame raw);

  /// Like `parse`, but keeps `raw` as a slice only when its block holds
  /// little else, and a compact copy otherwise, so that a small command
  /// never pins a large receive buffer.
  static std::optional<metadata_view> parse_compact(const frame& raw);

  // -- lookup -----------------------------------------------------------------

  /// Returns the value of the first property named `name` (ignoring case).
  std::optional<std::string_view> find(std::string_view name) const noexcept;

  /// Calls `f(entry)` for each property in wire order.
  template <class F>
  void for_each(F&& f) const {
    auto bytes = raw_.bytes();
    while (!bytes.empty()) {
      size_t name_size = bytes[0];
      auto name = bytes.subspan(1, name_size).as_string_view();
      auto value_size = get_u32(bytes.data() + 1 + name_size);
      bytes.remove_prefix(1 + name_size + 4);
      f(entry{name, bytes.first(value_size).as_string_view()});
      bytes.remove_prefix(value_size);
    }
  }

  /// Returns the number of properties.
  size_t size() const noexcept {
    return count_;
  }

  /// Returns whether there are no properties.
  bool empty() const noexcept {
    return count_ == 0;
  }

  /// Returns the held wire bytes.
  const frame& raw() const noexcept {
    return raw_;
  }

  /// Returns a copy as a builder-style `metadata` (allocates per property).
  metadata to_metadata() const;

private:
  frame raw_;
  size_t count_ = 0;
};

/// Compares ASCII strings ignoring case.
bool iequals(std::string_view x, std::string_view y) noexcept;

} // namespace monocoque::zmtp
