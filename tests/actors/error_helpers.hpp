#pragma once

// Checks on the module's caf::error values, for the certificate and
// authenticator suites.

#include "caf/monocoque/errc.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace monocoque_test {

/// Returns whether `err` is the module's error `code`.
inline bool is(const caf::error& err, caf::monocoque::errc code) {
  return err.category() == caf::monocoque::errc_category
         && err.code() == static_cast<uint8_t>(code);
}

/// Returns the text in the context of `err` ("" when it has none).
inline std::string context(const caf::error& err) {
  auto& ctx = err.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                           : std::string{};
}

} // namespace monocoque_test
