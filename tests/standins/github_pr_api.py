"""A stand-in for the part of the GitHub REST API the PR bot uses, served over real HTTP.

It keeps pull requests, issue comments and labels in memory, answers in GitHub's JSON shapes
(absolute `url`s pointing back at itself, `Link` pagination, 401 without the token, 422 for a
comment body over 65,536 characters), and records every request so tests can assert what the
real PyGithub client did — and, as importantly, what it did not do.

    with GitHubStandIn(repo="octo/results", token="t0ken") as gh:
        gh.add_pull(7, head_sha="ab" * 20)
        ... run `pwc bot comment` with GITHUB_API_URL=gh.url ...
        assert gh.comments_on(7)
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BODY_LIMIT = 65_536


@dataclass
class Pull:
    number: int
    head_sha: str
    state: str = "open"
    title: str = "Add results"
    author: str = "contributor"
    head_repo: str | None = None  # a fork's full name, or None for a branch of the repository
    head_ref: str = "add-results"
    base_sha: str = "0" * 40
    labels: list[str] = field(default_factory=list)
    # GitHub does not always know a fork's head commit in the base repository (404 on
    # /commits/{sha}); the bot must then find the PR among the open pull requests.
    commit_known: bool = True


@dataclass
class Comment:
    id: int
    issue: int
    author: str
    body: str
    edits: int = 0


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


class GitHubStandIn:
    """The stand-in server; use as a context manager, `url` is the API root."""

    def __init__(self, repo: str = "octo/results", token: str = "test-token", bot_login: str = "github-actions[bot]"):
        self.repo = repo
        self.token = token
        self.bot_login = bot_login  # the login that comments created through the API belong to
        self.pulls: dict[int, Pull] = {}
        self.comments: dict[int, Comment] = {}
        self.extra_commits: set[str] = set()
        self.requests: list[Request] = []
        self._next_id = 9000
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up and inspection -------------------------------------------------------------
    def add_pull(self, number: int, head_sha: str, **kwargs: Any) -> Pull:
        pull = Pull(number, head_sha, **kwargs)
        self.pulls[number] = pull
        return pull

    def add_comment(self, issue: int, author: str, body: str) -> Comment:
        with self._lock:
            self._next_id += 1
            comment = Comment(self._next_id, issue, author, body)
            self.comments[comment.id] = comment
        return comment

    def comments_on(self, issue: int) -> list[Comment]:
        return sorted((c for c in self.comments.values() if c.issue == issue), key=lambda c: c.id)

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> GitHubStandIn:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # -- JSON shapes -------------------------------------------------------------------------
    def _user(self, login: str) -> dict[str, Any]:
        return {
            "login": login,
            "id": abs(hash(login)) % 10**8,
            "type": "Bot" if login.endswith("[bot]") else "User",
            "url": f"{self.url}/users/{login}",
            "html_url": f"https://github.com/{login}",
        }

    def _repo(self, full_name: str | None = None) -> dict[str, Any]:
        full_name = full_name or self.repo
        owner, name = full_name.split("/")
        return {
            "id": abs(hash(full_name)) % 10**8,
            "name": name,
            "full_name": full_name,
            "owner": self._user(owner),
            "private": False,
            "url": f"{self.url}/repos/{full_name}",
            "html_url": f"https://github.com/{full_name}",
            "default_branch": "main",
        }

    def _label(self, name: str) -> dict[str, Any]:
        return {
            "id": abs(hash(name)) % 10**8,
            "name": name,
            "color": "ededed",
            "default": False,
            "url": f"{self.url}/repos/{self.repo}/labels/{name}",
        }

    def _pull(self, p: Pull) -> dict[str, Any]:
        base = f"{self.url}/repos/{self.repo}"
        head_repo = p.head_repo or self.repo
        return {
            "url": f"{base}/pulls/{p.number}",
            "id": 100000 + p.number,
            "number": p.number,
            "state": p.state,
            "title": p.title,
            "user": self._user(p.author),
            "html_url": f"https://github.com/{self.repo}/pull/{p.number}",
            "issue_url": f"{base}/issues/{p.number}",
            "comments_url": f"{base}/issues/{p.number}/comments",
            "labels": [self._label(n) for n in p.labels],
            "head": {
                "label": f"{head_repo.split('/')[0]}:{p.head_ref}",
                "ref": p.head_ref,
                "sha": p.head_sha,
                "repo": self._repo(head_repo),
                "user": self._user(head_repo.split("/")[0]),
            },
            "base": {
                "label": f"{self.repo.split('/')[0]}:main",
                "ref": "main",
                "sha": p.base_sha,
                "repo": self._repo(),
                "user": self._user(self.repo.split("/")[0]),
            },
        }

    def _comment(self, c: Comment) -> dict[str, Any]:
        base = f"{self.url}/repos/{self.repo}"
        return {
            "id": c.id,
            "url": f"{base}/issues/comments/{c.id}",
            "html_url": f"https://github.com/{self.repo}/pull/{c.issue}#issuecomment-{c.id}",
            "issue_url": f"{base}/issues/{c.issue}",
            "body": c.body,
            "user": self._user(c.author),
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }

    def _commit(self, sha: str) -> dict[str, Any]:
        return {
            "sha": sha,
            "url": f"{self.url}/repos/{self.repo}/commits/{sha}",
            "html_url": f"https://github.com/{self.repo}/commit/{sha}",
            "commit": {"message": "commit"},
            "parents": [],
        }

    def known_commit(self, sha: str) -> bool:
        return sha in self.extra_commits or any(p.head_sha == sha and p.commit_known for p in self.pulls.values())


class _Handler(BaseHTTPRequestHandler):
    api: GitHubStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, items: list[Any], query: dict[str, list[str]], path: str) -> None:
        per_page = max(1, min(100, int(query.get("per_page", ["30"])[0])))
        page = max(1, int(query.get("page", ["1"])[0]))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "page")
            headers["Link"] = f'<{self.api.url}{path}?{rest}&page={page + 1}>; rel="next"'
        self._send(200, chunk, headers)

    def _handle(self, method: str) -> None:
        api = self.api
        split = urlsplit(self.path)
        path, query = split.path, parse_qs(split.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        api.requests.append(Request(method, path, query, body))
        auth = self.headers.get("Authorization", "")
        if auth not in (f"token {api.token}", f"Bearer {api.token}"):
            return self._send(401, {"message": "Bad credentials"})
        prefix = f"/repos/{api.repo}"
        if not path.startswith(prefix):
            return self._send(404, {"message": "Not Found"})
        rest = path[len(prefix) :]
        with api._lock:
            return self._route(method, rest, path, query, body)

    def _route(self, method: str, rest: str, path: str, query: dict[str, list[str]], body: Any) -> None:
        api = self.api
        if method == "GET" and rest == "":
            return self._send(200, api._repo())
        if m := re.fullmatch(r"/commits/([0-9a-f]+)", rest):
            if method == "GET" and api.known_commit(m[1]):
                return self._send(200, api._commit(m[1]))
            return self._send(422, {"message": f"No commit found for SHA: {m[1]}"})
        if m := re.fullmatch(r"/commits/([0-9a-f]+)/pulls", rest):
            if not api.known_commit(m[1]):
                return self._send(422, {"message": f"No commit found for SHA: {m[1]}"})
            pulls = [
                api._pull(p)
                for p in sorted(api.pulls.values(), key=lambda p: p.number)
                if p.head_sha == m[1] and p.commit_known
            ]
            return self._page(pulls, query, path)
        if method == "GET" and rest == "/pulls":
            state = query.get("state", ["open"])[0]
            pulls = [p for p in api.pulls.values() if state == "all" or p.state == state]
            return self._page([api._pull(p) for p in sorted(pulls, key=lambda p: -p.number)], query, path)
        if m := re.fullmatch(r"/pulls/(\d+)", rest):
            pull = api.pulls.get(int(m[1]))
            return (
                self._send(200, api._pull(pull))
                if pull and method == "GET"
                else self._send(404, {"message": "Not Found"})
            )
        if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
            number = int(m[1])
            if number not in api.pulls:
                return self._send(404, {"message": "Not Found"})
            if method == "GET":
                return self._page([api._comment(c) for c in api.comments_on(number)], query, path)
            if method == "POST":
                text = (body or {}).get("body", "")
                if len(text) > BODY_LIMIT:
                    return self._send(422, _too_long())
                api._next_id += 1
                comment = Comment(api._next_id, number, api.bot_login, text)
                api.comments[comment.id] = comment
                return self._send(201, api._comment(comment))
        if m := re.fullmatch(r"/issues/comments/(\d+)", rest):
            comment = api.comments.get(int(m[1]))
            if comment is None:
                return self._send(404, {"message": "Not Found"})
            if method == "GET":
                return self._send(200, api._comment(comment))
            if method == "PATCH":
                text = (body or {}).get("body", "")
                if len(text) > BODY_LIMIT:
                    return self._send(422, _too_long())
                comment.body = text
                comment.edits += 1
                return self._send(200, api._comment(comment))
            if method == "DELETE":
                del api.comments[comment.id]
                return self._send(204, None)
        if m := re.fullmatch(r"/issues/(\d+)/labels(?:/([^/]+))?", rest):
            pull = api.pulls.get(int(m[1]))
            if pull is None:
                return self._send(404, {"message": "Not Found"})
            if method == "GET" and not m[2]:
                return self._page([api._label(n) for n in pull.labels], query, path)
            if method == "POST" and not m[2]:
                # GitHub takes either a bare list of names or {"labels": [...]}.
                names = body if isinstance(body, list) else (body or {}).get("labels", [])
                for name in names:
                    if name not in pull.labels:
                        pull.labels.append(name)
                return self._send(200, [api._label(n) for n in pull.labels])
            if method == "DELETE" and m[2]:
                name = unquote(m[2])
                if name not in pull.labels:
                    return self._send(404, {"message": "Label does not exist"})
                pull.labels.remove(name)
                return self._send(200, [api._label(n) for n in pull.labels])
        return self._send(404, {"message": "Not Found"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


def _too_long() -> dict[str, Any]:
    return {
        "message": "Validation Failed",
        "errors": [
            {
                "resource": "IssueComment",
                "code": "custom",
                "field": "body",
                "message": "body is too long (maximum is 65536 characters)",
            }
        ],
    }


# -- how GitHub would show a comment ---------------------------------------------------------
# GitHub renders comments with its cmark fork (cmarkgfm is its Python binding), lets raw HTML
# through its sanitiser, then finds mentions and issue references in the rendered text, outside
# code and links. These helpers do the same, so a test can ask what a contributor's text became.

_MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*")
_ISSUE_REF = re.compile(r"(?:(?<![\w&])#\d+|\bGH-\d+)", re.IGNORECASE)
_OUR_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "code",
    "del",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "details",
    "summary",
    "blockquote",
    "pre",
    "br",
    "sub",
}


def render_like_github(markdown: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@dataclass
class Rendered:
    html: str
    tags: set[str]
    links: list[str]
    comments: list[str]
    text: str  # visible text outside code and links, zero-width spaces kept
    all_text: str  # every visible text, zero-width spaces removed

    def mentions(self) -> list[str]:
        return _MENTION.findall(self.text)

    def issue_refs(self) -> list[str]:
        return _ISSUE_REF.findall(self.text)


def inspect_rendered(markdown: str) -> Rendered:
    from html.parser import HTMLParser

    html = render_like_github(markdown)

    class Walker(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: set[str] = set()
            self.links: list[str] = []
            self.comments: list[str] = []
            self.stack: list[str] = []
            self.text: list[str] = []
            self.all_text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.add(tag)
            if tag == "a":
                self.links.append(dict(attrs).get("href") or "")
            if tag not in ("br", "hr"):
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass

        def handle_comment(self, data: str) -> None:
            self.comments.append(data)

        def handle_data(self, data: str) -> None:
            self.all_text.append(data)
            if not {"code", "a", "pre"} & set(self.stack):
                self.text.append(data)

    walker = Walker()
    walker.feed(html)
    return Rendered(
        html,
        walker.tags,
        walker.links,
        walker.comments,
        " ".join(walker.text),
        "".join(walker.all_text).replace("\u200b", ""),
    )
