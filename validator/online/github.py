"""The GitHub client: whether code repositories exist and are archived.

With a token (GITHUB_TOKEN) it asks the GraphQL API for fifty repositories per request
(`r0: repository(owner:, name:) { nameWithOwner isArchived }`); GitHub answers `null` with an
error of type `NOT_FOUND` for one that does not exist or is private. Without a token, GraphQL
is closed, so it asks `GET /repos/{owner}/{repo}` for each: 200 with the repository (following a
renamed repository's redirect) or 404. Either way, 403 or 429 with rate-limit headers means the
allowance is spent (60 requests an hour without a token, 5,000 with one).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from validator.online.answers import RepoAnswer, repo_from_cache
from validator.online.cache import AnswerCache
from validator.online.client import Client
from validator.online.http import Http, json_body

# Repositories per GraphQL request: far below GitHub's node limits, and one request for most runs.
GRAPHQL_BATCH = 50


class GithubClient(Client[RepoAnswer]):
    name = "GitHub"
    prefix = "github"

    def __init__(self, http: Http, cache: AnswerCache) -> None:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if http.settings.github_token:
            headers["Authorization"] = f"Bearer {http.settings.github_token}"
        super().__init__(http, cache, http.service("GitHub", 0.0, headers))

    def _from_cache(self, value: object) -> RepoAnswer | None:
        return repo_from_cache(value)

    def _ask(self, keys: list[str]) -> Iterator[tuple[str, RepoAnswer]]:
        if self.settings.github_token:
            yield from self._ask_graphql(keys)
        else:
            yield from self._ask_rest(keys)

    @property
    def graphql_url(self) -> str:
        base = self.settings.github_url
        # GitHub Enterprise serves REST under /api/v3 and GraphQL at /api/graphql.
        return base[: -len("/v3")] + "/graphql" if base.endswith("/api/v3") else base + "/graphql"

    def _ask_graphql(self, keys: list[str]) -> Iterator[tuple[str, RepoAnswer]]:
        for start in range(0, len(keys), GRAPHQL_BATCH):
            batch = keys[start : start + GRAPHQL_BATCH]
            fields = " ".join(
                f"r{i}: repository(owner: {json.dumps(k.partition('/')[0])}, name: {json.dumps(k.partition('/')[2])})"
                " { nameWithOwner isArchived }"
                for i, k in enumerate(batch)
            )
            body = json.dumps({"query": f"query {{ {fields} }}"}).encode()
            response = self.http.request(
                self.service, self.graphql_url, data=body, headers={"Content-Type": "application/json"}
            )
            if response.status == 401:
                raise self.http.give_up(self.service, "HTTP 401: GITHUB_TOKEN was not accepted")
            if response.status != 200:
                raise self.http.give_up(self.service, f"HTTP {response.status}")
            try:
                answer = json_body(response.body)
                data: dict[str, Any] = answer.get("data") or {}
                errors = {
                    str(e["path"][0]): str(e.get("type"))
                    for e in answer.get("errors") or []
                    if isinstance(e, dict) and isinstance(e.get("path"), list) and e["path"]
                }
            except (ValueError, AttributeError, TypeError):
                raise self.http.give_up(self.service, "malformed answer: not a GraphQL response") from None
            unanswered: list[str] = []
            for i, key in enumerate(batch):
                node = data.get(f"r{i}")
                if isinstance(node, dict):
                    name = node.get("nameWithOwner")
                    full_name = name if isinstance(name, str) else None
                    yield key, RepoAnswer(found=True, archived=bool(node.get("isArchived")), full_name=full_name)
                elif errors.get(f"r{i}") == "NOT_FOUND":
                    yield key, RepoAnswer(found=False)
                else:
                    unanswered.append(errors.get(f"r{i}") or next(iter(errors.values()), "no data"))
            if unanswered:  # RATE_LIMITED, FORBIDDEN, ...: GitHub did not say
                raise self.http.give_up(self.service, f"GraphQL error: {unanswered[0]}")

    def _ask_rest(self, keys: list[str]) -> Iterator[tuple[str, RepoAnswer]]:
        for key in keys:
            owner, _, name = key.partition("/")
            path = f"{urllib.parse.quote(owner, safe='')}/{urllib.parse.quote(name, safe='')}"
            response = self.http.request(self.service, f"{self.settings.github_url}/repos/{path}")
            if response.status in (404, 410, 451):
                yield key, RepoAnswer(found=False)
                continue
            if response.status != 200:
                raise self.http.give_up(self.service, f"HTTP {response.status}")
            try:
                data = json_body(response.body)
                archived = bool(data.get("archived", False))
                full_name = data.get("full_name") if isinstance(data.get("full_name"), str) else None
            except (ValueError, AttributeError):
                raise self.http.give_up(self.service, "malformed answer: not a repository object") from None
            yield key, RepoAnswer(found=True, archived=archived, full_name=full_name)
