#!/usr/bin/env python3
"""An endpoint for health-probe tests, on loopback only (any address inside a test network namespace). Prints "ready" once listening.

  http      HTTP(S) server; answers with the status and body in --control (JSON, read per request;
            default 200 "ok") and logs each request's Host header and each TLS SNI to --log (JSON lines)
  udp       answers every datagram with --reply
  tcp       accepts connections and closes them
  blackhole listens but never accepts, its backlog full, so new connections time out
"""
import os, subprocess, argparse, json, socket, ssl, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["http", "udp", "tcp", "blackhole"])
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--control")
parser.add_argument("--log")
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--reply", default="pong")
args = parser.parse_args()
def in_test_namespace():
    # A named network namespace (`ip netns`): a test host whose addresses exist nowhere else.
    try:
        found = subprocess.run(["ip", "netns", "identify", str(os.getpid())], capture_output=True, text=True, timeout=5)
        return found.returncode == 0 and found.stdout.strip() != ""
    except (OSError, subprocess.SubprocessError):
        return False


if not (args.host.startswith("127.") or args.host == "::1" or in_test_namespace()):
    sys.exit("probe_peer listens on loopback only (or inside a test network namespace)")
family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
log_lock = threading.Lock()


def log(entry):
    if args.log:
        with log_lock, open(args.log, "a") as f:
            f.write(json.dumps(entry) + "\n")


def ready():
    print("ready", flush=True)


if args.mode == "http":
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            response = {"status": 200, "body": "ok"}
            if args.control:
                try:
                    with open(args.control) as f:
                        response.update(json.load(f))
                except FileNotFoundError:
                    pass
            log({"host": self.headers.get("Host"), "path": self.path})
            body = response["body"].encode()
            self.send_response(response["status"])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    class Server(ThreadingHTTPServer):
        address_family = family
        daemon_threads = True

    server = Server((args.host, args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        context.sni_callback = lambda sock, name, ctx: log({"sni": name})
        server.socket = context.wrap_socket(server.socket, server_side=True)
    ready()
    server.serve_forever()
elif args.mode == "udp":
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((args.host, args.port))
    ready()
    while True:
        data, peer = sock.recvfrom(65535)
        log({"datagram": data.decode(errors="replace")})
        sock.sendto(args.reply.encode(), peer)
elif args.mode == "tcp":
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(64)
    ready()
    while True:
        conn, _ = sock.accept()
        conn.close()
else:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind((args.host, args.port))
    sock.listen(0)
    # Fill the accept queue; with it full the kernel drops further SYNs, as a black hole does.
    fillers = []
    for _ in range(4):
        filler = socket.socket(family, socket.SOCK_STREAM)
        filler.setblocking(False)
        filler.connect_ex((args.host, args.port))
        fillers.append(filler)
    ready()
    threading.Event().wait()
