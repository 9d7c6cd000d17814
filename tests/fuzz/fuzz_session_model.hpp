#pragma once

// The fuzzed configurations of fuzz_session.cpp (socket types, limits,
// timers, PLAIN credentials) and `output_checker`, which checks every byte
// our session writes against what ZMTP allows next. Only fuzz_session.cpp
// includes it.

#include "fuzz_check.hpp"
#include "monocoque/zmtp/command.hpp"
#include "monocoque/zmtp/frame_decoder.hpp"
#include "monocoque/zmtp/greeting.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/session.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monocoque::fuzz::session_model {


using namespace monocoque::zmtp;
using monocoque::fuzz::prng;
using namespace std::chrono_literals;

constexpr size_t type_count = 11;

constexpr socket_type peer_types[2][type_count] = {
    {socket_type::pair, socket_type::sub, socket_type::pub, socket_type::rep,
     socket_type::req, socket_type::router, socket_type::dealer,
     socket_type::push, socket_type::pull, socket_type::xsub,
     socket_type::xpub},
    {socket_type::pair, socket_type::xsub, socket_type::xpub,
     socket_type::router, socket_type::dealer, socket_type::dealer,
     socket_type::router, socket_type::push, socket_type::pull,
     socket_type::sub, socket_type::pub},
};

constexpr uint64_t max_sizes[] = {1 << 20, 4096, 255, 1};
constexpr duration handshake_timeouts[] = {0ms, 100ms, 1s, 30s};
constexpr size_t copy_thresholds[] = {1024, 0, 16, 1 << 20};
constexpr duration intervals[] = {0ms, 1ms, 10ms, 1s};
constexpr duration ttls[] = {0ms, 100ms, 1s, 7000s};
constexpr duration timeouts[] = {-1ms, 0ms, 5ms, 1s};
constexpr size_t chunk_limits[] = {1, 16, 300, 65536};

constexpr std::string_view plain_user = "fuzz-user";
constexpr std::string_view plain_password = "fuzz-pass";

inline bool is_plain(const session_config& cfg) {
  return cfg.security.mechanism == mechanism_kind::plain;
}

void append_command(std::vector<uint8_t>& out, std::string_view name,
                    const std::vector<uint8_t>& data) {
  std::vector<uint8_t> body{static_cast<uint8_t>(name.size())};
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), data.begin(), data.end());
  out.push_back(frame_flags::command);
  out.push_back(static_cast<uint8_t>(body.size())); // always < 256 here
  out.insert(out.end(), body.begin(), body.end());
}

inline std::vector<uint8_t> plain_hello_data() {
  std::vector<uint8_t> out{static_cast<uint8_t>(plain_user.size())};
  out.insert(out.end(), plain_user.begin(), plain_user.end());
  out.push_back(static_cast<uint8_t>(plain_password.size()));
  out.insert(out.end(), plain_password.begin(), plain_password.end());
  return out;
}

// A libzmq-like peer opening: greeting, then READY with Socket-Type (and
// Identity for the types that send one).
// For PLAIN (`cfg` says which side we are), the PLAIN peer's opening;
// `hello_end` is set to the end of a PLAIN client's HELLO, after which the
// prefix must wait for our verdict.
std::vector<uint8_t> peer_prefix(socket_type peer, uint8_t minor,
                                 bool identity, const session_config& cfg,
                                 size_t& hello_end) {
  greeting hello;
  hello.minor = minor;
  if (is_plain(cfg)) {
    hello.mechanism = "PLAIN";
    hello.as_server = !cfg.security.as_server;
  }
  auto g = hello.encode();
  std::vector<uint8_t> out(g.begin(), g.end());
  metadata props;
  props.set("Socket-Type", wire_name(peer));
  if (sends_identity(peer))
    props.set("Identity", identity ? "peer-identity" : "");
  std::vector<uint8_t> data;
  props.encode_to(data);
  if (!is_plain(cfg)) {
    append_command(out, command_name::ready, data);
  } else if (cfg.security.as_server) {
    append_command(out, command_name::hello, plain_hello_data());
    hello_end = out.size();
    append_command(out, command_name::initiate, data);
  } else {
    append_command(out, command_name::welcome, {});
    append_command(out, command_name::ready, data);
  }
  return out;
}

// A ZMTP 2.0 peer opening: signature, revision 1, socket type, identity.
inline std::vector<uint8_t> peer_prefix_v2(socket_type peer, bool identity) {
  std::vector<uint8_t> out{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x01};
  out.push_back(zmq_number(peer));
  std::string id = identity && sends_identity(peer) ? "peer-identity" : "";
  out.push_back(0x00);
  out.push_back(static_cast<uint8_t>(id.size()));
  out.insert(out.end(), id.begin(), id.end());
  return out;
}

// Checks that what the session writes is a well-formed ZMTP stream.
class output_checker {
public:
  output_checker(const session_config& cfg, const session& sess)
    : cfg_(cfg), sess_(sess) {
    reader_.allow_zmtp20();
  }

  /// Our PLAIN server may send WELCOME from now on.
  void allow_welcome() noexcept {
    welcome_allowed_ = true;
  }

  void feed(byte_span bytes) {
    if (reader_.state() == greeting_reader::status::incomplete) {
      if (reader_.bytes_read() < 11) {
        bytes.remove_prefix(
          reader_.feed(bytes.first(11 - reader_.bytes_read())));
        FUZZ_CHECK(reader_.state() != greeting_reader::status::failed);
        if (reader_.bytes_read() < 11)
          return;
        FUZZ_CHECK(reader_.revision() == (cfg_.revision == 1 ? 1 : 3));
      }
      if (bytes.empty())
        return;
      if (!decided_) {
        // Our rest follows the revision the session settled on before it
        // wrote its first byte.
        decided_ = true;
        v2_ = sess_.peer().revision == 1;
        if (v2_) {
          reader_.expect_zmtp20();
          decoder_.zmtp20(true);
        }
      }
      bytes.remove_prefix(reader_.feed(bytes));
      FUZZ_CHECK(reader_.state() != greeting_reader::status::failed);
      if (reader_.state() == greeting_reader::status::incomplete)
        return;
      if (v2_) {
        FUZZ_CHECK(reader_.result().socket_type == zmq_number(cfg_.type));
      } else {
        FUZZ_CHECK(reader_.result().minor == cfg_.minor_version);
        FUZZ_CHECK(reader_.result().mechanism
                   == (is_plain(cfg_) ? "PLAIN" : "NULL"));
        FUZZ_CHECK(reader_.result().as_server
                   == (is_plain(cfg_) && cfg_.security.as_server));
      }
    }
    for (;;) {
      auto st = decoder_.next(bytes);
      FUZZ_CHECK(st != frame_decoder::status::failed);
      if (st == frame_decoder::status::need_more)
        return;
      on_frame(decoder_.take());
    }
  }

  size_t frames() const noexcept { return frames_; }

  size_t pongs() const noexcept { return pongs_; }

private:
  void on_frame(decoded_frame frm) {
    ++frames_;
    if (v2_ && !ready_sent_) {
      // ZMTP 2.0: our identity frame, final and short.
      FUZZ_CHECK(!frm.more && !frm.command);
      std::string id = sends_identity(cfg_.type) ? cfg_.identity : "";
      FUZZ_CHECK(frm.body.as_string_view() == id);
      ready_sent_ = true;
      return;
    }
    if (!frm.command) {
      FUZZ_CHECK(ready_sent_);
      in_message_ = frm.more;
      return;
    }
    FUZZ_CHECK(!frm.more);
    FUZZ_CHECK(!in_message_);
    auto cmd = parse_command(frm.body.bytes());
    FUZZ_CHECK(cmd.has_value());
    if (!ready_sent_ && cmd->name != command_name::error) {
      // NULL: our READY first (or an ERROR refusing the peer). PLAIN client:
      // HELLO with our credentials, then INITIATE. PLAIN server: WELCOME
      // (only after a 200 verdict), then READY.
      FUZZ_CHECK(!error_sent_);
      if (is_plain(cfg_) && plain_step_ == 0) {
        plain_step_ = 1;
        if (cfg_.security.as_server) {
          FUZZ_CHECK(cmd->name == command_name::welcome);
          FUZZ_CHECK(cmd->data.empty() && welcome_allowed_);
        } else {
          FUZZ_CHECK(cmd->name == command_name::hello);
          auto expected = plain_hello_data();
          FUZZ_CHECK(cmd->data
                     == byte_span(expected.data(), expected.size()));
        }
        return;
      }
      FUZZ_CHECK(cmd->name
                 == (is_plain(cfg_) && !cfg_.security.as_server
                       ? command_name::initiate
                       : command_name::ready));
      auto props = metadata::decode(cmd->data);
      FUZZ_CHECK(props.has_value());
      auto* type = props->find("Socket-Type");
      FUZZ_CHECK(type != nullptr && *type == wire_name(cfg_.type));
      ready_sent_ = true;
      return;
    }
    FUZZ_CHECK(cmd->name != command_name::ready);
    if (cmd->name == command_name::error) {
      FUZZ_CHECK(parse_error_reason(cmd->data).has_value());
      FUZZ_CHECK(!error_sent_);
      error_sent_ = true;
      return;
    }
    FUZZ_CHECK(!error_sent_);
    FUZZ_CHECK(cmd->name == command_name::ping ||
               cmd->name == command_name::pong ||
               cmd->name == command_name::subscribe ||
               cmd->name == command_name::cancel);
    if (cmd->name == command_name::ping)
      FUZZ_CHECK(cmd->data.size() == 2);
    if (cmd->name == command_name::pong) {
      FUZZ_CHECK(cmd->data.size() <= max_ping_context);
      ++pongs_;
    }
  }

  const session_config& cfg_;
  const session& sess_;
  bool decided_ = false;
  bool v2_ = false;
  size_t pongs_ = 0;
  greeting_reader reader_;
  frame_decoder decoder_;
  size_t frames_ = 0;
  bool ready_sent_ = false;
  bool error_sent_ = false;
  bool in_message_ = false;
  int plain_step_ = 0;
  bool welcome_allowed_ = false;
};

} // namespace monocoque::fuzz::session_model
