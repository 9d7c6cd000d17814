#include "caf/monocoque/socket_options.hpp"

#include "caf/monocoque/options.hpp"

namespace caf::monocoque {

socket_options socket_options::from(const options& opts) {
  return opts.defaults;
}

} // namespace caf::monocoque
