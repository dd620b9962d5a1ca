"""`pwc cache`: show where the on-disk cache lives, or clear it (`pwc cache clear`)."""

from __future__ import annotations

import argparse
import shutil
import sys

from validator.online.settings import cache_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("clear", "path"),
        help="clear: remove every pwc cache (look-up answers and any others); path: print the folder",
    )


def run(args: argparse.Namespace) -> int:
    folder = cache_root()
    if args.action == "path":
        print(folder)
        return 0
    if not folder.exists():
        print(f"pwc cache: nothing to clear ({folder} does not exist)")
        return 0
    if not folder.is_dir() or folder.is_symlink():
        print(f"pwc cache: {folder} is not a folder; not touching it", file=sys.stderr)
        return 2
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        print(f"pwc cache: could not clear {folder}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"pwc cache: cleared {folder}")
    return 0
