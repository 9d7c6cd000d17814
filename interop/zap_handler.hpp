#pragma once

// libzmq's side of ZAP (RFC 27) for interop tests: a handler on a thread in
// a libzmq context, answering as a policy says (header-only, cppzmq only:
// used by interop/ suites and by tests/protocol/libzmq_*.test.cpp).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>
#include <zmq_addon.hpp>

namespace interop {

/// Returns the Z85 text of a 32-byte key ("" for any other size).
inline std::string z85_of(const std::string& raw) {
  if (raw.size() != 32)
    return {};
  char out[41];
  if (zmq_z85_encode(out, reinterpret_cast<const uint8_t*>(raw.data()), 32)
      == nullptr)
    return {};
  return out;
}

/// One request a ZAP handler answered.
struct zap_seen {
  std::string version;
  std::string domain;
  std::string address;
  std::string mechanism;
  /// PLAIN: user name; CURVE: the client key in Z85.
  std::string credential;
  /// PLAIN: the password (test credentials only).
  std::string password;
  /// The raw first credential frame (CURVE: the 32-byte client key).
  std::string raw_credential;
  /// The status it answered.
  std::string status;
};

/// What a ZAP handler answers: status code, user id, status text.
struct zap_verdict {
  std::string status = "200";
  std::string user_id;
  std::string status_text = "test";
};

/// A ZAP handler (RFC 27) of a libzmq context on a thread: an inproc REP
/// socket on "inproc://zeromq.zap.01" that asks `policy` about every
/// request and records what it saw (before answering: a test may look as
/// soon as libzmq acted on the answer).
class zap_handler {
public:
  using policy_fn = std::function<zap_verdict(const zap_seen&)>;

  zap_handler(zmq::context_t& ctx, policy_fn policy)
      : sock_(ctx, zmq::socket_type::rep), policy_(std::move(policy)) {
    sock_.set(zmq::sockopt::linger, 0);
    sock_.bind("inproc://zeromq.zap.01");
    thread_ = std::thread{[this] { run(); }};
  }

  zap_handler(const zap_handler&) = delete;

  zap_handler& operator=(const zap_handler&) = delete;

  ~zap_handler() {
    stop_ = true;
    thread_.join();
  }

  /// Every request answered so far.
  std::vector<zap_seen> requests() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return seen_;
  }

  /// Number of requests answered so far.
  size_t count() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return seen_.size();
  }

private:
  void run() {
    while (!stop_) {
      zmq::pollitem_t item{sock_.handle(), 0, ZMQ_POLLIN, 0};
      try {
        if (zmq::poll(&item, 1, std::chrono::milliseconds{20}) <= 0)
          continue;
      } catch (const zmq::error_t&) {
        continue; // EINTR
      }
      std::vector<zmq::message_t> req;
      if (!zmq::recv_multipart(sock_, std::back_inserter(req)))
        continue;
      // version, request id, domain, address, identity, mechanism, creds
      auto at = [&](size_t i) {
        return i < req.size() ? req[i].to_string() : std::string{};
      };
      zap_seen seen;
      seen.version = at(0);
      seen.domain = at(2);
      seen.address = at(3);
      seen.mechanism = at(5);
      seen.raw_credential = at(6);
      if (seen.mechanism == "CURVE")
        seen.credential = z85_of(seen.raw_credential);
      else
        seen.credential = seen.raw_credential;
      seen.password = at(7);
      auto verdict = policy_(seen);
      seen.status = verdict.status;
      // Named: the reply's buffers must outlive the send.
      std::string request_id = at(1);
      std::vector<zmq::const_buffer> reply{
          zmq::buffer(std::string_view{"1.0"}),
          zmq::buffer(request_id),
          zmq::buffer(verdict.status),
          zmq::buffer(verdict.status_text),
          zmq::buffer(verdict.user_id),
          zmq::buffer(std::string_view{})};
      {
        std::lock_guard<std::mutex> guard{mtx_};
        seen_.push_back(std::move(seen));
      }
      zmq::send_multipart(sock_, reply);
    }
  }

  zmq::socket_t sock_;
  policy_fn policy_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mtx_;
  std::vector<zap_seen> seen_;
};

} // namespace interop
