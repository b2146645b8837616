"""The explanation model (SPEC §3.2): one ``Step`` per number a result shows.

Steps are made by the tracing view of the rules (``calc.base.Rules``): a step that takes
a value from a ruleset carries its param path, block, level, sources and confidence; a
computed step carries its formula.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

CENT = Decimal("0.01")


def fmt(value: Any) -> str:
    """Numbers as fixed-point text, never exponent notation; booleans as true/false."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def money(value: Decimal) -> str:
    """A money value as an amount is written: at least two decimals ("1575.00"), more only
    where an unrounded intermediate has them ("1234.567")."""
    shown = value.normalize()
    exponent = shown.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        shown = shown.quantize(CENT)
    return format(shown, "f")


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
    """One line of an explanation: what was taken or computed, from where.

    ``id`` is unique within a result (``Trace`` refuses a second one); a refinement of a
    number keeps its id as a prefix (``duration_months.capped_at_retirement``), and the last
    step of an amount's id (or its refinements) gives the amount. ``formula_zh`` is the
    formula in Chinese where it has words (None where it is plain arithmetic); ``money``
    shows a Decimal value as an amount ("1575.00"); any other value is shown as written."""

    id: str
    label: tuple[str, str]
    formula: str
    value: Any
    param: str | None = None
    block: BlockRef | None = None
    level: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str | None = None
    formula_zh: str | None = None
    money: bool = False

    @property
    def text(self) -> str:
        """The value as the result shows it: always a string."""
        if self.money and isinstance(self.value, Decimal):
            return money(self.value)
        return fmt(self.value)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "label": {"zh": self.label[0], "en": self.label[1]}, "formula": self.formula}
        if self.formula_zh is not None and self.formula_zh != self.formula:
            out["formula_zh"] = self.formula_zh
        out.update({"value": self.text, "param": self.param,
                    "block": None if self.block is None else self.block.to_json(),
                    "level": self.level, "sources": list(self.sources)})
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out
