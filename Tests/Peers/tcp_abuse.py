#!/usr/bin/env python3
"""TCP clients that misbehave, for the DNS TCP limits tests (loopback only). Prints one JSON line.

hold N: opens N connections from many loopback source addresses (127.3.X.Y, --per-source each) and
  sends nothing; then a new client from 127.4.0.1 asks --name A over TCP and reports whether and how
  fast it was answered, and how many of the held connections the server had closed by then.
trickle: one connection sending one byte of a query every --every seconds for --seconds; reports
  when the server closed it (or that it never did).
pipeline N: one connection that sends N queries for --name TXT as fast as the server takes them,
  for at most --seconds, and never reads; reports how many it sent, then holds the connection
  until the server closes it or --hold seconds pass."""
import argparse, json, resource, select, socket, struct, time

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["hold", "trickle", "pipeline"])
parser.add_argument("count", type=int, nargs="?", default=0)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--name", default="www.example.test")
parser.add_argument("--per-source", type=int, default=28)
parser.add_argument("--every", type=float, default=1.0)
parser.add_argument("--seconds", type=float, default=8.0)
parser.add_argument("--hold", type=float, default=10.0)
args = parser.parse_args()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def query(ident, qtype=1):
    question = b"".join(bytes([len(label)]) + label.encode() for label in args.name.strip(".").split(".")) + b"\0"
    message = struct.pack("!HHHHHH", ident & 0xFFFF, 0, 1, 0, 0, 0) + question + struct.pack("!HH", qtype, 1)
    return struct.pack("!H", len(message)) + message


def connect(source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect(("127.0.0.1", args.port))
    return s


def closed(s):
    # POLLRDHUP: the server closed its side, whether or not unread answers wait; nothing is read here.
    poller = select.poll()
    poller.register(s, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    return any(events & (select.POLLRDHUP | select.POLLHUP | select.POLLERR) for _, events in poller.poll(0))


if args.mode == "hold":
    held = []
    for index in range(args.count):
        source = f"127.3.{index // args.per_source // 250}.{index // args.per_source % 250 + 1}"
        held.append(connect(source))
    time.sleep(0.5)
    start = time.monotonic()
    client = connect("127.4.0.1")
    client.settimeout(5)
    client.sendall(query(1))
    try:
        length = struct.unpack("!H", client.recv(2))[0]
        answer = client.recv(length)
        answered = len(answer) == length and answer[:2] == b"\x00\x01"
    except (socket.timeout, OSError, struct.error):
        answered = False
    print(json.dumps({"held": len(held), "answered": answered, "seconds": round(time.monotonic() - start, 3),
                      "closedByServer": sum(1 for s in held if closed(s))}), flush=True)
elif args.mode == "trickle":
    s = connect("127.0.0.1")
    data = query(1)
    start = time.monotonic()
    closed_after = None
    index = 0
    while time.monotonic() - start < args.seconds:
        if closed(s):
            closed_after = time.monotonic() - start
            break
        s.setblocking(True)
        try:
            s.send(data[index % len(data):index % len(data) + 1])
        except OSError:
            closed_after = time.monotonic() - start
            break
        index += 1
        time.sleep(args.every)
    print(json.dumps({"closedAfter": None if closed_after is None else round(closed_after, 3), "bytes": index}), flush=True)
else:
    s = connect("127.0.0.1")
    s.setblocking(False)
    payload = b"".join(query(i, 16) for i in range(args.count))
    sent = 0
    start = time.monotonic()
    while sent < len(payload) and time.monotonic() - start < args.seconds:
        try:
            sent += s.send(payload[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break
    queries = sent // len(query(0, 16))
    print(json.dumps({"queriesSent": queries, "complete": sent == len(payload)}), flush=True)
    deadline = time.monotonic() + args.hold
    while time.monotonic() < deadline and not closed(s):
        time.sleep(0.1)
    print(json.dumps({"closedByServer": closed(s), "after": round(time.monotonic() - start, 3)}), flush=True)
