"""TCP clients for the limits_fd_limit suite, in a process of their own (so
that their fds do not count against the test's lowered RLIMIT_NOFILE).
Reads one command per line on stdin, answers one line on stdout:
  open PORT N   -> "opened K"  (K connections made, stops at the first error)
  close N       -> "closed K"  (closes the N oldest connections)
  probe PORT    -> "ok" if a new connection receives a ZMTP signature within
                   5 s, else "fail REASON" (the connection stays open)
  quit          -> exits, closing everything
"""
import socket
import sys

conns = []


def reply(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    cmd = line.split()
    if not cmd:
        continue
    if cmd[0] == "open":
        port, n = int(cmd[1]), int(cmd[2])
        made = 0
        for _ in range(n):
            try:
                conns.append(socket.create_connection(("127.0.0.1", port), 5))
                made += 1
            except OSError:
                break
        reply("opened %d" % made)
    elif cmd[0] == "close":
        n = min(int(cmd[1]), len(conns))
        for c in conns[:n]:
            c.close()
        del conns[:n]
        reply("closed %d" % n)
    elif cmd[0] == "probe":
        try:
            c = socket.create_connection(("127.0.0.1", int(cmd[1])), 5)
            conns.append(c)
            c.settimeout(5)
            got = b""
            while len(got) < 10:
                chunk = c.recv(10 - len(got))
                if not chunk:
                    break
                got += chunk
            if len(got) == 10 and got[0] == 0xFF and got[9] == 0x7F:
                reply("ok")
            else:
                reply("fail got %r" % got)
        except OSError as ex:
            reply("fail %s" % ex)
    elif cmd[0] == "quit":
        break
for c in conns:
    c.close()
