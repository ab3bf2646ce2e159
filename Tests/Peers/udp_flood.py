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
args = parser.parse_args()


def query(ident):
    question = b"".join(bytes([len(label)]) + label.encode() for label in args.name.strip(".").split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident & 0xFFFF, 0, 1, 0, 0, 0) + question + struct.pack("!HH", 1, 1)


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


start = time.monotonic()
next_polite = start
while True:
    elapsed = time.monotonic() - start
    if elapsed >= args.seconds:
        break
    due = min(args.count, int(args.count * elapsed / args.seconds) + 1)
    while counts["flood"]["sent"] < due:
        try:
            sockets["flood"].sendto(query(counts["flood"]["sent"]), (args.server, args.port))
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
print(json.dumps(counts), flush=True)
