"""The explanation model (SPEC §3.2): one ``Step`` per number a result shows.

Steps are made by the tracing view of the rules (``calc.base.Rules``): a step that takes
a value from a ruleset carries its param path, block, level, sources and confidence; a
computed step carries its formula.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple


def fmt(value: Any) -> str:
    """Numbers as fixed-point text, never exponent notation; booleans as true/false."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class BlockRef(NamedTuple):
    """Which block a value came from: the region whose file holds it, the sub-section, and
    its ``since`` (dated blocks) or ``year`` (yearly blocks)."""

    region: str
    section: str
    since: dt.date | None = None
    year: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"region": self.region, "section": self.section}
        if self.since is not None:
            out["since"] = self.since.isoformat()
        if self.year is not None:
            out["year"] = self.year
        return out


class Step(NamedTuple):
    """One line of an explanation: what was taken or computed, from where."""

    id: str
    label: tuple[str, str]
    formula: str
    value: Any
    param: str | None = None
    block: BlockRef | None = None
    level: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str | None = None

    def to_json(self) -> dict[str, Any]:
        value = self.value
        shown: str | int = value if isinstance(value, int) and not isinstance(value, bool) else fmt(value)
        out: dict[str, Any] = {
            "id": self.id, "label": {"zh": self.label[0], "en": self.label[1]}, "formula": self.formula,
            "value": shown, "param": self.param, "block": None if self.block is None else self.block.to_json(),
            "level": self.level, "sources": list(self.sources)}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out
