#!/usr/bin/env python3
"""A bounded UDP query flood from one loopback source and a polite client from another, for the rate
limiting test. Floods --count queries for --name A over --seconds from --flood-source, while every
100 ms the polite client asks the same from --polite-source; then waits half a second for stragglers
and prints one JSON line: per source, queries sent, full answers, truncated answers."""
import argparse, json, select, socket, struct, time

parser = argparse.ArgumentParser()
parser.add_argument("--server", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--count", type=int, default=20000)
parser.add_argument("--seconds", type=float, default=2.0)
parser.add_argument("--flood-source", default="127.0.1.1")
parser.add_argument("--polite-source", default="127.0.2.1")
parser.add_argument("--cookie", action="store_true", help="the flood first gets a server cookie and sends it with every query")
args = parser.parse_args()
cookie = None


def query(ident, with_cookie=None):
    question = b"".join(bytes([len(label)]) + label.encode() for label in args.name.strip(".").split(".")) + b"\0"
    option = b"" if with_cookie is None else struct.pack("!HH", 10, len(with_cookie)) + with_cookie
    opt = b"" if with_cookie is None else b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(option)) + option
    return struct.pack("!HHHHHH", ident & 0xFFFF, 0, 1, 0, 0, 1 if opt else 0) + question + struct.pack("!HH", 1, 1) + opt


sockets = {}
for role, source in [("flood", args.flood_source), ("polite", args.polite_source)]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sockets[role] = s
counts = {role: {"sent": 0, "answered": 0, "truncated": 0} for role in sockets}


def drain(timeout):
    readable, _, _ = select.select(list(sockets.values()), [], [], timeout)
    for s in readable:
        role = next(r for r, candidate in sockets.items() if candidate is s)
        while True:
            try:
                data = s.recv(4096)
            except BlockingIOError:
                break
            flags = struct.unpack("!H", data[2:4])[0]
            counts[role]["truncated" if flags & 0x0200 else "answered"] += 1


if args.cookie:
    # The server cookie comes back after the client cookie in a COOKIE option of 24 octets.
    client_cookie = bytes(range(1, 9))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind((args.flood_source, 0))
    probe.settimeout(2)
    probe.sendto(query(1, client_cookie), (args.server, args.port))
    reply = probe.recv(4096)
    at = reply.find(struct.pack("!HH", 10, 24) + client_cookie)
    cookie = reply[at + 4:at + 28] if at >= 0 else client_cookie
    probe.close()
start = time.monotonic()
next_polite = start
while True:
    elapsed = time.monotonic() - start
    if elapsed >= args.seconds:
        break
    due = min(args.count, int(args.count * elapsed / args.seconds) + 1)
    while counts["flood"]["sent"] < due:
        try:
            sockets["flood"].sendto(query(counts["flood"]["sent"], cookie), (args.server, args.port))
        except BlockingIOError:
            break
        counts["flood"]["sent"] += 1
    if time.monotonic() >= next_polite:
        sockets["polite"].sendto(query(counts["polite"]["sent"]), (args.server, args.port))
        counts["polite"]["sent"] += 1
        next_polite += 0.1
    drain(0.0005)
deadline = time.monotonic() + 0.5
while time.monotonic() < deadline:
    drain(0.05)
if args.cookie:
    counts["cookie"] = cookie.hex()
print(json.dumps(counts), flush=True)
