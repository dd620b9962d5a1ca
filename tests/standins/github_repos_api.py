"""A stand-in for GitHub's `GET /repos/{owner}/{repo}` and GraphQL `repository` look-ups, in their real JSON.

Like GitHub: names match without regard to case and the answer carries the canonical
`full_name`; an unknown repository is a 404 with `{"message": "Not Found", ...}`, or in GraphQL
a `null` node with an error of type `NOT_FOUND` at its alias; GraphQL without a token is a 401;
`rate_limited()` makes it answer 403 with `x-ratelimit-remaining: 0`, as GitHub does when the
hourly allowance is spent.
"""

from __future__ import annotations

import json
import re
import time

from standins import Answer, Fault, Request, StandIn

REAL_REPOS: dict[str, dict[str, object]] = {
    "google-research/albert": {"full_name": "google-research/ALBERT", "archived": False},
    "google-research/bert": {"full_name": "google-research/bert", "archived": False},
    "facebookresearch/fairseq": {"full_name": "facebookresearch/fairseq", "archived": False},
    "example-org/retired-project": {"full_name": "example-org/retired-project", "archived": True},
}

_JSON = {"Content-Type": "application/json; charset=utf-8", "X-GitHub-Media-Type": "github.v3; format=json"}


class GithubStandIn(StandIn):
    def __init__(self, repos: dict[str, dict[str, object]] | None = None) -> None:
        super().__init__()
        self.repos = {k.lower(): v for k, v in (REAL_REPOS if repos is None else repos).items()}

    @property
    def url(self) -> str:
        return self.base

    def rate_limited(self, reset_in: float = 3600.0) -> None:
        body = json.dumps({
            "message": "API rate limit exceeded for 127.0.0.1.",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        }).encode()
        self.fail(Fault(403, {**_JSON, "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0",
                              "x-ratelimit-reset": str(int(time.time() + reset_in))}, body))

    def graphql(self, request: Request) -> Answer:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            body = {"message": "This endpoint requires you to be authenticated.",
                    "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql"}
            return 401, _JSON, json.dumps(body).encode()
        query = json.loads(request.body)["query"]
        data: dict[str, object] = {}
        errors = []
        pattern = r'(\w+): repository\(owner: "([^"]*)", name: "([^"]*)"\) \{ nameWithOwner isArchived \}'
        for alias, owner, name in re.findall(pattern, query):
            repo = self.repos.get(f"{owner}/{name}".lower())
            if repo is None:
                data[alias] = None
                errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": 1, "column": 9}],
                               "message": f"Could not resolve to a Repository with the name '{owner}/{name}'."})
            else:
                data[alias] = {"nameWithOwner": repo["full_name"], "isArchived": repo["archived"]}
        answer: dict[str, object] = {"data": data}
        if errors:
            answer["errors"] = errors
        return 200, _JSON, json.dumps(answer).encode()

    def answer(self, request: Request) -> Answer:
        if request.method == "POST" and request.path == "/graphql":
            return self.graphql(request)
        parts = request.path.strip("/").split("/")
        headers = {**_JSON, "x-ratelimit-limit": "60", "x-ratelimit-remaining": "59"}
        if len(parts) == 3 and parts[0] == "repos":
            repo = self.repos.get(f"{parts[1]}/{parts[2]}".lower())
            if repo is not None:
                owner = str(repo["full_name"]).split("/")[0]
                body = {"id": 1, "name": str(repo["full_name"]).split("/")[1], "full_name": repo["full_name"],
                        "private": False, "owner": {"login": owner, "type": "Organization"},
                        "html_url": f"https://github.com/{repo['full_name']}", "fork": False,
                        "archived": repo["archived"], "disabled": False, "default_branch": "master"}
                return 200, headers, json.dumps(body).encode()
        body = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
                "status": "404"}
        return 404, headers, json.dumps(body).encode()
