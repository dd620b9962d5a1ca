"""The `pwc` command line: argument parsing only, a table of commands.

Each command lives in `validator/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`. Modules are imported only for the command that runs, so a small PR check
does not pay for the bot, the site or the importer.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validator.commands.validate", "check results/ (schema, references, metrics, links)"),
    "build": ("validator.commands.build", "validate, then write the leaderboard JSON and the site"),
    "import": ("validator.commands.import_", "convert a Papers with Code archive dump into results/"),
    "bot": ("validator.commands.bot", "the pull-request bot (comment on a PR from a report)"),
    "new": ("validator.commands.new", "start a paper file from an arXiv id"),
    "serve": ("validator.commands.serve", "preview the built site on 127.0.0.1"),
    "cache": ("validator.commands.cache", "manage the on-disk cache (pwc cache clear)"),
    "schema": ("validator.commands.schema", "write the JSON Schemas generated from the models"),
    "docs": ("validator.commands.docs", "write docs/problems.md from the check registry"),
}


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad arguments, which is our 'could not run' status."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="pwc", description="Papers With Code 2 tools.")
    from validator import __version__

    parser.add_argument("--version", action="version", version=f"pwc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue  # a command not built yet stays listed but does nothing
            module.add_arguments(cmd)
            cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Import only the command that is asked for: the first argument naming a command.
    only = next((a for a in args_list if a in COMMANDS), None)
    parser = build_parser(only)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version, bad arguments
        return int(exc.code or 0)
    run = getattr(args, "_run", None)
    if run is None:
        print(f"pwc: command {args.command!r} is not available", file=sys.stderr)
        return 2
    try:
        return int(run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


# Objects a command hands over with `hold` when it runs as the program (not when a test calls
# `main`): they are never freed, since the process ends with `os._exit` right after.
_HELD: list[object] = []
_PROGRAM = False


def hold(*objects: object) -> None:
    """Keep these (a loaded repository, a built export) alive until the program exits: freeing
    them when the command returns would cost a tenth of a second per 10,000 files for nothing."""
    if _PROGRAM:
        _HELD.extend(objects)


def entry() -> None:
    """The `pwc` program: run the command, then leave at once.

    A large validation holds millions of small objects; letting the interpreter free them one by
    one at exit costs a tenth of a second per 10,000 files and changes nothing, so once the
    command has returned and its output is flushed the process ends with `os._exit`."""
    global _PROGRAM
    _PROGRAM = True
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
