#include "caf/monocoque/internal/address_filter.hpp"

#include "caf/monocoque/errc.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>

namespace caf::monocoque::internal {

namespace {

constexpr std::array<uint8_t, 12> v4_mapped_prefix = {0, 0, 0, 0, 0,    0,
                                                      0, 0, 0, 0, 0xff, 0xff};

bool parse_ip(const std::string& text, address_filter::network& out,
              bool& is_v4) {
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    std::memcpy(out.bytes.data(), v4_mapped_prefix.data(), 12);
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    is_v4 = true;
    return true;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    // Mapped IPv4 addresses in IPv6 notation keep IPv6 prefix lengths.
    std::memcpy(out.bytes.data(), &v6, 16);
    is_v4 = false;
    return true;
  }
  return false;
}

} // namespace

bool address_filter::parse(std::string_view text, network& out) {
  auto slash = text.find('/');
  bool is_v4 = false;
  if (!parse_ip(std::string{text.substr(0, slash)}, out, is_v4))
    return false;
  out.prefix = 128;
  if (slash == std::string_view::npos)
    return true;
  auto bits_text = text.substr(slash + 1);
  int bits = -1;
  auto* first = bits_text.data();
  auto* last = first + bits_text.size();
  auto [end, ec] = std::from_chars(first, last, bits);
  if (bits_text.empty() || ec != std::errc{} || end != last || bits < 0
      || bits > (is_v4 ? 32 : 128))
    return false;
  // A mapped IPv4 network keeps its 96 bits of prefix.
  out.prefix = is_v4 ? 96 + bits : bits;
  return true;
}

expected<address_filter>
address_filter::make(const std::vector<std::string>& allow,
                     const std::vector<std::string>& deny) {
  address_filter result;
  auto add = [](const std::vector<std::string>& in, std::vector<network>& out,
                const char* field) -> error {
    for (size_t i = 0; i < in.size(); ++i) {
      network net;
      if (!parse(in[i], net))
        return make_error(errc::invalid_option,
                          std::string{field} + "[" + std::to_string(i)
                            + "]: '" + in[i]
                            + "' is not an IP address or CIDR network");
      out.push_back(net);
    }
    return none;
  };
  if (auto err = add(allow, result.allow_, "allow_addresses"))
    return err;
  if (auto err = add(deny, result.deny_, "deny_addresses"))
    return err;
  return result;
}

bool address_filter::contains(const std::vector<network>& list,
                              const network& addr) {
  for (auto& net : list) {
    auto full = static_cast<size_t>(net.prefix / 8);
    auto rest = net.prefix % 8;
    if (std::memcmp(net.bytes.data(), addr.bytes.data(), full) != 0)
      continue;
    if (rest != 0) {
      auto mask = static_cast<uint8_t>(0xff << (8 - rest));
      if ((net.bytes[full] & mask) != (addr.bytes[full] & mask))
        continue;
    }
    return true;
  }
  return false;
}

address_filter::verdict address_filter::check(std::string_view address) const {
  network addr;
  bool is_v4 = false;
  bool known = parse_ip(std::string{address}, addr, is_v4);
  if (known && contains(deny_, addr))
    return verdict::denied;
  if (!allow_.empty() && (!known || !contains(allow_, addr)))
    return verdict::not_allowed;
  return verdict::pass;
}

} // namespace caf::monocoque::internal
