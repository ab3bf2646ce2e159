#!/usr/bin/env python3
"""A webhook receiver for notifier tests, on loopback (or --host, inside a test network namespace). Verifies X-Switchyard-Signature
(sha256=HMAC-SHA256(secret, timestamp + "." + body)), refuses timestamps more than 5 minutes off
(replays), and logs every delivery to --log as a JSON line: delivery id, event kind, whether it was a
duplicate, the signature verdict, the custom X-Team header and the time it arrived. With --delay, holds
each request that many seconds before it answers (and logs). Prints "ready"."""
import argparse, hashlib, hmac, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--secret", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--delay", type=float, default=0)
args = parser.parse_args()
seen = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if args.delay:
            time.sleep(args.delay)
        timestamp = self.headers.get("X-Switchyard-Timestamp", "")
        expected = "sha256=" + hmac.new(args.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-Switchyard-Signature", ""))
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        delivery = self.headers.get("X-Switchyard-Delivery")
        with lock:
            duplicate = delivery in seen
            if valid and fresh:
                seen.add(delivery)
            with open(args.log, "a") as f:
                f.write(json.dumps({"delivery": delivery, "event": self.headers.get("X-Switchyard-Event"), "valid": valid,
                                    "fresh": fresh, "duplicate": duplicate, "team": self.headers.get("X-Team"),
                                    "arrived": time.time(), "body": json.loads(body or b"null")}) + "\n")
        status = 200 if valid and fresh else 401
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer((args.host, args.port), Handler)
print("ready", flush=True)
server.serve_forever()
