#include "monocoque/zmtp/byte_block.hpp"

#include "monocoque/zmtp/frame.hpp"
#include "monocoque/zmtp/message.hpp"

#include <cstring>
#include <new>

namespace monocoque::zmtp {

// -- byte_block ---------------------------------------------------------------

byte_block* byte_block::allocate(size_t capacity) noexcept {
  void* mem = ::operator new(sizeof(byte_block) + capacity, std::nothrow);
  if (mem == nullptr)
    return nullptr;
  return new (mem) byte_block(capacity);
}

void byte_block::deref() noexcept {
  if (rc_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    this->~byte_block();
    ::operator delete(static_cast<void*>(this));
  }
}

// -- frame --------------------------------------------------------------------

frame frame::allocate(size_t size) {
  auto result = try_allocate(size);
  if (result.size() != size)
    throw std::bad_alloc{};
  return result;
}

frame frame::try_allocate(size_t size) noexcept {
  if (size == 0)
    return {};
  auto* block = byte_block::allocate(size);
  if (block == nullptr)
    return {};
  return {block, 0, size};
}

frame frame::copy_of(byte_span bytes) {
  auto result = allocate(bytes.size());
  if (!bytes.empty())
    std::memcpy(result.mutable_data(), bytes.data(), bytes.size());
  return result;
}

frame frame::slice(size_t offset, size_t count) const noexcept {
  if (offset > size_)
    offset = size_;
  if (count > size_ - offset)
    count = size_ - offset;
  if (count == 0 || block_ == nullptr)
    return {};
  block_->ref();
  return {block_, offset_ + offset, count};
}

// -- message ------------------------------------------------------------------

message make_message(std::initializer_list<std::string_view> parts) {
  message result;
  result.reserve(parts.size());
  for (auto part : parts)
    result.emplace_back(frame::from_string(part));
  return result;
}

size_t payload_size(const message& msg) noexcept {
  size_t result = 0;
  for (const auto& part : msg)
    result += part.size();
  return result;
}

} // namespace monocoque::zmtp
