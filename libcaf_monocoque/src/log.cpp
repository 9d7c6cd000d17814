#include "caf/monocoque/internal/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace caf::monocoque::detail::log {

namespace {

// All loggers share one stderr sink; the level comes from MONOCOQUE_LOG
// (trace, debug, info, warn, error, off), default "warn".
std::shared_ptr<spdlog::logger> make(const char* name) {
  static auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto result = std::make_shared<spdlog::logger>(name, sink);
  auto* level = std::getenv("MONOCOQUE_LOG");
  result->set_level(level != nullptr ? spdlog::level::from_str(level)
                                     : spdlog::level::warn);
  return result;
}

} // namespace

spdlog::logger* uring() {
  static auto instance = make("monocoque.uring");
  return instance.get();
}

spdlog::logger* zmtp() {
  static auto instance = make("monocoque.zmtp");
  return instance.get();
}

spdlog::logger* actors() {
  static auto instance = make("monocoque.actors");
  return instance.get();
}

} // namespace caf::monocoque::detail::log
