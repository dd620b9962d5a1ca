"""Entry point for `python -m validator`."""

from validator.cli import main

raise SystemExit(main())
