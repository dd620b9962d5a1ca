"""What every service client shares: answers from the cache first, then from the service, stored back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel

from validator.online.cache import AnswerCache
from validator.online.http import Http, Service, ServiceDown
from validator.online.settings import Settings

A = TypeVar("A", bound=BaseModel)
Done = Callable[[int], None]


class Client(Generic[A]):
    """A service client: subclasses say how to ask (`_ask`) and how to read a cached answer."""

    name = "service"
    prefix = "service"

    def __init__(self, http: Http, cache: AnswerCache, service: Service) -> None:
        self.http = http
        self.cache = cache
        self.service = service
        self.settings: Settings = http.settings
        # Why the service could not be asked, once it could not; None while all is well.
        self.failure: str | None = None

    def _from_cache(self, value: object) -> A | None:
        raise NotImplementedError

    def _ask(self, keys: list[str]) -> Iterator[tuple[str, A]]:
        """Ask the service about `keys`, yielding answers as they come (raises ServiceDown)."""
        raise NotImplementedError

    def _found(self, answer: A) -> bool:
        return bool(getattr(answer, "found", True))

    def lookup(self, keys: Iterable[str], done: Done | None = None) -> dict[str, A]:
        """Answers for `keys`; a key missing from the result could not be looked up (see `failure`)."""
        wanted = list(dict.fromkeys(keys))
        answers: dict[str, A] = {}
        for key in wanted:
            value = self.cache.get(f"{self.prefix}:{key}")
            answer = self._from_cache(value) if value is not None else None
            if answer is not None:
                answers[key] = answer
        if done is not None and answers:
            done(len(answers))
        todo = [key for key in wanted if key not in answers]
        if not todo:
            return answers
        pending: list[tuple[str, object, float]] = []
        try:
            for key, answer in self._ask(todo):
                answers[key] = answer
                ttl = self.settings.ttl_found if self._found(answer) else self.settings.ttl_missing
                pending.append((f"{self.prefix}:{key}", answer.model_dump(mode="json"), ttl))
                if done is not None:
                    done(1)
                if len(pending) >= 50:
                    self.cache.put_many(pending)
                    pending = []
        except ServiceDown as exc:
            self.failure = exc.reason
        finally:
            self.cache.put_many(pending)
        return answers
