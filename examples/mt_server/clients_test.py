"""CTest example_mt_server: runs build/bin/mt_server against real libzmq
clients (pyzmq REQ sockets over tcp) and checks that each client gets exactly
its own replies.

Usage: /usr/bin/python3 clients_test.py path/to/mt_server
Exit status: 0 all checks passed, 1 a check failed, 77 skipped (no pyzmq).

1. mt_server 0 4 (a free port, 4 workers) serves 8 concurrent REQ clients,
   25 requests each. Every reply must be "<that client's request> -> worker
   W": a reply meant for another client, or for another request, fails. The
   DEALER hands requests out round robin, so every worker must have served
   some. SIGTERM then stops the server: exit code 0, and the proxy counted
   every request and reply.
2. mt_server PORT 2: the port from the command line, one client.
Every wait is bounded; a server that does not stop is killed.
"""
import re
import signal
import socket
import subprocess
import sys
import threading

try:
    import zmq
except ImportError:
    print("SKIP: /usr/bin/python3 has no pyzmq (apt-get install python3-zmq)")
    sys.exit(77)

SERVER = sys.argv[1]
CLIENTS, REQUESTS, WORKERS = 8, 25, 4
failures = []


def check(ok, what):
    print(("ok   - " if ok else "FAIL - ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def start(*args):
    """Starts mt_server; returns (process, endpoint or None)."""
    proc = subprocess.Popen([SERVER, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    first = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()))
    reader.start()
    reader.join(10)
    line = first[0] if first else ""
    print("server: " + line.rstrip(), flush=True)
    found = re.search(r"ROUTER on (tcp://\S+),", line)
    return proc, found.group(1) if found else None


def stop(proc):
    """SIGTERM, then waits up to 10 s; returns (exit code, rest of output)."""
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        out += "\n(killed: did not stop within 10 s of SIGTERM)"
    for line in out.splitlines():
        print("server: " + line, flush=True)
    return proc.returncode, out


def client(ctx, ep, name, count, start_line, result):
    """A libzmq REQ: sends count requests one by one, checks each reply."""
    s = ctx.socket(zmq.REQ)
    s.setsockopt(zmq.RCVTIMEO, 5000)
    s.setsockopt(zmq.SNDTIMEO, 5000)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(ep)
    served_by = []
    try:
        if start_line:
            start_line.wait(10)  # all clients at once
        for i in range(count):
            request = "%s #%d" % (name, i)
            s.send_string(request)
            reply = s.recv_string()
            found = re.fullmatch(re.escape(request) + r" -> worker (\d+)", reply)
            if not found:
                result[name] = "request %r got the reply %r" % (request, reply)
                return
            served_by.append(int(found.group(1)))
        result[name] = served_by
    except zmq.Again:
        result[name] = "no reply within 5 s after %d replies" % len(served_by)
    except Exception as e:  # a failed client must not hang the test
        result[name] = "error after %d replies: %r" % (len(served_by), e)
    finally:
        s.close()


def part_one(ctx):
    proc, ep = start("0", str(WORKERS))  # 0: any free port
    if not check(ep is not None, "mt_server printed its tcp endpoint"):
        stop(proc)
        return
    result = {}
    start_line = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=client,
                                args=(ctx, ep, "client-%d" % k, REQUESTS,
                                      start_line, result))
               for k in range(1, CLIENTS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    per_worker = {}
    for k in range(1, CLIENTS + 1):
        name = "client-%d" % k
        got = result.get(name, "did not finish")
        if check(isinstance(got, list),
                 "%s got exactly its %d replies, in order%s"
                 % (name, REQUESTS, "" if isinstance(got, list) else ": " + got)):
            for w in got:
                per_worker[w] = per_worker.get(w, 0) + 1
    print("replies per worker: %s" % dict(sorted(per_worker.items())))
    check(sorted(per_worker) == list(range(1, WORKERS + 1)),
          "all %d workers served requests (round robin over inproc)" % WORKERS)
    rc, out = stop(proc)
    check(rc == 0, "mt_server exits 0 on SIGTERM (exit code %s)" % rc)
    total = CLIENTS * REQUESTS
    check("forwarded %d request(s) and %d reply(ies)" % (total, total) in out,
          "the proxy forwarded %d requests and %d replies" % (total, total))


def part_two(ctx):
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc, ep = start(str(port), "2")
    check(ep == "tcp://127.0.0.1:%d" % port,
          "mt_server PORT binds that port (%s)" % ep)
    if ep:
        result = {}
        client(ctx, ep, "solo", 3, None, result)
        check(isinstance(result["solo"], list),
              "a client of mt_server PORT 2 got its 3 replies (%s)"
              % result["solo"])
    rc, _ = stop(proc)
    check(rc == 0, "mt_server PORT 2 exits 0 on SIGTERM (exit code %s)" % rc)


ctx = zmq.Context()
part_one(ctx)
part_two(ctx)
ctx.term()
print("%d check(s) failed" % len(failures))
sys.exit(1 if failures else 0)
