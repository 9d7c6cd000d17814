#include "monocoque/zmtp/output_queue.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace monocoque::zmtp {

output_queue::~output_queue() {
  clear();
  if (staging_ != nullptr)
    staging_->deref();
}

// Returns room for `n` bytes at the end of the staging block and makes sure
// the last segment covers them (merging with it when contiguous).
uint8_t* output_queue::reserve(size_t n) {
  if (staging_ != nullptr && staging_used_ + n > staging_->capacity()) {
    staging_->deref();
    staging_ = nullptr;
  }
  if (staging_ == nullptr) {
    staging_ = byte_block::allocate(std::max(staging_size_, n));
    if (staging_ == nullptr)
      throw std::bad_alloc{};
    staging_used_ = 0;
  }
  auto* dst = staging_->data() + staging_used_;
  if (!segments_.empty()) {
    auto& last = segments_.back();
    if (last.block == staging_ && last.offset + last.size == staging_used_) {
      last.size += n;
      staging_used_ += n;
      bytes_ += n;
      return dst;
    }
  }
  staging_->ref();
  segments_.push_back(segment{staging_, staging_used_, n});
  staging_used_ += n;
  bytes_ += n;
  return dst;
}

void output_queue::append_copy(byte_span bytes) {
  if (bytes.empty())
    return;
  std::memcpy(reserve(bytes.size()), bytes.data(), bytes.size());
  appended_ += bytes.size();
}

void output_queue::append(const frame& payload) {
  if (payload.size() <= copy_threshold_) {
    append_copy(payload.bytes());
    return;
  }
  append_ref(payload);
}

void output_queue::append_ref(const frame& payload) {
  if (payload.empty())
    return;
  auto* block = const_cast<byte_block*>(payload.block());
  block->ref();
  auto offset = static_cast<size_t>(payload.data() - block->data());
  segments_.push_back(segment{block, offset, payload.size()});
  bytes_ += payload.size();
  appended_ += payload.size();
}

size_t output_queue::gather(io_slice* out, size_t max) const noexcept {
  size_t n = 0;
  for (auto i = segments_.begin(); i != segments_.end() && n < max; ++i)
    out[n++] = io_slice{i->block->data() + i->offset, i->size};
  return n;
}

void output_queue::consume(size_t n) noexcept {
  while (n > 0 && !segments_.empty()) {
    auto& front = segments_.front();
    if (n < front.size) {
      front.offset += n;
      front.size -= n;
      bytes_ -= n;
      return;
    }
    n -= front.size;
    bytes_ -= front.size;
    front.block->deref();
    segments_.pop_front();
  }
  // Everything written: rewind the staging block instead of allocating anew,
  // if no slice still points into it.
  if (segments_.empty() && staging_ != nullptr && staging_->unique())
    staging_used_ = 0;
}

void output_queue::drain_to(std::vector<frame>& out) {
  out.reserve(out.size() + segments_.size());
  for (auto& seg : segments_)
    out.emplace_back(seg.block, seg.offset, seg.size); // adopts our reference
  segments_.clear();
  bytes_ = 0;
  // The staging block stays: later copies go behind the drained bytes, and
  // `consume`/`clear` rewind it only while nobody else holds a reference.
}

void output_queue::release_staging() noexcept {
  if (staging_ != nullptr) {
    staging_->deref();
    staging_ = nullptr;
    staging_used_ = 0;
  }
}

void output_queue::clear() noexcept {
  for (auto& seg : segments_)
    seg.block->deref();
  segments_.clear();
  bytes_ = 0;
  if (staging_ != nullptr && staging_->unique())
    staging_used_ = 0;
}

} // namespace monocoque::zmtp
