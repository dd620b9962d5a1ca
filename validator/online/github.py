"""The GitHub client: whether a code repository exists and is archived, from `GET /repos/{owner}/{repo}`.

GitHub answers 200 with the repository (following a renamed repository's redirect), 404 for
one that does not exist or is private, and 403 or 429 with rate-limit headers when the hourly
allowance is spent (60 requests without a token; set GITHUB_TOKEN for 5,000).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

from validator.online.answers import RepoAnswer, repo_from_cache
from validator.online.cache import AnswerCache
from validator.online.client import Client
from validator.online.http import Http


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
                data = json.loads(response.body)
                archived = bool(data.get("archived", False))
                full_name = data.get("full_name") if isinstance(data.get("full_name"), str) else None
            except (ValueError, AttributeError):
                raise self.http.give_up(self.service, "malformed answer: not a repository object") from None
            yield key, RepoAnswer(found=True, archived=archived, full_name=full_name)
