#!/usr/bin/python3
"""libzmq (pyzmq) helpers of measure.sh.

  zmq_peer.py echo TYPE ENDPOINT [--maxmsgsize N] [--handshake-ivl MS]
      binds a libzmq TYPE (dealer or router) socket and sends every message
      back: the libzmq counterpart of `mqcat TYPE --bind EP --echo`.
  zmq_peer.py canary ENDPOINT
      a well-behaved libzmq DEALER: sends a probe every 100 ms until
      SIGTERM, then prints `answered=N probes=M max_gap_ms=G`, G being the
      longest time without any echo (start and end included).
  zmq_peer.py free-port
      prints a loopback TCP port that was free a moment ago.
"""
import argparse
import signal
import socket
import sys
import time

import zmq


def echo(args):
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER if args.type == "dealer" else zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.SNDTIMEO, 2000)
    if args.maxmsgsize:
        sock.setsockopt(zmq.MAXMSGSIZE, args.maxmsgsize)
    if args.handshake_ivl:
        sock.setsockopt(zmq.HANDSHAKE_IVL, args.handshake_ivl)
    sock.bind(args.endpoint)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        msg = sock.recv_multipart()
        try:
            sock.send_multipart(msg)
        except zmq.Again:
            pass


def canary(args):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(args.endpoint)
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    probes = answered = 0
    start = last = time.monotonic()
    max_gap = 0.0
    next_probe = start
    while not stop:
        now = time.monotonic()
        if now >= next_probe:
            try:
                sock.send(b"canary-%d" % probes, zmq.DONTWAIT)
                probes += 1
            except zmq.Again:
                pass
            next_probe = now + 0.1
        try:
            ready = dict(poller.poll(50))
        except zmq.ZMQError:
            continue
        if sock in ready:
            while True:
                try:
                    sock.recv(zmq.DONTWAIT)
                except zmq.Again:
                    break
                now = time.monotonic()
                max_gap = max(max_gap, now - last)
                last = now
                answered += 1
    max_gap = max(max_gap, time.monotonic() - last)
    print("answered=%d probes=%d max_gap_ms=%d" %
          (answered, probes, int(max_gap * 1000)))
    sock.close()
    ctx.term()


def free_port(_args):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("echo")
    p.add_argument("type", choices=["dealer", "router"])
    p.add_argument("endpoint")
    p.add_argument("--maxmsgsize", type=int, default=0)
    p.add_argument("--handshake-ivl", type=int, default=0)
    p.set_defaults(fn=echo)
    p = sub.add_parser("canary")
    p.add_argument("endpoint")
    p.set_defaults(fn=canary)
    p = sub.add_parser("free-port")
    p.set_defaults(fn=free_port)
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
