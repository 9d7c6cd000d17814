#include "monocoque/zmtp/metadata.hpp"

#include "monocoque/zmtp/wire.hpp"

namespace monocoque::zmtp {

namespace {

constexpr size_t max_value_size = 0x7FFFFFFF;

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '_'
         || c == '-';
}

} // namespace

bool iequals(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

bool metadata::valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255)
    return false;
  for (auto c : name)
    if (!name_char(c))
      return false;
  return true;
}

const std::string* metadata::find(std::string_view name) const noexcept {
  for (const auto& prop : props_)
    if (iequals(prop.name, name))
      return &prop.value;
  return nullptr;
}

bool metadata::set(std::string_view name, std::string_view value) {
  if (!valid_name(name) || value.size() > max_value_size)
    return false;
  for (auto& prop : props_) {
    if (iequals(prop.name, name)) {
      prop.name = std::string{name};
      prop.value = std::string{value};
      return true;
    }
  }
  props_.push_back({std::string{name}, std::string{value}});
  return true;
}

size_t metadata::encoded_size() const noexcept {
  size_t result = 0;
  for (const auto& prop : props_)
    result += 1 + prop.name.size() + 4 + prop.value.size();
  return result;
}

void metadata::encode_to(std::vector<uint8_t>& out) const {
  out.reserve(out.size() + encoded_size());
  for (const auto& prop : props_) {
    out.push_back(static_cast<uint8_t>(prop.name.size()));
    out.insert(out.end(), prop.name.begin(), prop.name.end());
    put_u32(out, static_cast<uint32_t>(prop.value.size()));
    out.insert(out.end(), prop.value.begin(), prop.value.end());
  }
}

namespace {

// Checks one property at the front of `bytes`; returns its encoded size, or 0
// if it is malformed.
size_t check_property(byte_span bytes) noexcept {
  size_t name_size = bytes[0];
  if (name_size == 0 || bytes.size() < 1 + name_size + 4)
    return 0;
  if (!metadata::valid_name(bytes.subspan(1, name_size).as_string_view()))
    return 0;
  auto value_size = get_u32(bytes.data() + 1 + name_size);
  if (value_size > max_value_size
      || bytes.size() - (1 + name_size + 4) < value_size)
    return 0;
  return 1 + name_size + 4 + value_size;
}

} // namespace

std::optional<metadata_view> metadata_view::parse_compact(const frame& raw) {
  // A slice is kept when its block holds at most this many other bytes (the
  // command name, the frame reassembly's exact-size block).
  constexpr size_t compact_slack = 64;
  auto* block = raw.block();
  auto compact = block != nullptr
                 && block->capacity() <= raw.size() + compact_slack;
  return parse(compact ? raw : frame::copy_of(raw.bytes()));
}

std::optional<metadata_view> metadata_view::parse(frame raw) {
  metadata_view result;
  auto bytes = raw.bytes();
  while (!bytes.empty()) {
    auto n = check_property(bytes);
    if (n == 0)
      return std::nullopt;
    bytes.remove_prefix(n);
    ++result.count_;
  }
  result.raw_ = std::move(raw);
  return result;
}

std::optional<std::string_view>
metadata_view::find(std::string_view name) const noexcept {
  std::optional<std::string_view> result;
  auto bytes = raw_.bytes();
  while (!bytes.empty()) {
    size_t name_size = bytes[0];
    auto value_size = get_u32(bytes.data() + 1 + name_size);
    if (iequals(bytes.subspan(1, name_size).as_string_view(), name))
      return bytes.subspan(1 + name_size + 4, value_size).as_string_view();
    bytes.remove_prefix(1 + name_size + 4 + value_size);
  }
  return result;
}

metadata metadata_view::to_metadata() const {
  metadata result;
  for_each([&result](const entry& x) {
    if (result.find(x.name) == nullptr) // the first one wins, as in `find`
      result.set(x.name, x.value);
  });
  return result;
}

std::optional<metadata> metadata::decode(byte_span bytes) {
  metadata result;
  while (!bytes.empty()) {
    size_t name_size = bytes[0];
    if (name_size == 0 || bytes.size() < 1 + name_size + 4)
      return std::nullopt;
    auto name = bytes.subspan(1, name_size).as_string_view();
    if (!valid_name(name))
      return std::nullopt;
    auto value_size = get_u32(bytes.data() + 1 + name_size);
    if (value_size > max_value_size)
      return std::nullopt;
    bytes.remove_prefix(1 + name_size + 4);
    if (bytes.size() < value_size)
      return std::nullopt;
    // Keep duplicates as sent: lookups return the first one.
    result.props_.push_back(
      {std::string{name}, std::string{bytes.first(value_size).as_string_view()}});
    bytes.remove_prefix(value_size);
  }
  return result;
}

} // namespace monocoque::zmtp
