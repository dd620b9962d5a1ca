"""The Problem value: every finding of every check, until a renderer prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Severity
    code: str
    file: str | None
    line: int | None
    column: int | None
    message: str
    hint: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        # Every field: a total order, so that the report's order never depends on the order the
        # checks ran in (which follows the order their modules were imported).
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message, self.severity,
                self.hint or "")
