"""Papers With Code 2: validate benchmark results, build leaderboards, publish them."""

__version__ = "0.1.0"
