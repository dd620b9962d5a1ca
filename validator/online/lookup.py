"""Look many identifiers up at once: cache first, then arXiv, Crossref and GitHub side by side.

Each service runs in its own thread, so a slow or dead service does not hold the others up; they
share one time budget for failures, so a run where nothing answers still ends in bounded time.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from validator.online.answers import PaperAnswer, RepoAnswer
from validator.online.arxiv import ArxivClient
from validator.online.cache import AnswerCache
from validator.online.crossref import CrossrefClient
from validator.online.github import GithubClient
from validator.online.http import Http
from validator.online.progress import Progress
from validator.online.settings import Settings


@dataclass(slots=True)
class Lookups:
    """The answers of one run, and for each service that failed, why."""

    arxiv: dict[str, PaperAnswer] = field(default_factory=dict)
    doi: dict[str, PaperAnswer] = field(default_factory=dict)
    github: dict[str, RepoAnswer] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # service name -> reason
    requests: int = 0


def look_up(
    arxiv_ids: Iterable[str],
    dois: Iterable[str],
    repos: Iterable[str],
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Lookups:
    """Answers for arXiv ids, DOIs (lowercase) and GitHub `owner/name` keys (lowercase)."""
    settings = settings or Settings.from_env()
    wanted = {
        "arxiv": list(dict.fromkeys(arxiv_ids)),
        "doi": list(dict.fromkeys(dois)),
        "github": list(dict.fromkeys(repos)),
    }
    progress = progress or Progress(sum(len(v) for v in wanted.values()))
    cache = AnswerCache(settings.cache_dir)
    http = Http(settings)
    clients = {
        "arxiv": ArxivClient(http, cache),
        "doi": CrossrefClient(http, cache),
        "github": GithubClient(http, cache),
    }
    out = Lookups()
    try:
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="pwc-online") as pool:
            futures = {
                kind: pool.submit(clients[kind].lookup, keys, progress.advance)
                for kind, keys in wanted.items()
                if keys
            }
            for kind, future in futures.items():
                try:
                    setattr(out, kind, future.result())
                except Exception as exc:  # noqa: BLE001 - a look-up that cannot be made is a warning, never a crash
                    clients[kind].failure = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        progress.close()
        cache.close()
    for kind, client in clients.items():
        out.requests += client.service.requests
        if client.failure is not None and wanted[kind]:
            out.failures[client.name] = client.failure
    return out
