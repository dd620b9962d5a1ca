"""What a service said about one identifier: the values the clients return and the cache stores."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError


class PaperAnswer(BaseModel):
    """A paper service's answer: found (with what it knows) or does not exist."""

    model_config = ConfigDict(frozen=True)

    found: bool
    title: str | None = None
    # ISO dates, possibly partial ("2019-06"), that the service gives for the paper; arXiv gives
    # the first version's date, Crossref the issued, print and online dates.
    dates: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    abstract: str | None = None
    # What else is worth saying, such as "registered with DataCite, not Crossref".
    note: str | None = None


class RepoAnswer(BaseModel):
    """A code host's answer about one repository."""

    model_config = ConfigDict(frozen=True)

    found: bool
    archived: bool = False
    full_name: str | None = None


def paper_from_cache(value: object) -> PaperAnswer | None:
    try:
        return PaperAnswer.model_validate(value)
    except ValidationError:
        return None  # a damaged cache entry is asked again


def repo_from_cache(value: object) -> RepoAnswer | None:
    try:
        return RepoAnswer.model_validate(value)
    except ValidationError:
        return None
