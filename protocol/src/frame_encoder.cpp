#include "monocoque/zmtp/frame_encoder.hpp"

#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/wire.hpp"

#include <algorithm>

namespace monocoque::zmtp {

size_t frame_encoder::write_header(uint8_t* out, uint8_t flags,
                                   uint64_t size) noexcept {
  if (size > 255) {
    out[0] = flags | frame_flags::long_size;
    put_u64(out + 1, size);
    return 9;
  }
  out[0] = flags;
  out[1] = static_cast<uint8_t>(size);
  return 2;
}

void frame_encoder::encode_frame(output_queue& out, const frame& body,
                                 bool more) {
  uint8_t header[max_header_size];
  auto len = write_header(header, more ? frame_flags::more : 0, body.size());
  out.append_copy(byte_span{header, len});
  out.append(body);
}

void frame_encoder::encode_message(output_queue& out, const message& msg) {
  for (size_t i = 0; i < msg.size(); ++i)
    encode_frame(out, msg[i], i + 1 < msg.size());
}

encoded_messages frame_encoder::encode_all(const std::vector<message>& msgs,
                                           size_t copy_threshold) {
  encoded_messages res;
  res.ends.reserve(msgs.size());
  // One staging block holding every header and every copied payload.
  size_t staging = 0;
  for (auto& msg : msgs)
    for (auto& part : msg)
      staging += (part.size() > 255 ? max_header_size : 2)
                 + (part.size() <= copy_threshold ? part.size() : 0);
  output_queue out{copy_threshold, std::max<size_t>(staging, 1)};
  for (auto& msg : msgs) {
    encode_message(out, msg);
    res.ends.push_back(out.total_appended());
  }
  out.drain_to(res.segments);
  return res;
}

void frame_encoder::encode_command(output_queue& out, std::string_view name,
                                   byte_span data) {
  uint8_t header[max_header_size + 1];
  auto len = write_header(header, frame_flags::command,
                          1 + name.size() + data.size());
  header[len++] = static_cast<uint8_t>(name.size());
  out.append_copy(byte_span{header, len});
  out.append_copy(byte_span{name});
  out.append_copy(data);
}

} // namespace monocoque::zmtp
