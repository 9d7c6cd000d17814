#include "monocoque/zmtp/auth_reply.hpp"

namespace monocoque::zmtp {

const char* to_string(auth_status x) noexcept {
  switch (x) {
    case auth_status::success:
      return "200";
    case auth_status::temporary_failure:
      return "300";
    case auth_status::failure:
      return "400";
    case auth_status::internal_error:
      return "500";
  }
  return "500";
}

uint16_t zap_failure_status(std::string_view reason) noexcept {
  if (reason.size() != 3 || reason[1] != '0' || reason[2] != '0'
      || reason[0] < '3' || reason[0] > '5')
    return 0;
  return static_cast<uint16_t>((reason[0] - '0') * 100);
}

std::string describe_verdict(std::string_view what, auth_status status,
                             std::string_view status_text) {
  return std::string{what} + " (" + to_string(status) + " "
         + std::string{status_text.substr(0, 200)} + ")";
}

} // namespace monocoque::zmtp
