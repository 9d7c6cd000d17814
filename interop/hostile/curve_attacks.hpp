#pragma once

// Hostile CURVE clients (RFC 26 as libzmq 4.3.4 puts it on the wire):
// garbage HELLOs from fixed small buffers, and `curve_peer`, a real CURVE
// client (the protocol layer's session, driven over a raw connection) that
// can stop anywhere in the handshake or replace its INITIATE with an
// oversized or corrupted one: an INITIATE is only parsed with a valid
// cookie, so a server must be driven this far before it gets to read one.
// Used by the hostile_curve_* suites (which link the protocol layer; the
// zmtp-attack tool does not include this header).

#include "hostile/attacks.hpp"

#include "monocoque/zmtp/curve_key.hpp"
#include "monocoque/zmtp/security_config.hpp"
#include "monocoque/zmtp/session.hpp"
#include "monocoque/zmtp/z85.hpp"

#include <optional>
#include <stdexcept>

namespace hostile {

namespace zmtp = monocoque::zmtp;

// -- payload builders ---------------------------------------------------------

/// The greeting of a CURVE client (ZMTP 3.1, as-server 0).
inline std::string curve_greeting() {
  auto g = interop::greeting(1, false);
  std::memset(&g[12], 0, 20);
  std::memcpy(&g[12], "CURVE", 5);
  return g;
}

/// Number of distinct garbage HELLO shapes.
constexpr size_t garbage_hello_kinds = 10;

/// What follows a CURVE greeting in garbage HELLO `i` (kind `i %
/// garbage_hello_kinds`, contents varying with `i`): wrong sizes (199, 201,
/// a 1 MiB header), a right-sized HELLO with a garbage or all-zero box or a
/// wrong version, a wrong name, a HELLO sent as a data frame, bytes with
/// reserved flags, an INITIATE before any HELLO.
inline std::string garbage_hello(size_t i) {
  auto noise = [i](size_t n) {
    auto out = garbage(n + 8);
    out = out.substr(i % 8, n);
    for (size_t k = 0; k < out.size(); ++k)
      out[k] = static_cast<char>(out[k] ^ static_cast<char>(i * 31 + k));
    return out;
  };
  auto hello_body = [&](size_t size, uint8_t major, bool zero) {
    std::string body = "\x05HELLO";
    body += static_cast<char>(major);
    body += '\x00';
    body += std::string(72, '\0');
    body += zero ? std::string(size - body.size(), '\0')
                 : noise(size - body.size());
    return body;
  };
  switch (i % garbage_hello_kinds) {
    case 0:
      return interop::encode(0x04, hello_body(199, 1, false));
    case 1:
      return interop::encode(0x04, hello_body(201, 1, false));
    case 2:
      return long_header(0x04, mib) + hello_body(4096, 1, false);
    case 3:
      return interop::encode(0x04, hello_body(200, 1, false));
    case 4:
      return interop::encode(0x04, hello_body(200, 2, false));
    case 5: {
      auto body = hello_body(200, 1, false);
      body[5] = 'P'; // "HELLP"
      return interop::encode(0x04, body);
    }
    case 6:
      return interop::encode(0x00, hello_body(200, 1, false));
    case 7:
      return garbage(256);
    case 8:
      return interop::encode(0x04, "\x08INITIATE" + noise(300));
    default:
      return interop::encode(0x04, hello_body(200, 1, true));
  }
}

// -- a real CURVE client over a raw connection ---------------------------------

/// Decodes a Z85 key; throws on a bad key (test input only).
inline zmtp::curve_key curve_key_of(const std::string& z85) {
  zmtp::curve_key result{};
  if (zmtp::z85_decode_key(z85, result) != zmtp::z85_error::none)
    throw std::runtime_error("bad Z85 key");
  return result;
}

/// A DEALER session config for a CURVE client with a fresh keypair that
/// trusts `server_key` (Z85).
inline zmtp::session_config curve_client_config(const std::string& server_key,
                                                std::string identity = {}) {
  auto kp = zmtp::make_curve_keypair();
  if (!kp)
    throw std::runtime_error("no libsodium");
  zmtp::session_config cfg;
  cfg.type = zmtp::socket_type::dealer;
  cfg.identity = std::move(identity);
  cfg.security = zmtp::security_config::curve_client(
      curve_key_of(server_key), kp->public_key, kp->secret_key.reveal());
  return cfg;
}

/// The session's clock.
inline zmtp::timestamp session_now() {
  return std::chrono::duration_cast<zmtp::timestamp>(
      clock_type::now().time_since_epoch());
}

/// A CURVE client driven by the protocol layer over a hostile `connection`
/// (see the file comment). Every wait is bounded by the caller's limit.
class curve_peer {
public:
  curve_peer(uint16_t port, zmtp::session_config cfg)
      : conn_(connection::open(port)), sess_(std::move(cfg)) {
    // nop
  }

  /// Whether the connection is open.
  bool valid() const noexcept { return conn_.valid(); }

  /// The raw connection.
  connection& conn() noexcept { return conn_; }

  /// The session.
  zmtp::session& sess() noexcept { return sess_; }

  /// Runs the handshake up to the INITIATE: greeting and HELLO out, the
  /// server's greeting and WELCOME in. Returns the INITIATE the session
  /// built (not sent), or nullopt on failure.
  std::optional<std::string> to_initiate(std::chrono::milliseconds limit) {
    sess_.start(session_now());
    if (conn_.write(take_output()) != outcome::ok)
      return failed("greeting not written");
    bool ok = false;
    auto greeting = conn_.read(64, limit, ok);
    if (!ok)
      return failed("no greeting from the server");
    feed(greeting);
    if (conn_.write(take_output()) != outcome::ok) // greeting rest + HELLO
      return failed("HELLO not written");
    if (!feed_frame(limit))
      return failed("no WELCOME");
    if (sess_.state() == zmtp::session_state::failed)
      return failed("session failed: " + sess_.error().detail);
    auto initiate = take_output();
    if (initiate.empty())
      return failed("no INITIATE");
    return initiate;
  }

  /// Why the last step failed.
  const std::string& why() const noexcept { return why_; }

  /// Runs the whole handshake (sending the INITIATE unchanged); true once
  /// the session is ready.
  bool handshake(std::chrono::milliseconds limit) {
    auto initiate = to_initiate(limit);
    if (!initiate || conn_.write(*initiate) != outcome::ok)
      return false;
    auto deadline = clock_type::now() + limit;
    while (!sess_.ready()) {
      if (clock_type::now() >= deadline || !feed_frame(limit)
          || sess_.state() == zmtp::session_state::failed)
        return false;
    }
    while (auto ev = sess_.poll())
      static_cast<void>(ev); // handshake_done
    return conn_.write(take_output()) == outcome::ok;
  }

  /// Sends a message (after `handshake`).
  bool send(const std::vector<std::string>& parts) {
    zmtp::message msg;
    for (auto& x : parts)
      msg.push_back(zmtp::frame::from_string(x));
    if (sess_.send(msg) != zmtp::local_error::none)
      return false;
    return conn_.write(take_output()) == outcome::ok;
  }

  /// Receives the next message within `limit`.
  std::optional<std::vector<std::string>>
  recv(std::chrono::milliseconds limit) {
    auto deadline = clock_type::now() + limit;
    for (;;) {
      while (auto ev = sess_.poll())
        if (auto* msg = std::get_if<zmtp::events::message_received>(&*ev)) {
          std::vector<std::string> result;
          for (auto& f : msg->msg)
            result.push_back(f.to_string());
          return result;
        }
      if (clock_type::now() >= deadline || !feed_frame(limit)
          || sess_.state() == zmtp::session_state::failed || !flush())
        return std::nullopt;
    }
  }

private:
  std::nullopt_t failed(std::string why) {
    why_ = std::move(why);
    return std::nullopt;
  }

  /// Drains the session's output into a string.
  std::string take_output() {
    std::vector<zmtp::frame> slices;
    sess_.output().drain_to(slices);
    std::string result;
    for (auto& f : slices)
      result += f.to_string();
    return result;
  }

  void feed(const std::string& bytes) {
    sess_.feed(zmtp::byte_span{bytes}, session_now());
  }

  /// Reads one frame from the server and feeds it, re-encoded as it came
  /// (what the session answers stays queued: see `flush`).
  bool feed_frame(std::chrono::milliseconds limit) {
    interop::raw_frame frm;
    if (!conn_.read_frame(frm, limit))
      return false;
    std::string bytes;
    bytes += static_cast<char>(frm.flags);
    if ((frm.flags & 0x02) != 0) {
      uint64_t n = frm.body.size();
      for (int shift = 56; shift >= 0; shift -= 8)
        bytes += static_cast<char>((n >> shift) & 0xFF);
    } else {
      bytes += static_cast<char>(frm.body.size());
    }
    bytes += frm.body;
    feed(bytes);
    return true;
  }

  /// Writes what the session queued meanwhile (e.g. a PONG).
  bool flush() {
    auto out = take_output();
    return out.empty() || conn_.write(out) == outcome::ok;
  }

  connection conn_;
  zmtp::session sess_;
  std::string why_;
};

} // namespace hostile
