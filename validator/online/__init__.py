"""Online look-ups of paper and code identifiers: one client per service over one HTTP layer.

`lookup.look_up` is the entry point: the answer cache first (`cache`), then arXiv (`arxiv`),
Crossref (`crossref`) and GitHub (`github`) side by side, each through `http.Http` (timeouts,
retries with back-off, Retry-After, rate limits, a shared time budget), with the addresses and
limits of `settings.Settings`. Stand-ins of the services for tests live in `tests/standins/`.
"""
