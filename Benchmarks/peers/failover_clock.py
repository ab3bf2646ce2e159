#!/usr/bin/env python3
"""Kills the primary endpoint (PID) and times, for each DNS server (name=port), how long until it answers
NAME with SECONDARY: one A query to each server every 10 ms over UDP on 127.0.0.1, for at most 30 s.
Prints one line per server: "name seconds" (or "name timeout")."""
import os, signal, socket, struct, sys, time

pid, qname, secondary = int(sys.argv[1]), sys.argv[2], socket.inet_aton(sys.argv[3])
servers = [(entry.split("=")[0], int(entry.split("=")[1])) for entry in sys.argv[4:]]


def query(qid):
    labels = b"".join(bytes([len(part)]) + part.encode() for part in qname.rstrip(".").split("."))
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack(">HH", 1, 1)


def answers_secondary(reply):
    # The A record's RDATA is the reply's last 4 octets when it has one answer and no other records.
    qd, an, ns, ar = struct.unpack(">HHHH", reply[4:12])
    return an >= 1 and reply[-4:] == secondary


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.05)
done = {}
start = time.monotonic()
os.kill(pid, signal.SIGKILL)
qid = 0
while len(done) < len(servers) and time.monotonic() - start < 30:
    for name, port in servers:
        if name in done:
            continue
        qid = (qid + 1) & 0xFFFF
        sock.sendto(query(qid), ("127.0.0.1", port))
        try:
            reply, _ = sock.recvfrom(4096)
        except socket.timeout:
            continue
        if struct.unpack(">H", reply[:2])[0] == qid and answers_secondary(reply):
            done[name] = time.monotonic() - start
    time.sleep(0.01)
for name, _ in servers:
    print(name, f"{done[name]:.3f}" if name in done else "timeout")
