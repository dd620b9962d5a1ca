"""The one HTTP layer of the service clients: timeouts, retries, back-off, rate limits, a time budget.

Built on `urllib` so that it needs nothing beyond the standard library. A client asks through a
`Service` (one per remote host); the layer answers with a `Response` for any status the client
must interpret itself (200, 404, ...) and raises `ServiceDown` once a service has stopped
answering, after which every later request to it fails at once, so a dead service costs its
time only once per run.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from validator import __version__
from validator.online.settings import Settings

# Statuses that mean "ask again later" rather than "this is the answer".
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
# Answers larger than this are not read: no look-up answer comes anywhere near it.
MAX_BODY = 16 * 1024 * 1024


class ServiceDown(Exception):
    """A service did not answer (or not in time); the reason is shown to the user once."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


class Budget:
    """The seconds all services together may spend failing before everything is given up.

    Time spent on answers does not count; time spent on timeouts, refused connections, error
    answers and back-off waits does. Shared by the services, safe across threads.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._spent = 0.0
        self._lock = threading.Lock()
        self._clock = clock

    def spend(self, seconds: float) -> None:
        with self._lock:
            self._spent += max(0.0, seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self.seconds - self._spent)

    @property
    def exhausted(self) -> bool:
        return self.remaining() <= 0.0


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@dataclass(slots=True)
class Service:
    """One remote service: its name for messages, its rate limit, and whether it is down."""

    name: str
    min_interval: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    down: str | None = None
    requests: int = 0
    _last: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)


class Http:
    """Sends requests for the clients, with the settings' timeouts, retries and budget."""

    def __init__(
        self,
        settings: Settings,
        budget: Budget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.budget = budget or Budget(settings.budget)
        self._sleep = sleep
        self._clock = clock
        contact = f"; mailto:{settings.contact}" if settings.contact else ""
        # Crossref and GitHub ask for an identifying User-Agent (Crossref's "polite pool").
        self.user_agent = f"pwc2-validator/{__version__} (Papers With Code 2 link checker{contact})"
        self._opener = urllib.request.build_opener()

    def service(self, name: str, min_interval: float = 0.0, headers: dict[str, str] | None = None) -> Service:
        return Service(name, min_interval, dict(headers or {}))

    def _wait_turn(self, service: Service) -> None:
        # Rate limit: keep min_interval between the starts of two requests to one service.
        if service._last is not None and service.min_interval > 0:
            wait = service._last + service.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        service._last = self._clock()

    def give_up(self, service: Service, reason: str) -> ServiceDown:
        """Mark `service` down for the rest of the run; the caller raises what this returns."""
        service.down = reason
        return ServiceDown(service.name, reason)

    def pause(self, service: Service, seconds: float, reason: str) -> None:
        """Wait before asking `service` again, paid from the budget; give up if it cannot pay."""
        if seconds > self.budget.remaining():
            raise self.give_up(service, self._spent(reason))
        self.budget.spend(seconds)
        self._sleep(seconds)

    def _spent(self, reason: str) -> str:
        return f"gave up: the {self.settings.budget:g} s time budget for failing services is spent ({reason})"

    def request(
        self,
        service: Service,
        url: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """GET (or POST with `data`) `url`; any non-retryable status is returned to the caller."""
        with service._lock:
            return self._request(service, url, data, headers or {})

    def _request(self, service: Service, url: str, data: bytes | None, headers: dict[str, str]) -> Response:
        if service.down is not None:
            raise ServiceDown(service.name, service.down)
        attempts = self.settings.retries + 1
        reason = "no answer"
        for attempt in range(attempts):
            remaining = self.budget.remaining()
            if remaining <= 0:
                raise self.give_up(service, self._spent(reason))
            self._wait_turn(service)
            timeout = min(self.settings.timeout, remaining)
            try:
                request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
            except ValueError as exc:  # a mistyped service URL in the settings
                raise self.give_up(service, f"cannot ask {url[:100]!r}: {exc}") from None
            request.add_header("User-Agent", self.user_agent)
            for key, value in {**service.headers, **headers}.items():
                request.add_header(key, value)
            started = self._clock()
            wait: float | None = None
            service.requests += 1
            try:
                with self._opener.open(request, timeout=timeout) as answer:
                    body = answer.read(MAX_BODY + 1)
                    if len(body) > MAX_BODY:
                        reason = "answer too large"
                        self.budget.spend(self._clock() - started)
                        raise self.give_up(service, reason)
                    return Response(answer.status, dict(answer.headers.items()), body, answer.url)
            except urllib.error.HTTPError as exc:
                try:
                    body = exc.read(MAX_BODY)
                except (OSError, http.client.HTTPException):
                    body = b""
                headers_in = dict(exc.headers.items()) if exc.headers else {}
                status = exc.code
                # GitHub's primary limit: 403 with X-RateLimit-Remaining 0; its secondary: 403 with Retry-After.
                spent = _header(headers_in, "X-RateLimit-Remaining") == "0"
                limited = status == 403 and (spent or _header(headers_in, "Retry-After") is not None)
                if status not in RETRYABLE and not limited:
                    return Response(status, headers_in, body, url)
                reason = f"HTTP {status}"
                wait = retry_after(_header(headers_in, "Retry-After"))
                if wait is None and limited:
                    reset = _header(headers_in, "X-RateLimit-Reset")
                    try:
                        wait = max(0.0, float(reset or "") - time.time())
                    except ValueError:
                        wait = None
                    authenticated = any(k.lower() == "authorization" for k in {**service.headers, **headers})
                    hint = "" if authenticated else " (set GITHUB_TOKEN for a higher limit)"
                    reason = "rate limit exhausted" + hint
                if wait is not None and wait > self.settings.max_retry_after:
                    self.budget.spend(self._clock() - started)
                    raise self.give_up(service, f"{reason}, asked to wait {wait:.0f} s") from None
            except TimeoutError:
                reason = f"no answer within {timeout:g} s"
            except urllib.error.URLError as exc:
                reason = _describe(exc.reason)
            except (OSError, http.client.HTTPException) as exc:
                reason = _describe(exc)
            except ValueError as exc:  # urllib's answer to URLs it cannot send (bad port, bad characters)
                raise self.give_up(service, f"cannot ask {url[:100]!r}: {exc}") from None
            self.budget.spend(self._clock() - started)
            if attempt == attempts - 1:
                break
            if wait is None:
                wait = self.settings.backoff * (2**attempt)
            remaining = self.budget.remaining()
            if wait > remaining:
                raise self.give_up(service, self._spent(reason))
            self.budget.spend(wait)
            self._sleep(wait)
        raise self.give_up(service, f"{reason} after {attempts} attempt{'s' if attempts != 1 else ''}")


def json_body(body: bytes) -> Any:
    """A JSON answer's value; ValueError for anything that is not JSON (including absurd nesting)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    return None


def _describe(exc: object) -> str:
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:197] + "..."
