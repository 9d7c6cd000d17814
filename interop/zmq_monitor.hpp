#pragma once

// A libzmq socket monitor for interop tests (header-only, cppzmq only: used
// by interop/ suites and by tests/protocol/libzmq_*.test.cpp).

#include <chrono>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <vector>
#include <zmq_addon.hpp>

namespace interop {

/// Reads monitor events of a libzmq socket (event number and value) from an
/// inproc PAIR socket at `addr`.
class zmq_monitor {
public:
  zmq_monitor(zmq::context_t& ctx, zmq::socket_t& sock,
              const std::string& addr)
      : pair_(ctx, zmq::socket_type::pair) {
    zmq_socket_monitor(sock.handle(), addr.c_str(), ZMQ_EVENT_ALL);
    pair_.set(zmq::sockopt::rcvtimeo, 50);
    pair_.set(zmq::sockopt::linger, 0);
    pair_.connect(addr);
  }

  /// Waits up to `limit` for an event `event`; returns its value.
  std::optional<uint32_t>
  wait_for(uint16_t event,
           std::chrono::milliseconds limit = std::chrono::milliseconds{3000}) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      std::vector<zmq::message_t> ev;
      try {
        if (!zmq::recv_multipart(pair_, std::back_inserter(ev)) || ev.empty()
            || ev[0].size() < 6)
          continue;
      } catch (const zmq::error_t&) {
        continue; // EINTR
      }
      uint16_t number = 0;
      uint32_t value = 0;
      std::memcpy(&number, ev[0].data(), 2);
      std::memcpy(&value, static_cast<const char*>(ev[0].data()) + 2, 4);
      if (number == event)
        return value;
    }
    return std::nullopt;
  }

private:
  zmq::socket_t pair_;
};

} // namespace interop
