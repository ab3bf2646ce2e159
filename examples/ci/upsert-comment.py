#!/usr/bin/env python3
"""Posts standard input as the Switchyard plan comment of a pull or merge request, or updates the one
posted before (found by a hidden marker), so a request carries one plan comment however often it is
pushed to.

    upsert-comment.py github   GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER (else read from
                               GITHUB_EVENT_PATH), GITHUB_API_URL (default https://api.github.com)
    upsert-comment.py gitlab   GITLAB_TOKEN (a token that may write notes), CI_API_V4_URL, CI_PROJECT_ID,
                               CI_MERGE_REQUEST_IID
    upsert-comment.py none     prints nothing and posts nothing
"""
import json
import os
import sys
import urllib.error
import urllib.request

MARKER = "<!-- switchyard-plan -->"


def call(method, url, headers, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null"), response.headers


def pages(url, headers):
    """Every item of a paginated list (the Link header's rel="next", as GitHub and GitLab give it)."""
    while url:
        items, response_headers = call("GET", url, headers)
        yield from items
        url = None
        for part in (response_headers.get("Link") or "").split(","):
            if 'rel="next"' in part:
                url = part.split(";")[0].strip().strip("<>")


def upsert(body, comments, update_url, update_method, headers):
    """Updates the comment at `comments` that carries the marker, or posts one."""
    for comment in pages(f"{comments}?per_page=100", headers):
        if MARKER in (comment.get("body") or ""):
            call(update_method, update_url(comment["id"]), headers, {"body": body})
            return "updated"
    call("POST", comments, headers, {"body": body})
    return "posted"


def github(body):
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repository = os.environ["GITHUB_REPOSITORY"]
    number = os.environ.get("PR_NUMBER")
    if not number:
        with open(os.environ["GITHUB_EVENT_PATH"]) as event:
            number = str(json.load(event)["pull_request"]["number"])
    headers = {"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}", "Accept": "application/vnd.github+json"}
    return upsert(body, f"{api}/repos/{repository}/issues/{number}/comments",
                  lambda id: f"{api}/repos/{repository}/issues/comments/{id}", "PATCH", headers)


def gitlab(body):
    api = os.environ["CI_API_V4_URL"].rstrip("/")
    notes = f"{api}/projects/{os.environ['CI_PROJECT_ID']}/merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes"
    return upsert(body, notes, lambda id: f"{notes}/{id}", "PUT", {"PRIVATE-TOKEN": os.environ["GITLAB_TOKEN"]})


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "none"
    body = MARKER + "\n" + sys.stdin.read()
    if kind == "none":
        return
    post = {"github": github, "gitlab": gitlab}.get(kind)
    if post is None:
        sys.exit(f"upsert-comment: {kind} is not github, gitlab or none")
    try:
        print(f"upsert-comment: plan comment {post(body)}", file=sys.stderr)
    except (urllib.error.URLError, KeyError) as error:
        sys.exit(f"upsert-comment: could not post the plan: {error}")


if __name__ == "__main__":
    main()
