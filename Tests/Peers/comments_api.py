#!/usr/bin/env python3
"""The comment endpoints of GitHub's and GitLab's REST APIs, in memory, for testing
examples/ci/upsert-comment.py: list (two per page, with a Link header to the next), create, update.
Each request must carry the token given. GET /_dump returns every comment body in order. Prints
"ready" once listening.

    comments_api.py --port PORT --token TOKEN [--seed N]   (N unrelated comments to start with)
"""
import argparse
import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

comments = []  # [{"id": int, "body": str}]
PAGE = 2


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        given = self.headers.get("Authorization", "").removeprefix("Bearer ") or self.headers.get("PRIVATE-TOKEN", "")
        if given != self.server.token:
            self.reply(401, {"message": "Bad credentials"})
            return False
        return True

    def body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/_dump":
            return self.reply(200, [comment["body"] for comment in comments])
        if not self.authorized():
            return
        if re.fullmatch(r"/repos/[^/]+/[^/]+/issues/\d+/comments|/projects/\d+/merge_requests/\d+/notes", path):
            page = int(dict(part.split("=") for part in query.split("&") if "=" in part).get("page", "1"))
            items = comments[(page - 1) * PAGE:page * PAGE]
            headers = {}
            if page * PAGE < len(comments):
                headers["Link"] = f'<http://{self.headers["Host"]}{path}?per_page={PAGE}&page={page + 1}>; rel="next"'
            return self.reply(200, items, headers)
        self.reply(404, {"message": "Not Found"})

    def do_POST(self):
        if not self.authorized():
            return
        path = self.path.partition("?")[0]
        if re.fullmatch(r"/repos/[^/]+/[^/]+/issues/\d+/comments|/projects/\d+/merge_requests/\d+/notes", path):
            comment = {"id": 1000 + len(comments), "body": self.body()["body"]}
            comments.append(comment)
            return self.reply(201, comment)
        self.reply(404, {"message": "Not Found"})

    def update(self):
        if not self.authorized():
            return
        match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)|/projects/\d+/merge_requests/\d+/notes/(\d+)", self.path)
        target = match and int(match.group(1) or match.group(2))
        for comment in comments:
            if comment["id"] == target:
                comment["body"] = self.body()["body"]
                return self.reply(200, comment)
        self.reply(404, {"message": "Not Found"})

    do_PATCH = update
    do_PUT = update


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    for index in range(arguments.seed):
        comments.append({"id": 1000 + index, "body": f"an unrelated comment {index}"})
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.token = arguments.token
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
