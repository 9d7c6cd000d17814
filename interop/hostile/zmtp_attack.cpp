// zmtp-attack: runs one hostile-peer attack against a ZMTP endpoint (ours or
// libzmq's) and prints one line of results. Used by interop/hostile/
// measure.sh and by the hostile.fd_limit suite (connections from another
// process). No CAF, no libzmq: raw TCP from small fixed buffers.

#include "hostile/attacks.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <sys/resource.h>
#include <thread>

namespace {

using namespace hostile;

struct params {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  uint64_t size = 0; // 0: the attack's default
  size_t connections = 0;
  std::chrono::milliseconds hold{1000};
  std::chrono::milliseconds stall{10000};
};

struct result {
  uint64_t sent = 0;
  outcome out = outcome::ok;
  bool closed = false; // the target closed the (last) connection
  std::string note;
  bool complete = true; // the attack did what it was asked (exit status 0)
};

uint64_t or_default(uint64_t x, uint64_t fallback) {
  return x != 0 ? x : fallback;
}

// Sends `head`, then `unit` repeated up to `total` bytes; with `watch`,
// waits up to `hold` for the target to close, else just holds the
// connection open for `hold` without reading (PONGs stay unread).
result stream(const params& p, const std::string& head, const std::string& unit,
              uint64_t total, bool watch) {
  result r;
  auto c = connection::open(p.host, p.port, p.stall);
  if (!c.valid()) {
    r.note = "connect failed";
    r.out = outcome::dropped;
    return r;
  }
  r.out = c.write(head);
  // After a full handshake, wait for the target's greeting and READY like
  // a real client: libzmq 4.3.4 intermittently closes a connection whose
  // first commands arrive together with its READY, which would end the
  // attack before it started.
  if (r.out == outcome::ok && head.size() > 64
      && !c.read_greeting_and_ready(2000ms))
    r.note = "no READY from the target";
  if (r.out == outcome::ok)
    r.out = c.repeat(unit, total);
  if (watch)
    r.closed = r.out == outcome::dropped || c.await_close(p.hold);
  else
    std::this_thread::sleep_for(p.hold);
  r.sent = c.sent();
  return r;
}

result empty_frames(const params& p) {
  return stream(p, handshake(), std::string{"\x01\x00", 2},
                or_default(p.size, 20 * mib), true);
}

result pings(const params& p) {
  return stream(p, handshake(), ping(), or_default(p.size, 60 * mib), false);
}

result big_ready(const params& p) {
  auto total = or_default(p.size, 64 * mib);
  auto body = 6 + 6 * ((total - 6) / 6);
  return stream(p, interop::greeting(1, false) + big_ready_head(body),
                tiny_property(), body - 6, true);
}

result unknown_commands(const params& p) {
  return stream(p, handshake(), command("XFOOBAR", std::string(16, 'u')),
                or_default(p.size, 60 * mib), false);
}

result ping_context(const params& p) {
  return stream(p, handshake(), ping(std::string(1000, 'c')),
                or_default(p.size, 60 * mib), false);
}

result garbage_after_greeting(const params& p) {
  return stream(p, interop::greeting(1, false),
                garbage(static_cast<size_t>(or_default(p.size, 64 * 1024))),
                or_default(p.size, 64 * 1024), true);
}

result huge_header(const params& p) {
  auto size = or_default(p.size, uint64_t{1} << 63);
  return stream(p, handshake() + long_header(0x00, size), {}, 0, true);
}

result idle(const params& p) {
  result r;
  auto n = p.connections != 0 ? p.connections : 1000;
  auto conns = open_idle(p.host, p.port, n);
  r.note =
      std::to_string(conns.size()) + " of " + std::to_string(n) + " connected";
  r.complete = conns.size() == n;
  std::this_thread::sleep_for(p.hold);
  size_t closed = 0;
  for (auto& c : conns)
    closed += c.closed_now() ? 1 : 0;
  r.note += ", " + std::to_string(closed) + " closed by the target";
  r.closed = !conns.empty() && closed == conns.size();
  return r;
}

result connect_close(const params& p) {
  result r;
  auto n = p.connections != 0 ? p.connections : 2000;
  auto ok = connect_close_flood(p.host, p.port, n);
  r.note = std::to_string(ok) + " of " + std::to_string(n) + " connected";
  r.complete = ok == n;
  return r;
}

// One byte of a greeting per second until the target closes or `hold`.
result slowloris(const params& p) {
  result r;
  auto c = connection::open(p.host, p.port);
  if (!c.valid()) {
    r.note = "connect failed";
    return r;
  }
  auto g = interop::greeting(1, false);
  auto t0 = clock_type::now();
  auto limit = std::max<std::chrono::milliseconds>(p.hold, 5000ms);
  for (size_t i = 0; i < g.size() && clock_type::now() - t0 < limit; ++i) {
    if (c.write(&g[i], 1) != outcome::ok || c.await_close(1000ms)) {
      r.closed = true;
      break;
    }
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                clock_type::now() - t0)
                .count();
  r.note = (r.closed ? "closed after " : "still open after ") +
           std::to_string(ms) + " ms";
  r.sent = c.sent();
  return r;
}

const std::map<std::string, std::function<result(const params&)>>& attacks() {
  static const std::map<std::string, std::function<result(const params&)>>
      table{
          {"empty-frames", empty_frames},
          {"pings", pings},
          {"big-ready", big_ready},
          {"idle", idle},
          {"slowloris", slowloris},
          {"garbage", garbage_after_greeting},
          {"connect-close", connect_close},
          {"huge-header", huge_header},
          {"unknown-commands", unknown_commands},
          {"ping-context", ping_context},
      };
  return table;
}

int usage(const char* why) {
  if (why != nullptr)
    std::fprintf(stderr, "zmtp-attack: %s\n", why);
  std::fprintf(
      stderr,
      "usage: zmtp-attack ATTACK --port P [--host IPV4] [--size "
      "BYTES]\n"
      "                   [--connections N] [--hold-ms MS] [--stall-ms MS]\n"
      "attacks:");
  for (auto& [name, fn] : attacks())
    std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr,
               "\nprints: attack=NAME sent=BYTES outcome=ok|dropped|stalled "
               "closed=yes|no seconds=S note=\"...\"\n"
               "exit status 1: idle or connect-close could not open every "
               "connection\n");
  return why != nullptr ? 2 : 0;
}

// The parent may have lowered RLIMIT_NOFILE (hostile.fd_limit): take all
// the hard limit allows.
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return usage("no attack given");
  std::string name = argv[1];
  if (name == "-h" || name == "--help")
    return usage(nullptr);
  auto i = attacks().find(name);
  if (i == attacks().end())
    return usage("unknown attack");
  params p;
  for (int k = 2; k < argc; ++k) {
    std::string opt = argv[k];
    if (k + 1 >= argc)
      return usage("option without a value");
    std::string val = argv[++k];
    if (opt == "--host")
      p.host = val;
    else if (opt == "--port")
      p.port = static_cast<uint16_t>(std::strtoul(val.c_str(), nullptr, 10));
    else if (opt == "--size")
      p.size = std::strtoull(val.c_str(), nullptr, 0);
    else if (opt == "--connections")
      p.connections = std::strtoul(val.c_str(), nullptr, 10);
    else if (opt == "--stall-ms")
      p.stall =
          std::chrono::milliseconds{std::strtol(val.c_str(), nullptr, 10)};
    else if (opt == "--hold-ms")
      p.hold = std::chrono::milliseconds{std::strtol(val.c_str(), nullptr, 10)};
    else
      return usage("unknown option");
  }
  if (p.port == 0)
    return usage("--port is required");
  raise_fd_limit();
  auto t0 = clock_type::now();
  auto r = i->second(p);
  auto secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("attack=%s sent=%llu outcome=%s closed=%s seconds=%.2f "
              "note=\"%s\"\n",
              name.c_str(), static_cast<unsigned long long>(r.sent),
              to_string(r.out), r.closed ? "yes" : "no", secs, r.note.c_str());
  // idle and connect-close fail (exit 1) unless every connection connected.
  return r.complete ? 0 : 1;
}
