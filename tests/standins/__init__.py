"""Local stand-ins for the services the project talks to: real HTTP servers on 127.0.0.1, port 0.

`StandIn` is the shared server: it records every request and can be told to misbehave the way
real services do (an error status with headers, a garbage body, no answer at all) for the next
few requests or for good. Each service's stand-in subclasses it and answers in that service's
real format.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(slots=True)
class Fault:
    """One way to answer badly: a status (with headers and body), or `hang` (never answer)."""

    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang: bool = False


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]


class StandIn:
    """A threaded HTTP server on 127.0.0.1; subclasses implement `answer`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._faults: deque[Fault] = deque()
        self._always: Fault | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                stand_in._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                stand_in._serve(self, "POST")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # quiet test output

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # --- misbehaving on purpose -------------------------------------------------------------
    def fail(self, fault: Fault, times: int | None = None) -> None:
        """Answer with `fault` for the next `times` requests, or for every request when None."""
        with self._lock:
            if times is None:
                self._always = fault
            else:
                self._faults.extend(fault for _ in range(times))

    def recover(self) -> None:
        with self._lock:
            self._always = None
            self._faults.clear()

    # --- the server ---------------------------------------------------------------------------
    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(
            method,
            urllib.parse.unquote(split.path),
            urllib.parse.parse_qs(split.query, keep_blank_values=True),
            {k: v for k, v in handler.headers.items()},
            body,
        )
        with self._lock:
            self.requests.append(request)
            fault = self._faults.popleft() if self._faults else self._always
        if fault is not None and fault.hang:
            # Hold the connection open without a word until the test ends.
            self._stop.wait(60)
            return
        status, headers, payload = (fault.status, fault.headers, fault.body) if fault else self.answer(request)
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
