"""The registry of problem codes and of the checks that emit them.

Every problem code is declared once here (code, severity, family, summary, explanation, a bad and
a good example); `docs/problems.md` is generated from this registry. Checks are plain functions
that take the loaded repository and yield problems; a check module registers them with
`@repository_check`, so adding a check never needs an `if` anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.report.problem import Problem, Severity

if TYPE_CHECKING:
    from validator.load.repository import Repository

FAMILIES = {
    "reading": "1. Reading",
    "schema": "2. Schema",
    "references": "3. References",
    "metrics": "4. Metric consistency",
    "links": "5. Paper and code links",
    "review": "6. Review signals",
}

Position = tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Code:
    """A problem code: its identity, severity and documentation."""

    code: str
    severity: Severity
    family: str
    summary: str
    explanation: str
    bad: str
    good: str

    def __call__(
        self, file: str | None, pos: Position, message: str, hint: str | None = None
    ) -> Problem:
        line, column = pos if pos else (None, None)
        return Problem(self.severity, self.code, file, line, column, message, hint)


CODES: dict[str, Code] = {}


def code(
    code: str,
    severity: Severity,
    family: str,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
) -> Code:
    """Declare a problem code; each code is declared exactly once."""
    if code in CODES:
        raise ValueError(f"problem code {code!r} declared twice")
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    declared = Code(code, severity, family, summary, explanation.strip(), bad.strip("\n"), good.strip("\n"))
    CODES[code] = declared
    return declared


RepositoryCheck = Callable[["Repository"], Iterable[Problem]]
CHECKS: list[tuple[str, RepositoryCheck]] = []


def repository_check(fn: RepositoryCheck) -> RepositoryCheck:
    """Register a check over the whole loaded repository (run once per validation)."""
    CHECKS.append((f"{fn.__module__}.{fn.__qualname__}", fn))
    return fn


def load_all() -> None:
    """Import every check module so that their codes and checks are registered."""
    import validator.checks.links  # noqa: F401
    from validator.checks import (  # noqa: F401
        constraints,
        duplicates,
        metrics,
        reading,
        references,
        review,
        schema,
    )
