"""`pwc serve`: preview the built site on 127.0.0.1 with Python's own static file server."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"  # a preview is for this machine only


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the tree; logs one short line per request on stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def translate_path(self, path: str) -> str:
        """As GitHub Pages does, `/papers/<id>` finds `papers/<id>.html` when nothing else has that name."""
        found = super().translate_path(path)
        if not os.path.exists(found) and os.path.isfile(found + ".html"):
            return found + ".html"
        return found


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", default="build", help="the built site (default: build)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")


def make_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1:`port` (not yet serving)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    return ThreadingHTTPServer((HOST, port), handler)


def site_dir(arg: str) -> Path:
    """The folder to serve. Not resolved: `build` is a link that each `pwc build` swaps
    atomically, and a running preview should show the new tree, not the deleted old one."""
    return Path(arg).absolute()


def run(args: argparse.Namespace) -> int:
    directory = site_dir(args.dir)
    if not (directory / "index.html").is_file():
        print(f"pwc serve: no site in {directory} (run `pwc build --out {args.dir}` first)", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"pwc serve: --port {args.port} is not a port number", file=sys.stderr)
        return 2
    try:
        server = make_server(directory, args.port)
    except OSError as exc:
        print(f"pwc serve: cannot listen on {HOST}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    with server:
        print(f"Serving {directory} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
