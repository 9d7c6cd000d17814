#!/usr/bin/python3
"""Writes the hand-made seed corpora of the fuzz targets.

    /usr/bin/python3 tests/fuzz/make_seeds.py

Rewrites tests/fuzz/corpus/decoder/seed-* and tests/fuzz/corpus/session/seed-*
(other files there, e.g. entries found by fuzzing, are left alone). The
leading configuration bytes are explained at the top of fuzz_decoder.cpp and
fuzz_session.cpp.
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent

# -- ZMTP building blocks ------------------------------------------------------

MORE, LONG, COMMAND = 0x01, 0x02, 0x04


def frame(body, flags=0, long=None):
    if long is None:
        long = len(body) > 255
    if long:
        return bytes([flags | LONG]) + struct.pack(">Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def command(name, data=b""):
    return frame(bytes([len(name)]) + name + data, COMMAND)


def message(*parts):
    out = b""
    for i, part in enumerate(parts):
        out += frame(part, MORE if i + 1 < len(parts) else 0)
    return out


def props(**kv):
    out = b""
    for name, value in kv.items():
        name = name.replace("_", "-").encode()
        value = value.encode() if isinstance(value, str) else value
        out += bytes([len(name)]) + name + struct.pack(">I", len(value)) + value
    return out


def ready(socket_type, identity=None, **extra):
    kv = {"Socket_Type": socket_type}
    if identity is not None:
        kv["Identity"] = identity
    kv.update(extra)
    return command(b"READY", props(**kv))


def greeting(major=3, minor=1, mechanism=b"NULL", as_server=0):
    return (b"\xff" + b"\x00" * 8 + b"\x7f" + bytes([major, minor])
            + mechanism.ljust(20, b"\x00") + bytes([as_server]) + b"\x00" * 31)


def greeting_v2(socket_type, identity=b"", revision=1):
    """ZMTP 2.0 (RFC 15): signature, revision, socket type, identity frame."""
    return (b"\xff" + b"\x00" * 8 + b"\x7f" + bytes([revision, socket_type])
            + frame(identity))


def ping(ttl=0, context=b""):
    return command(b"PING", struct.pack(">H", ttl) + context)


def error(reason):
    return command(b"ERROR", bytes([len(reason)]) + reason)


# -- decoder seeds: [config][seed][stream] -------------------------------------
# config bits 0-2 limit: 0=1MiB 1=0 2=1 3=254 4=255 5=256 6=65535
# config bits 3-5 chunk: 0=1 1=2 2=7 3=64 4=255 5=4096 6=65536 7=whole
# config bit 6: ZMTP 2.0 framing (the COMMAND bit is reserved)


def dcfg(limit=0, chunk=2, v2=False):
    return bytes([limit | chunk << 3 | v2 << 6])


DECODER = {
    "short": dcfg() + b"\x01" + frame(b"hello"),
    "multipart": dcfg(chunk=1) + b"\x02" + message(b"", b"id", b"payload"),
    "long-300": dcfg(chunk=3) + b"\x03" + frame(bytes(range(256)) + b"x" * 44),
    "long-size-small-body": dcfg() + b"\x04" + frame(b"abc", long=True),
    "empty-frames": dcfg(chunk=0) + b"\x05" + frame(b"") + frame(b"", long=True)
    + frame(b"", MORE) + frame(b""),
    "ready": dcfg(chunk=7) + b"\x06"
    + ready("DEALER", "", X_App="fuzz"),
    "ping-pong": dcfg(chunk=1) + b"\x07" + ping(100, b"ctx")
    + command(b"PONG", b"ctx"),
    "subscribe": dcfg(chunk=2) + b"\x08" + command(b"SUBSCRIBE", b"topic")
    + command(b"CANCEL", b"topic"),
    "reserved-flags": dcfg() + b"\x09" + frame(b"ok") + b"\x08\x01x",
    "size-top-bit": dcfg() + b"\x0a" + b"\x02\x80" + b"\x00" * 7 + b"x",
    "over-limit-255": dcfg(limit=4, chunk=7) + b"\x0b" + frame(b"y" * 255)
    + frame(b"z" * 256),
    "limit-0": dcfg(limit=1, chunk=0) + b"\x0c" + frame(b"") + frame(b"a"),
    "limit-256-long": dcfg(limit=5, chunk=3) + b"\x0d"
    + frame(b"q" * 256, long=True),
    "truncated-header": dcfg(chunk=0) + b"\x0e" + frame(b"ab") + b"\x02\x00\x00",
    "truncated-body": dcfg(chunk=1) + b"\x0f" + b"\x00\x10" + b"0123456789",
    "many-tiny": dcfg(chunk=0) + b"\x10" + b"".join(
        frame(bytes([i]), MORE if i % 5 else 0) for i in range(40)),
    "assembled-1000": dcfg(chunk=3) + b"\x11" + frame(b"k" * 1000, MORE)
    + frame(b"tail"),
    "mixed-whole": dcfg(chunk=7) + b"\x12" + command(b"READY", b"")
    + message(b"a", b"bb") + ping() + frame(b"c" * 300),
    "command-empty-name": dcfg() + b"\x13" + frame(b"\x00", COMMAND)
    + frame(b"\x05AB", COMMAND),
    "zmtp20-frames": dcfg(chunk=2, v2=True) + b"\x14" + frame(b"id")
    + message(b"a", b"", b"c" * 300),
    "zmtp20-command-bit": dcfg(chunk=7, v2=True) + b"\x15" + frame(b"ok")
    + ping(),
}

# -- session seeds: [b0][seed][b2][b3][peer bytes] -----------------------------
# b0: bits 0-3 type (0 PAIR 1 PUB 2 SUB 3 REQ 4 REP 5 DEALER 6 ROUTER 7 PULL
#     8 PUSH 9 XPUB 10 XSUB; 11-15: PAIR..REP speaking PLAIN, b2 bit 3 then
#     makes us the PLAIN server), bit 4 our minor 1, bit 5 valid prefix,
#     bit 6 owned chunks, bit 7 prefix peer minor 1
# seed: bit 7 the valid prefix is a ZMTP 2.0 peer's, bit 6 we announce
#     revision 1 (act as ZMTP 2.0; the prefix is then a 2.0 one too)
# b2: bits 0-1 max msg (1MiB, 4096, 255, 1), bit 2 identities, bit 3 alt peer,
#     bits 4-5 handshake timeout (0, 100ms, 1s, 30s), bits 6-7 copy threshold
# b3: bits 0-1 interval (0, 1ms, 10ms, 1s), bits 2-3 ttl (0, 100ms, 1s,
#     7000s), bits 4-5 timeout (-1, 0, 5ms, 1s), bits 6-7 chunk (1,16,300,64K)
TYPES = dict(PAIR=0, PUB=1, SUB=2, REQ=3, REP=4, DEALER=5, ROUTER=6, PULL=7,
             PUSH=8, XPUB=9, XSUB=10)


PLAIN_HELLO = b"\x09fuzz-user\x09fuzz-pass"


def scfg(type, minor=1, prefix=False, owned=False, peer_minor=1, seed=1,
         b2=0x00, b3=0x80, plain=False):
    nibble = TYPES[type] + (11 if plain else 0)
    assert nibble < 16, "PLAIN seeds use PAIR, PUB, SUB, REQ or REP"
    b0 = nibble | minor << 4 | prefix << 5 | owned << 6 | peer_minor << 7
    return bytes([b0, seed, b2, b3])


SESSION = {
    # Whole conversations, greeting included.
    "dealer-31": scfg("DEALER") + greeting() + ready("ROUTER", "")
    + message(b"", b"hello"),
    "dealer-30": scfg("DEALER", minor=0, seed=2) + greeting(minor=0)
    + ready("ROUTER", "") + message(b"hello"),
    "router-31-identity": scfg("ROUTER", owned=True, seed=3, b2=0x04)
    + greeting() + ready("DEALER", "abc") + message(b"hi"),
    "pub-31-subscribe": scfg("PUB", seed=4) + greeting() + ready("SUB")
    + command(b"SUBSCRIBE", b"topic") + command(b"CANCEL", b"topic"),
    "pub-30-subscribe-msg": scfg("PUB", minor=0, seed=5) + greeting(minor=0)
    + ready("SUB") + message(b"\x01topic") + message(b"\x00topic"),
    "sub-31": scfg("SUB", seed=6, b3=0x40) + greeting() + ready("PUB")
    + message(b"topic data") + message(b"topic", b"more"),
    "chunk-1": scfg("PAIR", seed=7, b3=0x00) + greeting() + ready("PAIR")
    + message(b"x"),
    # Refused peers.
    "zmtp10": scfg("DEALER", seed=8) + b"\x05\x00hello",
    "zmtp20": scfg("DEALER", seed=9) + b"\xff" + b"\x00" * 8 + b"\x7f\x01\x00",
    "mechanism-plain": scfg("DEALER", seed=10) + greeting(mechanism=b"PLAIN"),
    "as-server-2": scfg("DEALER", seed=11) + greeting(as_server=2),
    "type-mismatch": scfg("DEALER", seed=12) + greeting() + ready("PUB"),
    "no-socket-type": scfg("DEALER", seed=13) + greeting()
    + command(b"READY", props(Identity="")),
    "identity-too-long": scfg("DEALER", seed=29) + greeting()
    + ready("ROUTER", "i" * 256),
    "handshake-error": scfg("REQ", seed=14) + greeting()
    + error(b"access denied"),
    # Ready from the start (valid prefix), then traffic.
    "ping": scfg("DEALER", prefix=True, seed=15, b3=0x89)
    + ping(10, b"ctx") + message(b"", b"after ping"),
    "pub-prefix-subscribe": scfg("PUB", prefix=True, seed=16)
    + command(b"SUBSCRIBE", b"") + command(b"SUBSCRIBE", b"a" * 20),
    "sub-30-prefix": scfg("SUB", minor=0, prefix=True, peer_minor=0, seed=17)
    + message(b"t1") + message(b"t2", b"x"),
    "heartbeat": scfg("ROUTER", prefix=True, seed=18, b2=0x14, b3=0xA6)
    + ping(30) + command(b"PONG") + message(b"m"),
    "bad-flags": scfg("DEALER", prefix=True, seed=19) + b"\x08\x00",
    "command-more": scfg("DEALER", prefix=True, seed=20)
    + frame(b"\x04PING\x00\x00", COMMAND | MORE),
    "command-in-multipart": scfg("DEALER", prefix=True, seed=21)
    + frame(b"a", MORE) + ping(),
    "ready-again": scfg("DEALER", prefix=True, owned=True, seed=22)
    + ready("ROUTER", ""),
    "large-message": scfg("PULL", prefix=True, owned=True, seed=23, b3=0xC0)
    + frame(b"L" * 2000, MORE) + frame(b"end"),
    "too-large-255": scfg("PULL", prefix=True, seed=24, b2=0x22)
    + frame(b"a" * 200, MORE) + frame(b"b" * 100),
    "truncated": scfg("PUSH", prefix=True, seed=25) + b"\x00\x20abc",
    "unknown-command": scfg("REP", prefix=True, seed=26)
    + command(b"HELLO", b"x") + message(b"", b"req"),
    "ready-error": scfg("XPUB", prefix=True, seed=27)
    + error(b"bye") + message(b"never"),
    "xsub-alt-peer": scfg("XSUB", prefix=True, seed=28, b2=0x38)
    + message(b"topic", b"data"),
    # ZMTP 2.0 peers (RFC 15).
    "zmtp20-dealer-router": scfg("DEALER", seed=30)
    + greeting_v2(TYPES["ROUTER"]) + message(b"", b"hello"),
    "zmtp20-router-identity": scfg("ROUTER", owned=True, seed=31, b2=0x04)
    + greeting_v2(TYPES["DEALER"], b"abc") + message(b"hi", b"there"),
    "zmtp20-prefix-messages": scfg("PULL", prefix=True, seed=0x80 | 32)
    + message(b"a", b"b") + frame(b"x" * 300) + frame(b"", MORE)
    + frame(b"end"),
    "zmtp20-prefix-command-bit": scfg("DEALER", prefix=True, seed=0x80 | 33)
    + ping(),
    "zmtp20-pub-subscribe": scfg("PUB", prefix=True, seed=0x80 | 34)
    + message(b"\x01topic") + message(b"\x00topic"),
    "zmtp20-sub": scfg("SUB", prefix=True, seed=0x80 | 35)
    + message(b"topic data"),
    "zmtp20-identity-more": scfg("DEALER", seed=36)
    + b"\xff" + b"\x00" * 8 + b"\x7f\x01\x06" + frame(b"id", MORE),
    "zmtp20-identity-256": scfg("DEALER", seed=37)
    + b"\xff" + b"\x00" * 8 + b"\x7f\x01\x06" + frame(b"i" * 256),
    "zmtp20-unknown-type": scfg("DEALER", seed=38)
    + b"\xff" + b"\x00" * 8 + b"\x7f\x01\x0b" + frame(b""),
    "zmtp20-type-mismatch": scfg("DEALER", seed=39)
    + greeting_v2(TYPES["PUB"]),
    "we-revision-1": scfg("ROUTER", prefix=True, seed=0x40 | 40, b2=0x04)
    + message(b"x", b"y"),
    "revision-2": scfg("DEALER", seed=41) + b"\xff" + b"\x00" * 8
    + b"\x7f\x02\x00",
    # Limits: frame cost, PONG coalescing, a READY of tiny properties.
    "empty-frames-more": scfg("PULL", prefix=True, seed=42, b2=0x01)
    + b"\x01\x00" * 100 + frame(b""),
    "ping-flood": scfg("DEALER", prefix=True, seed=43)
    + ping(0, b"c" * 16) * 40 + ping(0, b"x" * 20) + message(b"", b"m"),
    "ready-tiny-properties": scfg("DEALER", seed=44, b3=0xC0) + greeting()
    + command(b"READY", props(Socket_Type="ROUTER")
              + (b"\x01a\x00\x00\x00\x00") * 10000),
    "handshake-two-commands": scfg("DEALER", seed=45) + greeting()
    + command(b"HELLO", b"h" * 1000) + ready("ROUTER", ""),
    # PLAIN (RFC 24); the fuzz target knows user "fuzz-user" / "fuzz-pass".
    "plain-client-req": scfg("REQ", plain=True, seed=46)
    + greeting(mechanism=b"PLAIN", as_server=1) + command(b"WELCOME")
    + ready("REP") + message(b"", b"hi"),
    "plain-server-rep": scfg("REP", plain=True, seed=47, b2=0x08, b3=0x00)
    + greeting(mechanism=b"PLAIN") + command(b"HELLO", PLAIN_HELLO)
    + command(b"INITIATE", props(Socket_Type="REQ", Identity=""))
    + message(b"", b"req"),
    "plain-server-prefix": scfg("REP", plain=True, prefix=True, seed=48,
                                b2=0x08) + message(b"", b"req"),
    "plain-client-prefix": scfg("SUB", plain=True, prefix=True, seed=49)
    + message(b"topic", b"data"),
    "plain-wrong-password": scfg("PAIR", plain=True, seed=50, b2=0x08,
                                 b3=0x00)
    + greeting(mechanism=b"PLAIN") + command(b"HELLO", b"\x09fuzz-user\x01x"),
    "plain-hello-malformed": scfg("PAIR", plain=True, seed=51, b2=0x08)
    + greeting(mechanism=b"PLAIN") + command(b"HELLO", b"\x05ab"),
    "plain-initiate-early": scfg("PAIR", plain=True, seed=52, b2=0x08)
    + greeting(mechanism=b"PLAIN") + command(b"HELLO", PLAIN_HELLO)
    + command(b"INITIATE", props(Socket_Type="PAIR")),
    "plain-libzmq-error": scfg("PUB", plain=True, seed=53)
    + greeting(mechanism=b"PLAIN") + b"\x04\x09\x5eRROR\x03400",
    "plain-zmtp20": scfg("PUB", plain=True, seed=54)
    + greeting_v2(TYPES["SUB"]),
    "plain-null-peer": scfg("REP", plain=True, seed=55, b2=0x08)
    + greeting() + ready("REQ", ""),
}


def write(name, seeds):
    folder = HERE / "corpus" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for key, data in seeds.items():
        (folder / f"seed-{key}").write_bytes(data)
    print(f"{folder}: {len(seeds)} seeds, "
          f"{sum(len(d) for d in seeds.values())} bytes")


if __name__ == "__main__":
    write("decoder", DECODER)
    write("session", SESSION)
