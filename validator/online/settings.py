"""The settings of the online look-ups: service addresses, limits and the cache folder, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _float(env: dict[str, str], name: str, default: float) -> float:
    # A bad value in the environment falls back to the default rather than stopping a validation.
    try:
        value = float(env.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def _int(env: dict[str, str], name: str, default: int) -> int:
    try:
        value = int(env.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def cache_root(env: dict[str, str] | None = None) -> Path:
    """`$XDG_CACHE_HOME/pwc`, default `~/.cache/pwc` (the folder every pwc cache lives in)."""
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "pwc"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the services are and how patiently to ask them."""

    arxiv_url: str = "https://export.arxiv.org/api/query"
    doi_url: str = "https://api.crossref.org/works"
    github_url: str = "https://api.github.com"
    github_token: str | None = None
    contact: str | None = None
    cache_dir: Path = field(default_factory=cache_root)
    # arXiv asks for at most one request every three seconds.
    arxiv_min_interval: float = 3.0
    # ids per arXiv request; id_list with a hundred ids keeps the URL short.
    arxiv_batch: int = 100
    # seconds for one request (connect and each read).
    timeout: float = 15.0
    # attempts after the first one on 429, 5xx and connection failures.
    retries: int = 3
    # first back-off in seconds, doubled after every failed attempt.
    backoff: float = 1.0
    # longest Retry-After that is honoured; a service asking for more is given up on.
    max_retry_after: float = 30.0
    # total seconds all services may spend failing (timeouts, refused connections, back-off)
    # before every remaining look-up is given up.
    budget: float = 60.0
    # answers are kept this long; "does not exist" answers for a shorter time.
    ttl_found: float = 30 * 86400.0
    ttl_missing: float = 86400.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        d = cls(cache_dir=cache_root(env))
        return cls(
            arxiv_url=env.get("PWC_ARXIV_API_URL") or d.arxiv_url,
            doi_url=(env.get("PWC_DOI_API_URL") or d.doi_url).rstrip("/"),
            github_url=(env.get("GITHUB_API_URL") or d.github_url).rstrip("/"),
            github_token=env.get("GITHUB_TOKEN") or None,
            contact=env.get("PWC_CONTACT_EMAIL") or None,
            cache_dir=d.cache_dir,
            arxiv_min_interval=_float(env, "PWC_ARXIV_MIN_INTERVAL", d.arxiv_min_interval),
            arxiv_batch=max(1, _int(env, "PWC_ARXIV_BATCH", d.arxiv_batch)),
            timeout=_float(env, "PWC_ONLINE_TIMEOUT", d.timeout) or d.timeout,
            retries=_int(env, "PWC_ONLINE_RETRIES", d.retries),
            backoff=_float(env, "PWC_ONLINE_BACKOFF", d.backoff),
            max_retry_after=_float(env, "PWC_ONLINE_MAX_RETRY_AFTER", d.max_retry_after),
            budget=_float(env, "PWC_ONLINE_BUDGET", d.budget),
        )
