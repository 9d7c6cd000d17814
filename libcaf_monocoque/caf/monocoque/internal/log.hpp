#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace caf::monocoque::detail::log {

/// Logger of the io_uring backend ("monocoque.uring").
spdlog::logger* uring();

/// Logger of protocol sessions ("monocoque.zmtp").
spdlog::logger* zmtp();

/// Logger of the actors ("monocoque.actors").
spdlog::logger* actors();

} // namespace caf::monocoque::detail::log
