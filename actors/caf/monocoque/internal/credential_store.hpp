#pragma once

#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/authenticator_config.hpp"
#include "caf/monocoque/certificate.hpp"
#include "caf/monocoque/internal/address_filter.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace caf::monocoque::internal {

/// The compiled form of an `authenticator_config`: decoded keys, loaded
/// certificate paths and the address filter. It decides on `zap_request`s
/// (the ready-made authenticator's state).
class credential_store {
public:
  // -- constructors -----------------------------------------------------------

  /// Compiles `cfg`: fails with `errc::invalid_option` naming the field of a
  /// malformed key or address, or `errc::invalid_certificate` for a
  /// certificate path that cannot be read.
  static expected<credential_store> make(const authenticator_config& cfg);

  // -- decisions --------------------------------------------------------------

  /// Returns the verdict on `req`; reloads certificate paths whose
  /// modification time changed first.
  zap_reply decide(const zap_request& req);

  /// Re-reads every certificate path; returns an error naming those that
  /// could not be read (they allow nobody now).
  error reload();

private:
  // A certificate file or directory and what it allowed when last read.
  struct cert_source {
    std::string path;
    timespec mtime{};
    bool readable = false;
    std::map<std::string, certificate::metadata_list> keys;
  };

  // One domain's rules, compiled: raw keys map to the metadata of their
  // certificate (empty for bare keys).
  struct domain {
    bool curve_allow_any = false;
    std::map<std::string, certificate::metadata_list> curve_keys;
    std::vector<cert_source> sources;
    std::vector<std::pair<std::string, secret>> passwords;
  };

  static error load(cert_source& src);

  static bool changed(const cert_source& src);

  domain* find_domain(const std::string& name);

  zap_reply decide_curve(domain& dom, const zap_request& req);

  static zap_reply decide_plain(const domain& dom, const zap_request& req);

  address_filter filter_;
  std::map<std::string, domain> domains_;
};

} // namespace caf::monocoque::internal
