#!/usr/bin/python3
"""Captures the ZMTP greeting bytes of a JeroMQ 0.3.6 peer (JeromqPeer).

A hand experiment, not a test: a raw TCP side (this script) faces a
JeromqPeer, sends scripted bytes step by step and logs, after each step,
what JeroMQ sent back and whether it closed the connection. With `proxy`
the raw side is a logging TCP relay between JeroMQ and a libzmq (pyzmq)
socket instead, which shows what libzmq 4.3.4 and JeroMQ say to each other.

usage:
  zmtp_capture.py raw SCRIPT JAVA_ROLE TYPE [JAVA_ARG...]
  zmtp_capture.py proxy ZMQ_TYPE [--zmq-identity=ID] [--zmq-sub=P]
                  [--zmq-send=a|b] [--zmq-recv=N] JAVA_ROLE TYPE [JAVA_ARG...]
  zmtp_capture.py relay LISTEN_PORT TARGET_PORT [SECONDS]
      a logging relay between any two peers (e.g. one of our sockets and a
      JeromqPeer): connect the client to LISTEN_PORT, the relay connects
      to TARGET_PORT on 127.0.0.1 for each connection; logs every chunk

JAVA_ROLE is bind or connect (the JeroMQ side); SCRIPT is one of the keys
of SCRIPTS. Needs JEROMQ_CP (default: /usr/share/java/jeromq.jar plus the
directory holding JeromqPeer.class, /tmp/jq).
"""

import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

JEROMQ_CP = os.environ.get("JEROMQ_CP", "/usr/share/java/jeromq.jar:/tmp/jq")

SIG = bytes([0xFF]) + bytes(7) + bytes([0x01, 0x7F])


def frame(body, more=False):
    """A ZMTP 2.0/3.x message frame (short or long)."""
    flags = 0x01 if more else 0x00
    if len(body) > 255:
        return bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def command(name, body):
    data = bytes([len(name)]) + name + body
    if len(data) > 255:
        return bytes([0x06]) + struct.pack(">Q", len(data)) + data
    return bytes([0x04, len(data)]) + data


def prop(name, value):
    return bytes([len(name)]) + name + struct.pack(">I", len(value)) + value


def greeting30_rest(minor=1, as_server=0):
    return (bytes([minor]) + b"NULL" + bytes(16) + bytes([as_server])
            + bytes(31))


def ready(socket_type, identity=None):
    body = prop(b"Socket-Type", socket_type)
    if identity is not None:
        body += prop(b"Identity", identity)
    return command(b"READY", body)


TYPE_NUM = {"PAIR": 0, "PUB": 1, "SUB": 2, "REQ": 3, "REP": 4, "DEALER": 5,
            "ROUTER": 6, "PULL": 7, "PUSH": 8, "XPUB": 9, "XSUB": 10}

# Each script: list of (label, bytes to send or None, ms to wait after).
# Our side plays a DEALER (type 5) unless the script says otherwise.
SCRIPTS = {
    "silent": [("send nothing", None, 1500)],
    "sig10": [("10-byte signature", SIG, 800)],
    # What libzmq 4 / our session do: 11 bytes, then wait for the peer's
    # major before sending the rest; then the ZMTP 2.0 rest.
    "v3-then-v2-dealer": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type DEALER + empty identity frame",
         bytes([5]) + frame(b""), 800),
        ("message [hello] [~300 bytes, LONG] []",
         frame(b"hello", True) + frame(b"x" * 300, True) + frame(b""), 1500),
    ],
    "v3-then-v2-dealer-id": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type DEALER + identity frame 'raw-id'",
         bytes([5]) + frame(b"raw-id"), 800),
        ("message [hello]", frame(b"hello"), 1500),
    ],
    "v3-then-v2-pub": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type PUB + empty identity frame",
         bytes([1]) + frame(b""), 1000),
        ("messages [A-1] [B-2] [A-3]",
         frame(b"A-1") + frame(b"B-2") + frame(b"A-3"), 1500),
    ],
    "v3-then-v2-sub": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type SUB + empty identity frame",
         bytes([2]) + frame(b""), 800),
        ("subscription message 01 'A'", frame(b"\x01A"), 1500),
    ],
    "v3-then-v2-req": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type REQ + empty identity frame",
         bytes([3]) + frame(b""), 800),
        ("request [] [hello]", frame(b"", True) + frame(b"hello"), 1500),
    ],
    "v3-then-v2-rep": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type REP + empty identity frame",
         bytes([4]) + frame(b""), 1500),
        ("reply [] [world]", frame(b"", True) + frame(b"world"), 1500),
    ],
    "v3-then-v2-wrongtype": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type SUB (01, what a 3.x minor 01 would read as)"
         " + empty identity frame", bytes([2]) + frame(b""), 800),
        ("message [hello]", frame(b"hello"), 1500),
    ],
    "v3-then-v2-bad-flags": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("2.0 rest: socket type DEALER + identity frame with flags 0x4e",
         bytes([5]) + bytes([0x4e, 0x00]), 1500),
    ],
    "v3-then-v3-dealer": [
        ("signature + major 03 (11 bytes)", SIG + b"\x03", 800),
        ("3.x rest: minor 01, NULL, as-server 0, filler (53 bytes)",
         greeting30_rest(), 800),
        ("READY Socket-Type=DEALER", ready(b"DEALER"), 1500),
        ("message [hello]", frame(b"hello"), 1500),
    ],
    "v3-full64-dealer": [
        ("whole 3.1 greeting at once (64 bytes)",
         SIG + b"\x03" + greeting30_rest(), 1500),
    ],
    "v2-dealer": [
        ("whole 2.0 greeting at once: sig, revision 01, DEALER, identity",
         SIG + bytes([1, 5]) + frame(b""), 800),
        ("message [hello]", frame(b"hello"), 1500),
    ],
    "v1-dealer": [
        ("ZMTP 1.0 identity frame (length 1, flags 0)", bytes([1, 0]), 1000),
        ("1.0 message [hello]", bytes([6, 0]) + b"hello", 1500),
    ],
}


def hexdump(data, indent="    "):
    lines = []
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        hexs = " ".join("%02x" % b for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append("%s%04x  %-47s  %s" % (indent, i, hexs, text))
    return "\n".join(lines)


class Recorder:
    """Reads a socket in a thread; keeps what arrived and when it closed."""

    def __init__(self, sock, t0):
        self.sock = sock
        self.t0 = t0
        self.lock = threading.Lock()
        self.chunks = []
        self.closed_at = None
        self.taken = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                data = b""
                with self.lock:
                    self.chunks.append((time.time() - self.t0, b"", str(e)))
            with self.lock:
                if not data:
                    self.closed_at = time.time() - self.t0
                    return
                self.chunks.append((time.time() - self.t0, data, None))

    def take(self):
        with self.lock:
            new = self.chunks[self.taken:]
            self.taken = len(self.chunks)
            return new, self.closed_at


def start_java(role, jtype, endpoint, extra):
    cmd = ["java", "-cp", JEROMQ_CP, "JeromqPeer", jtype, role, endpoint,
           "--timeout-ms=8000", "--linger-ms=200"] + extra
    print("# java: " + " ".join(cmd[3:]))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def raw(script, role, jtype, extra):
    steps = SCRIPTS[script]
    if role == "bind":
        java = start_java("bind", jtype, "tcp://127.0.0.1:*", extra)
        ep = java.stdout.readline().split()[1]
        port = int(ep.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port))
        print("# we connected to JeroMQ %s (JeroMQ is the server)" % ep)
    else:
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        port = lst.getsockname()[1]
        java = start_java("connect", jtype, "tcp://127.0.0.1:%d" % port, extra)
        java.stdout.readline()
        lst.settimeout(8)
        sock, _ = lst.accept()
        lst.close()
        print("# JeroMQ connected to us (JeroMQ is the client)")
    t0 = time.time()
    rec = Recorder(sock, t0)
    time.sleep(0.4)
    report(rec, "before we send anything (0.4 s)")
    for label, data, wait in steps:
        if data is not None:
            try:
                sock.sendall(data)
                print("## t=%.3f we send %d bytes: %s" % (time.time() - t0,
                                                          len(data), label))
                print(hexdump(data))
            except OSError as e:
                print("## we cannot send (%s): %s" % (label, e))
        else:
            print("## %s" % label)
        time.sleep(wait / 1000.0)
        report(rec, "after '%s' (%d ms)" % (label, wait))
    sock.close()
    finish(java)


def report(rec, when):
    new, closed = rec.take()
    total = b"".join(c[1] for c in new)
    if total:
        print("   JeroMQ sent %d bytes %s:" % (len(total), when))
        for t, data, err in new:
            if data:
                print("   t=%.3f" % t)
                print(hexdump(data, "      "))
    else:
        print("   JeroMQ sent nothing %s" % when)
    for t, data, err in new:
        if err:
            print("   error at t=%.3f: %s" % (t, err))
    if closed is not None:
        print("   JeroMQ CLOSED the connection at t=%.3f" % closed)


def finish(java):
    try:
        out, err = java.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        java.kill()
        out, err = java.communicate()
    print("# java exit %d; stdout: %s" % (java.returncode,
                                          out.strip().replace("\n", " | ")))
    for line in err.strip().splitlines():
        print("#   " + line)


def relay(a, b, name, log, t0):
    while True:
        try:
            data = a.recv(65536)
        except OSError:
            data = b""
        if not data:
            log.append((time.time() - t0, name, None))
            try:
                b.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return
        log.append((time.time() - t0, name, data))
        try:
            b.sendall(data)
        except OSError:
            return


def proxy(args):
    import zmq
    ztype = args[0]
    zid = zsub = zsend = None
    zrecv = 0
    i = 1
    while args[i].startswith("--"):
        k, v = args[i][2:].split("=", 1)
        if k == "zmq-identity":
            zid = v.encode()
        elif k == "zmq-sub":
            zsub = v.encode()
        elif k == "zmq-send":
            zsend = [p.encode() for p in v.split("|")]
        elif k == "zmq-recv":
            zrecv = int(v)
        i += 1
    role, jtype, extra = args[i], args[i + 1], args[i + 2:]
    ctx = zmq.Context()
    zs = ctx.socket(getattr(zmq, ztype))
    zs.setsockopt(zmq.LINGER, 200)
    zs.setsockopt(zmq.RCVTIMEO, 4000)
    if zid is not None:
        zs.setsockopt(zmq.IDENTITY, zid)
    if zsub is not None:
        zs.setsockopt(zmq.SUBSCRIBE, zsub)
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    lport = lst.getsockname()[1]
    if role == "bind":
        java = start_java("bind", jtype, "tcp://127.0.0.1:*", extra)
        jep = java.stdout.readline().split()[1]
        upstream_port = int(jep.rsplit(":", 1)[1])
        zs.connect("tcp://127.0.0.1:%d" % lport)
        print("# libzmq %s connects via the relay to JeroMQ %s" % (ztype, jep))
        names = ("libzmq->JeroMQ", "JeroMQ->libzmq")
    else:
        zport = zs.bind_to_random_port("tcp://127.0.0.1")
        upstream_port = zport
        java = start_java("connect", jtype, "tcp://127.0.0.1:%d" % lport,
                          extra)
        java.stdout.readline()
        print("# JeroMQ %s connects via the relay to libzmq %s" % (jtype, ztype))
        names = ("JeroMQ->libzmq", "libzmq->JeroMQ")
    lst.settimeout(8)
    down, _ = lst.accept()
    up = socket.create_connection(("127.0.0.1", upstream_port))
    t0 = time.time()
    log = []
    for a, b, n in ((down, up, names[0]), (up, down, names[1])):
        threading.Thread(target=relay, args=(a, b, n, log, t0),
                         daemon=True).start()
    if zsend:
        time.sleep(0.3)
        zs.send_multipart(zsend)
    got = []
    for _ in range(zrecv):
        try:
            got.append(zs.recv_multipart())
        except zmq.Again:
            got.append("timeout")
    time.sleep(1.0)
    for t, name, data in log:
        if data is None:
            print("## t=%.3f %s: EOF" % (t, name))
        else:
            print("## t=%.3f %s %d bytes" % (t, name, len(data)))
            print(hexdump(data))
    print("# libzmq received: %r" % (got,))
    zs.close()
    ctx.term()
    down.close()
    up.close()
    finish(java)


def relay_only(listen_port, target_port, seconds):
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", listen_port))
    lst.listen(16)
    lst.settimeout(0.2)
    t0 = time.time()
    log = []
    n = 0
    while time.time() - t0 < seconds:
        try:
            down, _ = lst.accept()
        except socket.timeout:
            continue
        n += 1
        try:
            up = socket.create_connection(("127.0.0.1", target_port))
        except OSError as e:
            print("## connection %d: cannot reach %d: %s" % (n, target_port, e))
            down.close()
            continue
        for a, b, name in ((down, up, "#%d client->server" % n),
                           (up, down, "#%d server->client" % n)):
            threading.Thread(target=relay, args=(a, b, name, log, t0),
                             daemon=True).start()
    for t, name, data in sorted(log, key=lambda x: x[0]):
        if data is None:
            print("## t=%.3f %s: EOF" % (t, name))
        else:
            print("## t=%.3f %s %d bytes" % (t, name, len(data)))
            print(hexdump(data[:512]))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("raw", "proxy", "relay"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "raw":
        raw(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif sys.argv[1] == "relay":
        relay_only(int(sys.argv[2]), int(sys.argv[3]),
                   float(sys.argv[4]) if len(sys.argv) > 4 else 10.0)
    else:
        proxy(sys.argv[2:])


if __name__ == "__main__":
    main()
