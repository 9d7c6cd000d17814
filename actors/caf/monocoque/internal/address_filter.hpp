#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caf::monocoque::internal {

/// The address check in front of an authenticator's mechanism check: deny
/// list first, then (if not empty) the allow list. Entries are IPv4 or IPv6
/// addresses or CIDR networks; IPv4-mapped IPv6 addresses count as IPv4.
class address_filter {
public:
  // -- member types -----------------------------------------------------------

  /// An address or network, IPv4 kept as IPv4-mapped IPv6.
  struct network {
    /// The address bytes (IPv6 layout).
    std::array<uint8_t, 16> bytes{};
    /// Leading bits that must match (0..128).
    int prefix = 128;
  };

  /// The verdict on one address.
  enum class verdict {
    /// The address may go on to the mechanism check.
    pass,
    /// The address is in the deny list.
    denied,
    /// There is an allow list and the address is not in it.
    not_allowed,
  };

  // -- constructors -----------------------------------------------------------

  /// Builds a filter; fails with `errc::invalid_option` naming the first
  /// malformed entry (`allow_addresses[i]` or `deny_addresses[i]`).
  static expected<address_filter> make(const std::vector<std::string>& allow,
                                       const std::vector<std::string>& deny);

  // -- queries ----------------------------------------------------------------

  /// Returns the verdict on `address` (an IP address without port; anything
  /// else, e.g. the empty address of an IPC peer, matches no entry).
  verdict check(std::string_view address) const;

  /// Parses `text` as an address or CIDR network.
  static bool parse(std::string_view text, network& out);

private:
  static bool contains(const std::vector<network>& list, const network& addr);

  std::vector<network> allow_;
  std::vector<network> deny_;
};

} // namespace caf::monocoque::internal
