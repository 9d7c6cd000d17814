#include "monocoque/zmtp/frame_decoder.hpp"

#include "monocoque/zmtp/wire.hpp"

#include <algorithm>
#include <cstring>

namespace monocoque::zmtp {

frame_decoder::status frame_decoder::fail(peer_error code,
                                          std::string detail) {
  state_ = state::failed;
  error_ = failure{code, std::move(detail)};
  body_ = frame{};
  return status::failed;
}

frame_decoder::status frame_decoder::begin_body(uint64_t size) {
  if (size > (uint64_t{1} << 63) - 1)
    return fail(peer_error::invalid_frame_size,
                "frame size has its top bit set");
  if (size > max_body_)
    return fail(peer_error::message_too_large,
                "frame of " + std::to_string(size)
                  + " bytes exceeds the maximum message size");
  body_size_ = static_cast<size_t>(size);
  body_read_ = 0;
  body_ = frame{};
  state_ = size == 0 ? state::done : state::body;
  return status::need_more;
}

frame_decoder::status frame_decoder::next(byte_span& input,
                                          const frame* owner) {
  for (;;) {
    switch (state_) {
      case state::failed:
        return status::failed;
      case state::done:
        return status::frame_ready;
      case state::flags: {
        if (input.empty())
          return status::need_more;
        flags_ = input[0];
        input.remove_prefix(1);
        if ((flags_ & reserved_) != 0)
          return fail(peer_error::reserved_flags,
                      "frame header sets reserved flag bits");
        size_len_ = (flags_ & frame_flags::long_size) != 0 ? 8 : 1;
        size_read_ = 0;
        state_ = state::size;
        break;
      }
      case state::size: {
        if (input.empty())
          return status::need_more;
        auto n = std::min(input.size(), size_len_ - size_read_);
        std::memcpy(size_bytes_ + size_read_, input.data(), n);
        input.remove_prefix(n);
        size_read_ += n;
        if (size_read_ < size_len_)
          return status::need_more;
        auto size = size_len_ == 8 ? get_u64(size_bytes_)
                                   : uint64_t{size_bytes_[0]};
        if (begin_body(size) == status::failed)
          return status::failed;
        break;
      }
      case state::body: {
        if (input.empty())
          return status::need_more;
        if (body_read_ == 0 && owner != nullptr
            && input.size() >= body_size_) {
          // Whole body in one owned chunk: slice it, copy nothing.
          auto offset = static_cast<size_t>(input.data() - owner->data());
          body_ = owner->slice(offset, body_size_);
          input.remove_prefix(body_size_);
          state_ = state::done;
          break;
        }
        if (body_read_ == 0) {
          body_ = frame::try_allocate(body_size_);
          if (body_.size() != body_size_)
            return fail(peer_error::message_too_large,
                        "cannot allocate a frame of "
                          + std::to_string(body_size_) + " bytes");
        }
        auto n = std::min(input.size(), body_size_ - body_read_);
        std::memcpy(body_.mutable_data() + body_read_, input.data(), n);
        input.remove_prefix(n);
        body_read_ += n;
        if (body_read_ == body_size_)
          state_ = state::done;
        break;
      }
    }
  }
}

decoded_frame frame_decoder::take() noexcept {
  decoded_frame result;
  if (state_ != state::done)
    return result;
  result.body = std::move(body_);
  result.more = (flags_ & frame_flags::more) != 0;
  result.command = (flags_ & frame_flags::command) != 0;
  state_ = state::flags;
  return result;
}

} // namespace monocoque::zmtp
