// A JeroMQ 0.3.6 peer for the interop tests (and for hand experiments),
// driven by its command line. JeroMQ 0.3.6 (Debian's libjeromq-java) is a
// port of libzmq 3.2: it speaks ZMTP 2.0 (greeting revision 01, socket-type
// byte, identity frame, subscriptions as messages).
//
// Usage: JeromqPeer TYPE bind|connect ENDPOINT [OPTION|ACTION]...
//
//   TYPE       PAIR PUB SUB REQ REP DEALER ROUTER PULL PUSH XPUB XSUB
//   ENDPOINT   e.g. tcp://127.0.0.1:5555; with bind, a port of `*` binds a
//              free port (the endpoint printed on stdout tells which)
//
// Options (before the first action):
//   --identity=ID       socket identity (routing id) before bind/connect
//   --timeout-ms=N      the whole run ends with exit code 3 after N ms
//                       (default 20000); it also ends (exit code 4) soon
//                       after its parent process is gone
//   --linger-ms=N       linger at close (default 2000)
//   --skip=PREFIX       recv/recvn/echo drop messages whose first frame
//                       starts with PREFIX (warm-up traffic of PUB/SUB);
//                       may be given more than once
//
// Actions, run in order once the socket is bound or connecting:
//   sub:PREFIX          subscribe (SUB)
//   unsub:PREFIX        unsubscribe (SUB)
//   send:SPEC           send one message
//   recv:SPEC           receive one message, fail unless it matches SPEC
//   sendn:N:PREFIX      send N messages PREFIX0 ... PREFIX<N-1>
//   recvn:N:PREFIX      receive N messages, fail unless they are
//                       PREFIX0 ... PREFIX<N-1> in this order
//   echo:N              receive N messages, send each back unchanged
//                       (all frames, so a ROUTER answers the sender)
//   quiet:MS            fail if a message (not skipped) arrives within MS
//   sync:PREFIX         receive until a message whose first frame starts
//                       with PREFIX arrives (--skip does not apply), then
//                       print "SYNCED" on stdout
//   warm:SPEC           send SPEC every 20 ms until a line arrives on stdin
//                       (a PUB warming up a subscriber it cannot see)
//   wait                wait for a line on stdin
//   skipped             print "SKIPPED <n>": messages dropped so far by
//                       --skip (and the one that ended sync)
//   say:TEXT            print TEXT on stdout
//   sleep:MS            sleep MS milliseconds
//
// SPEC: frames separated by '|'. A frame is literal text, `~N` (N bytes of
// a pattern: byte k is 'a' + k % 26), `\x` + hex digits (bytes given in
// hex, `\x` alone is an empty frame), or, in recv, `*` (any content). An
// empty frame is just empty text, e.g. "a||b" has an empty middle frame.
//
// stdout: "READY <endpoint>" once bound or connecting, "DONE" at success.
// stderr: one line per step (prefix "jeromq-peer:"), failures start with
// "FAIL". Exit codes: 0 success, 1 check failed, 2 usage, 3 timeout,
// 4 parent gone.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.zeromq.ZMQ;

public final class JeromqPeer {
  private static final int EXIT_FAIL = 1;
  private static final int EXIT_USAGE = 2;
  private static final int EXIT_TIMEOUT = 3;
  private static final int EXIT_ORPHAN = 4;

  private final ZMQ.Socket sock;
  private final long deadline;
  private final List<byte[]> skip;
  private long skippedCount = 0;
  private final BufferedReader stdin =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private JeromqPeer(ZMQ.Socket sock, long deadline, List<byte[]> skip) {
    this.sock = sock;
    this.deadline = deadline;
    this.skip = skip;
  }

  // -- entry point ------------------------------------------------------------

  public static void main(String[] args) {
    if (args.length < 3)
      usage("need TYPE bind|connect ENDPOINT");
    int type = socketType(args[0]);
    boolean bind = args[1].equals("bind");
    if (!bind && !args[1].equals("connect"))
      usage("second argument must be bind or connect, not " + args[1]);
    String endpoint = args[2];
    String identity = null;
    long timeoutMs = 20000;
    long lingerMs = 2000;
    List<byte[]> skip = new ArrayList<>();
    int first = 3;
    for (; first < args.length && args[first].startsWith("--"); ++first) {
      String a = args[first];
      if (a.startsWith("--identity="))
        identity = a.substring(11);
      else if (a.startsWith("--timeout-ms="))
        timeoutMs = parseLong(a.substring(13));
      else if (a.startsWith("--linger-ms="))
        lingerMs = parseLong(a.substring(12));
      else if (a.startsWith("--skip="))
        skip.add(a.substring(7).getBytes(StandardCharsets.UTF_8));
      else
        usage("unknown option " + a);
    }
    final long limit = timeoutMs;
    final long parent = ProcessHandle.current().parent()
                                     .map(ProcessHandle::pid).orElse(-1L);
    Thread watchdog = new Thread(() -> {
      // Ends the run at the deadline, or early when the test that started
      // us is gone (e.g. aborted): we are reparented then.
      long end = System.currentTimeMillis() + limit;
      try {
        while (System.currentTimeMillis() < end) {
          Thread.sleep(Math.min(100, Math.max(1, end - System.currentTimeMillis())));
          long now = ProcessHandle.current().parent()
                                  .map(ProcessHandle::pid).orElse(-1L);
          if (now != parent) {
            System.err.println("jeromq-peer: FAIL parent process gone");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_ORPHAN);
          }
        }
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("jeromq-peer: FAIL timeout after " + limit + " ms");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_TIMEOUT);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    long deadline = System.currentTimeMillis() + timeoutMs;
    ZMQ.Context ctx = ZMQ.context(1);
    ZMQ.Socket sock = ctx.socket(type);
    sock.setLinger(lingerMs);
    if (identity != null)
      sock.setIdentity(identity.getBytes(StandardCharsets.UTF_8));
    if (bind) {
      if (endpoint.endsWith(":*")) {
        String host = endpoint.substring(0, endpoint.length() - 2);
        int port = sock.bindToRandomPort(host);
        endpoint = host + ":" + port;
      } else {
        sock.bind(endpoint);
      }
    } else {
      sock.connect(endpoint);
    }
    System.out.println("READY " + endpoint);
    System.out.flush();
    log(args[0] + " " + args[1] + " " + endpoint
        + (identity != null ? " identity=" + identity : ""));
    JeromqPeer peer = new JeromqPeer(sock, deadline, skip);
    int rc = 0;
    try {
      for (int i = first; i < args.length; ++i)
        peer.run(args[i]);
    } catch (CheckFailed e) {
      System.err.println("jeromq-peer: FAIL " + e.getMessage());
      rc = EXIT_FAIL;
    }
    sock.close();
    ctx.term();
    if (rc == 0) {
      System.out.println("DONE");
      System.out.flush();
    }
    System.err.flush();
    Runtime.getRuntime().halt(rc);
  }

  // -- actions ----------------------------------------------------------------

  private static final class CheckFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailed(String what) {
      super(what);
    }
  }

  private void run(String action) throws CheckFailed {
    int colon = action.indexOf(':');
    String verb = colon < 0 ? action : action.substring(0, colon);
    String arg = colon < 0 ? "" : action.substring(colon + 1);
    switch (verb) {
      case "sub":
        sock.subscribe(arg.getBytes(StandardCharsets.UTF_8));
        log("subscribed " + quote(arg));
        break;
      case "unsub":
        sock.unsubscribe(arg.getBytes(StandardCharsets.UTF_8));
        log("unsubscribed " + quote(arg));
        break;
      case "send":
        send(parseSpec(arg, false), action);
        break;
      case "recv":
        expect(parseSpec(arg, true), action);
        break;
      case "sendn": {
        int sep = arg.indexOf(':');
        int n = (int) parseLong(sep < 0 ? arg : arg.substring(0, sep));
        String prefix = sep < 0 ? "" : arg.substring(sep + 1);
        for (int i = 0; i < n; ++i)
          send(List.of(bytes(prefix + i)), "sendn #" + i);
        log("sent " + n + " x " + quote(prefix) + "<i>");
        break;
      }
      case "recvn": {
        int sep = arg.indexOf(':');
        int n = (int) parseLong(sep < 0 ? arg : arg.substring(0, sep));
        String prefix = sep < 0 ? "" : arg.substring(sep + 1);
        for (int i = 0; i < n; ++i)
          expect(List.of(bytes(prefix + i)), "recvn #" + i);
        log("received " + n + " x " + quote(prefix) + "<i>");
        break;
      }
      case "echo": {
        int n = (int) parseLong(arg);
        for (int i = 0; i < n; ++i) {
          List<byte[]> msg = receive("echo #" + i);
          send(msg, "echo #" + i);
        }
        log("echoed " + n);
        break;
      }
      case "quiet": {
        long until = Math.min(System.currentTimeMillis() + parseLong(arg), deadline);
        for (;;) {
          long left = until - System.currentTimeMillis();
          if (left <= 0)
            break;
          sock.setReceiveTimeOut((int) left);
          List<byte[]> msg = receivePlain();
          if (msg == null)
            break;
          if (!skipped(msg))
            throw new CheckFailed("quiet:" + arg + " got " + show(msg));
        }
        log("quiet for " + arg + " ms");
        break;
      }
      case "sync": {
        byte[] prefix = bytes(arg);
        int dropped = 0;
        for (;;) {
          sock.setReceiveTimeOut(remaining());
          List<byte[]> msg = receivePlain();
          if (msg == null)
            throw new CheckFailed(action + ": nothing received before the deadline");
          if (startsWith(msg, prefix)) {
            skipped(msg); // counts it if --skip covers it
            break;
          }
          if (skipped(msg))
            continue;
          ++dropped;
        }
        System.out.println("SYNCED");
        System.out.flush();
        log("synced on " + quote(arg) + " after dropping " + dropped + " other messages");
        break;
      }
      case "warm": {
        List<byte[]> msg = parseSpec(arg, false);
        int n = 0;
        try {
          while (!stdin.ready()) {
            send(msg, "warm");
            ++n;
            Thread.sleep(20);
          }
          stdin.readLine();
        } catch (IOException | InterruptedException e) {
          throw new CheckFailed("warm: " + e);
        }
        log("warmed with " + n + " x " + show(msg));
        break;
      }
      case "wait":
        try {
          if (stdin.readLine() == null)
            throw new CheckFailed("wait: stdin closed");
        } catch (IOException e) {
          throw new CheckFailed("wait: " + e);
        }
        log("got the go");
        break;
      case "skipped":
        System.out.println("SKIPPED " + skippedCount);
        System.out.flush();
        break;
      case "say":
        System.out.println(arg);
        System.out.flush();
        break;
      case "sleep":
        try {
          Thread.sleep(parseLong(arg));
        } catch (InterruptedException e) {
          throw new CheckFailed("sleep interrupted");
        }
        break;
      default:
        usage("unknown action " + action);
    }
  }

  private void send(List<byte[]> msg, String what) throws CheckFailed {
    for (int i = 0; i < msg.size(); ++i) {
      int left = remaining();
      sock.setSendTimeOut(left);
      int flags = i + 1 < msg.size() ? ZMQ.SNDMORE : 0;
      if (!sock.send(msg.get(i), flags))
        throw new CheckFailed(what + ": send of frame " + i + " failed (errno "
                              + sock.base().errno() + ")");
    }
    if (!what.startsWith("sendn") && !what.equals("warm"))
      log("sent " + show(msg) + " (" + what + ")");
  }

  /// Receives one message not matching --skip, or fails at the deadline.
  private List<byte[]> receive(String what) throws CheckFailed {
    for (;;) {
      sock.setReceiveTimeOut(remaining());
      List<byte[]> msg = receivePlain();
      if (msg == null)
        throw new CheckFailed(what + ": nothing received before the deadline");
      if (!skipped(msg))
        return msg;
    }
  }

  private List<byte[]> receivePlain() {
    List<byte[]> msg = new ArrayList<>();
    do {
      byte[] part = sock.recv(0);
      if (part == null)
        return msg.isEmpty() ? null : msg;
      msg.add(part);
    } while (sock.hasReceiveMore());
    return msg;
  }

  /// Whether --skip drops `msg` (counted in skippedCount).
  private boolean skipped(List<byte[]> msg) {
    for (byte[] prefix : skip)
      if (startsWith(msg, prefix)) {
        ++skippedCount;
        return true;
      }
    return false;
  }

  private static boolean startsWith(List<byte[]> msg, byte[] prefix) {
    if (prefix == null || msg.isEmpty() || msg.get(0).length < prefix.length)
      return false;
    return Arrays.equals(Arrays.copyOf(msg.get(0), prefix.length), prefix);
  }

  private void expect(List<byte[]> want, String what) throws CheckFailed {
    List<byte[]> got = receive(what);
    boolean ok = got.size() == want.size();
    for (int i = 0; ok && i < want.size(); ++i)
      ok = want.get(i) == null || Arrays.equals(want.get(i), got.get(i));
    if (!ok)
      throw new CheckFailed(what + ": got " + show(got));
    log("received " + show(got) + " (" + shorten(what) + ")");
  }

  private int remaining() throws CheckFailed {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0)
      throw new CheckFailed("deadline passed");
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  // -- message specs ----------------------------------------------------------

  /// Parses SPEC; a null frame stands for `*` (any content).
  static List<byte[]> parseSpec(String spec, boolean wildcards) {
    List<byte[]> result = new ArrayList<>();
    for (String part : spec.split("\\|", -1)) {
      if (wildcards && part.equals("*"))
        result.add(null);
      else if (part.startsWith("~"))
        result.add(pattern((int) parseLong(part.substring(1))));
      else if (part.startsWith("\\x"))
        result.add(hex(part.substring(2)));
      else
        result.add(bytes(part));
    }
    return result;
  }

  static byte[] pattern(int n) {
    byte[] result = new byte[n];
    for (int k = 0; k < n; ++k)
      result[k] = (byte) ('a' + k % 26);
    return result;
  }

  static byte[] hex(String digits) {
    if (digits.length() % 2 != 0)
      usage("odd number of hex digits in \\x" + digits);
    byte[] result = new byte[digits.length() / 2];
    for (int i = 0; i < result.length; ++i)
      result[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    return result;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // -- helpers ----------------------------------------------------------------

  static int socketType(String name) {
    switch (name) {
      case "PAIR": return ZMQ.PAIR;
      case "PUB": return ZMQ.PUB;
      case "SUB": return ZMQ.SUB;
      case "REQ": return ZMQ.REQ;
      case "REP": return ZMQ.REP;
      case "DEALER": return ZMQ.DEALER;
      case "ROUTER": return ZMQ.ROUTER;
      case "PULL": return ZMQ.PULL;
      case "PUSH": return ZMQ.PUSH;
      case "XPUB": return ZMQ.XPUB;
      case "XSUB": return ZMQ.XSUB;
      default:
        usage("unknown socket type " + name);
        return -1;
    }
  }

  static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      usage("not a number: " + text);
      return -1;
    }
  }

  /// Renders a message: printable frames as text, others as hex, long
  /// frames by their size and first bytes.
  static String show(List<byte[]> msg) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < msg.size(); ++i) {
      if (i > 0)
        out.append(", ");
      byte[] f = msg.get(i);
      if (f == null) {
        out.append('*');
        continue;
      }
      boolean printable = true;
      for (byte b : f)
        printable &= b >= 0x20 && b < 0x7f;
      if (f.length > 40) {
        out.append(f.length).append(" bytes ");
        out.append(quote(new String(f, 0, 16, StandardCharsets.ISO_8859_1)));
        out.append("...");
      } else if (printable) {
        out.append(quote(new String(f, StandardCharsets.US_ASCII)));
      } else {
        out.append("0x");
        for (byte b : f)
          out.append(String.format("%02x", b & 0xff));
      }
    }
    return out.append(']').toString();
  }

  static String quote(String text) {
    return '"' + text + '"';
  }

  static String shorten(String text) {
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  static void log(String line) {
    System.err.println("jeromq-peer: " + line);
  }

  static void usage(String why) {
    System.err.println("jeromq-peer: usage error: " + why);
    System.err.println("usage: JeromqPeer TYPE bind|connect ENDPOINT "
                       + "[--identity=ID] [--timeout-ms=N] [--linger-ms=N] "
                       + "[--skip=PREFIX] [ACTION]...");
    System.err.flush();
    Runtime.getRuntime().halt(EXIT_USAGE);
  }
}
