#include "monocoque/zmtp/security_config.hpp"

namespace monocoque::zmtp {

const char* to_string(mechanism_kind x) noexcept {
  switch (x) {
    case mechanism_kind::null:
      return "NULL";
    case mechanism_kind::plain:
      return "PLAIN";
    case mechanism_kind::curve:
      return "CURVE";
  }
  return "NULL";
}

} // namespace monocoque::zmtp
