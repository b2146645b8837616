"""The error hierarchy and the documented exit statuses (SPEC §3.3, §4).

Library code raises these; ``cli.py`` has the one handler that turns them into a
one-line message and an exit status. Every error carries a stable ``code``, a message in
English (``message``) and Chinese (``zh``), and JSON-ready ``details``; its JSON object
gives the message as ``{zh, en}`` like reasons and warnings (SPEC §3.3).

``ProgrammingError`` is not one of them: it marks a bug in the code (a sub-section name
no ruleset model defines, a step without a label), never a fact about the data, and
ends as exit 1 like any other unexpected exception.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple


class ExitStatus(IntEnum):
    OK = 0
    BUG = 1
    USAGE = 2
    INVALID_INPUT = 3
    RULESET = 4
    DIFFERENCES = 5
    OUTPUT = 74       # the output could not be written (sysexits EX_IOERR): a full disk, a closed stdout
    PIPE = 141        # the reader closed the pipe (| head): 128 + SIGPIPE, as a shell reports it
    INTERRUPTED = 130
    TERMINATED = 143


class ProgrammingError(Exception):
    """A bug in benefitcalc's own code (exit 1), e.g. a calculation reading a sub-section
    it did not declare."""


class BenefitcalcError(Exception):
    """Base of every expected error; ``code`` and ``exit_status`` are fixed per class."""

    code = "error"
    exit_status = ExitStatus.BUG

    def __init__(self, message: str, details: dict[str, Any] | None = None, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh if zh is not None else message
        self.details = details or {}

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.message

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": {"zh": self.zh, "en": self.message}, "details": self.details}


class BilingualValueError(ValueError):
    """A ``ValueError`` raised inside a model validator that also says itself in Chinese;
    ``str()`` is the English text, ``zh`` the Chinese (read back from pydantic's error
    context when a case or ruleset is refused)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


class InvalidInputError(BenefitcalcError):
    """A case, an option or a command argument that cannot be used (exit 3)."""

    code = "invalid_input"
    exit_status = ExitStatus.INVALID_INPUT

    def __init__(self, message: str, field: str | None = None, *, zh: str | None = None, **details: Any) -> None:
        if field is not None:
            details = {"field": field, **details}
        super().__init__(message, details, zh=zh)
        self.field = field


class UnknownRegionError(BenefitcalcError):
    """A region name that is no slug, alias or admin code of a shipped ruleset (exit 3)."""

    code = "unknown_region"
    exit_status = ExitStatus.INVALID_INPUT


class NoRulesetInForceError(BenefitcalcError):
    """No level of the region chain has a block in force on the date (exit 4)."""

    code = "no_ruleset_in_force"
    exit_status = ExitStatus.RULESET


class ProblemKind:
    """What kind of ruleset problem a ``Problem`` is. ``rulesets check --write-manifest``
    decides on these, never on message text: only the ``FIXABLE`` kinds (the MANIFEST is
    merely out of date or unreadable) let it write."""

    INVALID = "invalid"                          # the data itself is wrong
    VERSION_NOT_BUMPED = "version_not_bumped"    # changed content, same meta.version
    MANIFEST_STALE = "manifest_stale"            # new version (or new bytes) not yet recorded
    MANIFEST_MISSING = "manifest_missing"        # no MANIFEST, or no entry for a file
    MANIFEST_EXTRA = "manifest_extra"            # an entry for a file that does not exist
    MANIFEST_UNREADABLE = "manifest_unreadable"  # torn, non-UTF-8 or malformed lines

    FIXABLE = frozenset({MANIFEST_STALE, MANIFEST_MISSING, MANIFEST_EXTRA, MANIFEST_UNREADABLE})


class Problem(NamedTuple):
    """One problem in one ruleset file: the file, the key path inside it, what is wrong
    (in English, and in Chinese as ``zh``) and its ``kind`` (a ``ProblemKind``)."""

    file: str
    path: str
    message: str
    kind: str = ProblemKind.INVALID
    zh: str = ""

    def text(self, lang: str) -> str:
        message = (self.zh or self.message) if lang == "zh" else self.message
        return f"{self.file}: {self.path}: {message}" if self.path else f"{self.file}: {message}"

    def __str__(self) -> str:
        return self.text("en")

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path, "message": {"zh": self.zh or self.message, "en": self.message},
                "kind": self.kind}


class InvalidRulesetError(BenefitcalcError):
    """One or more problems in ruleset files (exit 4); the message names the first."""

    code = "invalid_ruleset"
    exit_status = ExitStatus.RULESET

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        more_zh = f"（另有 {len(problems) - 1} 个问题）" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}", {"problems": [p.to_json() for p in problems]},
                         zh=f"{problems[0].text('zh')}{more_zh}")


def exit_status_of(code: str) -> ExitStatus:
    """The exit status of an error code (SPEC §3.3), as its error class declares it."""
    classes = (InvalidInputError, UnknownRegionError, NoRulesetInForceError, InvalidRulesetError)
    return next((cls.exit_status for cls in classes if cls.code == code), ExitStatus.BUG)

