"""Entry point for `python -m validator`."""

from validator.cli import entry

entry()
