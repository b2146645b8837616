"""The error hierarchy and the documented exit statuses (SPEC §3.3, §4).

Library code raises these; ``cli.py`` has the one handler that turns them into a
one-line message and an exit status. Every error carries a stable ``code``, an
English ``message`` and JSON-ready ``details``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitStatus(IntEnum):
    OK = 0
    BUG = 1
    USAGE = 2
    INVALID_INPUT = 3
    RULESET = 4
    DIFFERENCES = 5


class BenefitcalcError(Exception):
    """Base of every expected error; ``code`` and ``exit_status`` are fixed per class."""

    code = "error"
    exit_status = ExitStatus.BUG

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInputError(BenefitcalcError):
    """A case, an option or a command argument that cannot be used (exit 3)."""

    code = "invalid_input"
    exit_status = ExitStatus.INVALID_INPUT

    def __init__(self, message: str, field: str | None = None, **details: Any) -> None:
        if field is not None:
            details = {"field": field, **details}
        super().__init__(message, details)
        self.field = field


class UnknownRegionError(BenefitcalcError):
    """A region name that is no slug, alias or admin code of a shipped ruleset (exit 3)."""

    code = "unknown_region"
    exit_status = ExitStatus.INVALID_INPUT


class NoRulesetInForceError(BenefitcalcError):
    """No level of the region chain has a block in force on the date (exit 4)."""

    code = "no_ruleset_in_force"
    exit_status = ExitStatus.RULESET


class Problem:
    """One problem in one ruleset file: the file, the key path inside it and what is wrong."""

    __slots__ = ("file", "path", "message")

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file, self.path, self.message = file, path, message

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "message": self.message}


class InvalidRulesetError(BenefitcalcError):
    """One or more problems in ruleset files (exit 4); the message names the first."""

    code = "invalid_ruleset"
    exit_status = ExitStatus.RULESET

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}", {"problems": [p.to_json() for p in problems]})


class DifferencesFound(BenefitcalcError):
    """A check that found differences: ``--strict`` saw warnings, ``verify`` saw drift (exit 5)."""

    code = "differences"
    exit_status = ExitStatus.DIFFERENCES
