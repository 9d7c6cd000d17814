#pragma once

// `mqcat proxy FRONTEND BACKEND [--capture SPEC]`: spawns the sockets, binds
// or connects each, runs a caf::monocoque proxy between them and stops it
// on SIGINT or SIGTERM (exit 0). The main thread waits in a scoped_actor
// for the signal thread's message or the proxy's down message (a socket
// failed: exit 1).

namespace mqcat {

/// Runs `mqcat proxy ...` (`argv[1]` is "proxy"); returns the exit code.
int proxy_main(int argc, char** argv);

} // namespace mqcat
