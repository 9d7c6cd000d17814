#include "monocoque/zmtp/secret_buffer.hpp"

#include <cstring>
#include <utility>

namespace monocoque::zmtp {

void secure_wipe(void* data, size_t size) noexcept {
  // Writes through a volatile pointer are observable behaviour: the compiler
  // must emit every one of them, even right before the memory is freed.
  auto* p = static_cast<volatile uint8_t*>(data);
  for (size_t i = 0; i < size; ++i)
    p[i] = 0;
}

secret_buffer::secret_buffer(byte_span bytes) {
  if (bytes.empty())
    return;
  data_ = std::make_unique<uint8_t[]>(bytes.size());
  std::memcpy(data_.get(), bytes.data(), bytes.size());
  size_ = bytes.size();
}

secret_buffer::secret_buffer(const secret_buffer& other)
  : secret_buffer(other.reveal()) {
  // nop
}

secret_buffer::secret_buffer(secret_buffer&& other) noexcept
  : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {
  // nop
}

secret_buffer& secret_buffer::operator=(const secret_buffer& other) {
  if (this != &other) {
    secret_buffer tmp{other};
    *this = std::move(tmp);
  }
  return *this;
}

secret_buffer& secret_buffer::operator=(secret_buffer&& other) noexcept {
  if (this != &other) {
    clear();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

secret_buffer::~secret_buffer() {
  clear();
}

bool secret_buffer::matches(byte_span candidate) const noexcept {
  if (candidate.size() != size_)
    return false;
  // Accumulates every difference instead of stopping at the first one.
  uint8_t diff = 0;
  for (size_t i = 0; i < size_; ++i)
    diff = static_cast<uint8_t>(diff | (data_[i] ^ candidate[i]));
  return diff == 0;
}

void secret_buffer::clear() noexcept {
  if (data_ != nullptr)
    secure_wipe(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

} // namespace monocoque::zmtp
