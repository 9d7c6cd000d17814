#pragma once

#include <cstdint>

namespace caf::monocoque::detail {

class uring_multiplexer;

/// An operation in flight on an io_uring ring. Its address is the SQE's
/// `user_data`; it owns every buffer the kernel may touch until its final
/// completion, after which the multiplexer deletes it.
class io_op {
public:
  virtual ~io_op() = default;

  /// Handles one completion on the ring thread. Returns true if this was the
  /// final completion (the multiplexer then deletes the op); multishot
  /// operations return false while `IORING_CQE_F_MORE` is set.
  virtual bool complete(uring_multiplexer& mpx, int res, uint32_t flags) = 0;
};

} // namespace caf::monocoque::detail
