#include "caf/monocoque/internal/buffer_ring.hpp"

#include <sys/mman.h>

#include <cstring>

namespace caf::monocoque::detail {

using ::monocoque::zmtp::frame;

buffer_ring::~buffer_ring() {
  close(nullptr);
}

std::string buffer_ring::open(io_uring& ring, uint16_t group, size_t entries,
                              size_t buf_size) {
  size_t n = 1;
  while (n < entries && n < 32768)
    n <<= 1;
  // liburing 2.3 has no io_uring_setup_buf_ring: map the ring ourselves
  // (page aligned, as the kernel requires).
  auto size = n * sizeof(io_uring_buf);
  auto* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED)
    return std::string{"mmap: "} + std::strerror(errno);
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(br);
  io_uring_buf_reg reg;
  std::memset(&reg, 0, sizeof(reg));
  reg.ring_addr = reinterpret_cast<uintptr_t>(mem);
  reg.ring_entries = static_cast<uint32_t>(n);
  reg.bgid = group;
  if (auto rc = io_uring_register_buf_ring(&ring, &reg, 0); rc < 0) {
    ::munmap(mem, size);
    return std::string{"io_uring_register_buf_ring: "} + std::strerror(-rc);
  }
  br_ = br;
  map_size_ = size;
  group_ = group;
  buf_size_ = buf_size;
  mask_ = io_uring_buf_ring_mask(static_cast<uint32_t>(n));
  // Blocks are allocated now but untouched: a page becomes resident only
  // once the kernel writes into it.
  bufs_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    bufs_[i] = frame::allocate(buf_size);
    add(static_cast<uint16_t>(i), static_cast<int>(i));
  }
  io_uring_buf_ring_advance(br_, static_cast<int>(n));
  return {};
}

void buffer_ring::close(io_uring* ring) {
  if (br_ == nullptr)
    return;
  if (ring != nullptr)
    io_uring_unregister_buf_ring(ring, group_);
  ::munmap(br_, map_size_);
  br_ = nullptr;
  bufs_.clear();
}

void buffer_ring::add(uint16_t bid, int offset) {
  auto& buf = bufs_[bid];
  io_uring_buf_ring_add(br_, buf.mutable_data(),
                        static_cast<unsigned>(buf.size()), bid, mask_,
                        offset);
}

frame buffer_ring::take(uint16_t bid, size_t n) {
  if (br_ == nullptr || bid >= bufs_.size())
    return {};
  auto& buf = bufs_[bid];
  frame chunk;
  n = std::min(n, buf.size());
  if (n > 0) {
    // Messages decoded from a chunk share its block; a short read would pin
    // a whole buffer per message behind a slow consumer, so it moves into a
    // block of its own size and the buffer goes back as it is.
    auto fresh = n >= buf.size() / 4 ? frame::try_allocate(buf_size_)
                                     : frame{};
    if (fresh.empty()) {
      chunk = frame::copy_of(buf.bytes().first(n));
    } else {
      chunk = buf.slice(0, n);
      buf = std::move(fresh);
    }
  }
  add(bid, 0);
  io_uring_buf_ring_advance(br_, 1);
  return chunk;
}

} // namespace caf::monocoque::detail
