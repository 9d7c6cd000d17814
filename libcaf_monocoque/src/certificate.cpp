// certificate: keys, metadata and the ZPL text (parse and print). Files and
// directories are in certificate_files.cpp.

#include "caf/monocoque/certificate.hpp"

#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

#include <cctype>
#include <cstring>
#include <ctime>

namespace caf::monocoque {

using ::monocoque::zmtp::byte_span;

namespace {

bool is_name_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0
         || (c != '\0' && std::strchr("$-_@.&+/", c) != nullptr);
}

bool is_name(std::string_view str) noexcept {
  if (str.empty())
    return false;
  for (auto c : str)
    if (!is_name_char(c))
      return false;
  return true;
}

// One `name [= value]` line of ZPL, its value a view into the text (ZPL has
// no escapes, so a secret key is never copied while parsing).
struct zpl_line {
  size_t level = 0;
  std::string_view name;
  std::string_view value;
};

// Parses one line that is neither blank nor a comment; returns an error text
// or nullptr.
const char* parse_line(std::string_view line, zpl_line& out) {
  size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ')
    ++spaces;
  if (spaces < line.size() && line[spaces] == '\t')
    return "tab in the indentation (ZPL indents with 4 spaces)";
  if (spaces % 4 != 0)
    return "indentation is not a multiple of 4 spaces";
  out.level = spaces / 4;
  line.remove_prefix(spaces);
  size_t n = 0;
  while (n < line.size() && is_name_char(line[n]))
    ++n;
  if (n == 0)
    return "expected a name";
  out.name = line.substr(0, n);
  out.value = {};
  line.remove_prefix(n);
  auto skip_spaces = [&] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
  };
  skip_spaces();
  if (!line.empty() && line.front() == '=') {
    line.remove_prefix(1);
    skip_spaces();
    if (!line.empty() && (line.front() == '"' || line.front() == '\'')) {
      auto quote = line.front();
      auto end = line.find(quote, 1);
      if (end == std::string_view::npos)
        return "unterminated quoted value";
      out.value = line.substr(1, end - 1);
      line.remove_prefix(end + 1);
      skip_spaces();
    } else {
      auto end = line.find('#');
      out.value = line.substr(0, end);
      while (!out.value.empty()
             && (out.value.back() == ' ' || out.value.back() == '\t'))
        out.value.remove_suffix(1);
      line = end == std::string_view::npos ? std::string_view{}
                                           : line.substr(end);
    }
  }
  if (!line.empty() && line.front() != '#')
    return "unexpected characters after the value";
  return nullptr;
}

std::string timestamp() {
  char buf[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string quoted(const std::string& value) {
  auto quote = value.find('"') == std::string::npos ? '"' : '\'';
  return quote + value + quote;
}

// The text of a certificate up to (not including) its key lines.
std::string text_head(const certificate& cert, bool secret_cert) {
  std::string result = "#   ****  Generated on " + timestamp()
                       + " by caf-monocoque  ****\n";
  if (secret_cert)
    result += "#   ZeroMQ CURVE **Secret** Certificate\n"
              "#   Keep this file private: whoever can read it can pose as\n"
              "#   its owner. Give peers the public certificate instead.\n";
  else
    result += "#   ZeroMQ CURVE Public Certificate\n"
              "#   Hand it to peers over a channel that protects its\n"
              "#   integrity, or check its public-key after the exchange.\n";
  result += "\nmetadata\n";
  for (auto& [name, value] : cert.metadata())
    result += "    " + name + " = " + quoted(value) + "\n";
  result += "curve\n    public-key = \"" + cert.public_key_z85() + "\"\n";
  return result;
}

// The context text of a key error (it never quotes the key).
std::string render_context(const error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return to_string(err);
}

error invalid(std::string what) {
  return make_error(errc::invalid_certificate, std::move(what));
}

} // namespace

// -- constructors -------------------------------------------------------------

expected<certificate> certificate::generate() {
  auto keys = curve_keypair::generate();
  if (!keys)
    return std::move(keys.error());
  return certificate{std::move(*keys)};
}

expected<certificate>
certificate::from_public_key(std::string_view public_key) {
  auto keys = curve_keypair::from_public_key(public_key);
  if (!keys)
    return std::move(keys.error());
  return certificate{std::move(*keys)};
}

expected<certificate> certificate::parse(std::string_view text,
                                         std::string_view origin) {
  auto fail = [&](size_t line_no, const std::string& what) {
    auto where = std::string{origin};
    if (line_no > 0)
      where += ":" + std::to_string(line_no);
    return invalid(where + ": " + what);
  };
  std::vector<std::string_view> path;
  std::optional<std::string_view> public_text;
  std::optional<std::string_view> secret_text;
  size_t public_line = 0;
  size_t secret_line = 0;
  metadata_list meta;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{}
                                        : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    auto first = line.find_first_not_of(' ');
    if (first == std::string_view::npos || line[first] == '#')
      continue;
    zpl_line entry;
    if (auto err = parse_line(line, entry))
      return fail(line_no, err);
    if (entry.level > path.size())
      return fail(line_no, "indented deeper than its parent");
    path.resize(entry.level);
    path.push_back(entry.name);
    if (path.size() != 2)
      continue;
    if (path[0] == "curve" && entry.name == "public-key") {
      if (public_text)
        return fail(line_no, "a second public-key");
      public_text = entry.value;
      public_line = line_no;
    } else if (path[0] == "curve" && entry.name == "secret-key") {
      if (secret_text)
        return fail(line_no, "a second secret-key");
      secret_text = entry.value;
      secret_line = line_no;
    } else if (path[0] == "metadata") {
      for (auto& kvp : meta)
        if (kvp.first == entry.name)
          return fail(line_no, "metadata '" + kvp.first + "' given twice");
      meta.emplace_back(std::string{entry.name}, std::string{entry.value});
    }
  }
  if (!public_text)
    return fail(0, "no public-key in its curve section");
  // A raw 32-byte key cannot be written in ZPL: only Z85 counts here.
  if (public_text->size() != 40)
    return fail(public_line, "public-key is not 40 Z85 characters");
  auto pub = curve_keypair::from_public_key(*public_text);
  if (!pub)
    return fail(public_line, "public-key: " + render_context(pub.error()));
  certificate result{std::move(*pub)};
  if (secret_text) {
    if (secret_text->size() != 40)
      return fail(secret_line, "secret-key is not 40 Z85 characters");
    auto keys = curve_keypair::from_secret(secret{*secret_text});
    if (!keys)
      return fail(secret_line, "secret-key: " + render_context(keys.error()));
    if (keys->public_key() != result.public_key())
      return fail(secret_line, "secret-key does not belong to public-key");
    result.keys_ = std::move(*keys);
  }
  result.metadata_ = std::move(meta);
  return result;
}

// -- properties ---------------------------------------------------------------

std::optional<std::string> certificate::meta(std::string_view name) const {
  for (auto& [key, value] : metadata_)
    if (key == name)
      return value;
  return std::nullopt;
}

error certificate::set_meta(std::string name, std::string value) {
  if (!is_name(name))
    return invalid("metadata name '" + name
                   + "' is not a ZPL name (letters, digits, $-_@.&+/)");
  if (value.find_first_of("\r\n") != std::string::npos
      || (value.find('"') != std::string::npos
          && value.find('\'') != std::string::npos))
    return invalid("metadata '" + name
                   + "': a value holds no newline and not both quotes");
  for (auto& kvp : metadata_) {
    if (kvp.first == name) {
      kvp.second = std::move(value);
      return none;
    }
  }
  metadata_.emplace_back(std::move(name), std::move(value));
  return none;
}

certificate certificate::public_part() const {
  certificate result;
  if (!empty())
    result.keys_ = *curve_keypair::from_public_key(keys_.public_key());
  result.metadata_ = metadata_;
  result.origin_ = origin_;
  return result;
}

// -- serialization ------------------------------------------------------------

std::string certificate::public_text() const {
  return text_head(*this, false);
}

secret certificate::secret_text() const {
  if (!has_secret_key())
    return {};
  auto head = text_head(*this, true);
  auto key = keys_.secret_key_z85();
  constexpr std::string_view prefix = "    secret-key = \"";
  constexpr std::string_view suffix = "\"\n";
  // Sized up front: appending never reallocates, so the only copy of the
  // Z85 secret outside a `secret` is this buffer, wiped below.
  std::string text;
  text.reserve(head.size() + prefix.size() + key.size() + suffix.size());
  text += head;
  text += prefix;
  text += key.reveal_string();
  text += suffix;
  secret result{std::string_view{text}};
  ::monocoque::zmtp::secure_wipe(text.data(), text.size());
  return result;
}

} // namespace caf::monocoque
