"""pydantic models of a ruleset file (SPEC §2): values with provenance, tiers, brackets,
rounding, dated and yearly blocks, areas, meta and sources.

Every model forbids unknown keys. Numbers must be TOML numbers (read as ``Decimal``);
non-finite numbers are refused. Models are built lazily (``defer_build``) so that a
calculation only pays for the sub-sections it reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Confidence = Literal["confirmed", "derived", "unconfirmed"]
CONFIDENCE_RANK = {"confirmed": 0, "derived": 1, "unconfirmed": 2}
MAX_NUMBER = Decimal(10) ** 12


def worst(*levels: str) -> str:
    """The least certain of several confidence levels."""
    return max(levels, key=CONFIDENCE_RANK.__getitem__)


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a number")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError(f"must be below {MAX_NUMBER}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(Decimal(1))  # 1e+2 is written as 100
    return value


#: A ruleset number: an integer or a TOML float read as Decimal, finite, never a string.
Num = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_finite)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Provenance(Model):
    """Where a value comes from; ``source`` defaults to its block's."""

    source: str | None = None
    confidence: Confidence = "confirmed"
    note: str = ""

    @model_validator(mode="after")
    def _note_for_doubt(self) -> Provenance:
        if self.confidence != "confirmed" and not self.note.strip():
            raise ValueError(f"{_a(self.confidence)} value needs a note saying why")
        return self


class Param(Provenance):
    """A parameter: ``{value, source, confidence, note}``; a plain number means just ``value``."""

    value: Num


def _wrap(key: str, kind: type) -> Any:
    def wrap(value: Any) -> Any:
        return value if isinstance(value, dict | kind) else {key: value}

    return wrap


Value = Annotated[Param, BeforeValidator(_wrap("value", Param))]
Tiers = Annotated[dict[str, Value], Field(min_length=1)]


def shallow(model: BaseModel) -> dict[str, Any]:
    """A model's fields as a dict, without building its serializer (start-up)."""
    return {name: getattr(model, name) for name in type(model).model_fields}


class Text(Model):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def _unit(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            raise ValueError(f"{value!r} is not a decimal number") from None
    return value


class Rounding(Model):
    """How an amount is rounded: to a multiple of ``unit`` ("0.01", "0.1", "1") in ``mode``."""

    unit: Annotated[Decimal, BeforeValidator(_number), BeforeValidator(_unit), AfterValidator(_finite)]
    mode: Literal["half_up", "up", "down", "half_even"]

    @model_validator(mode="after")
    def _positive(self) -> Rounding:
        if self.unit <= 0:
            raise ValueError("unit must be positive")
        return self


class BracketRow(Provenance):
    model_config = ConfigDict(populate_by_name=True)

    lower: Num = Field(alias="from")
    upper: Num | None = Field(default=None, alias="to")
    value: Num


class Brackets(Model):
    """Half-open rows ``[from, to)``, contiguous, the last open-ended (SPEC §2.4)."""

    unit: Literal["months", "years", "age"]
    mode: Literal["lookup", "marginal"]
    rows: tuple[BracketRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> Brackets:
        rows = self.rows
        for i, row in enumerate(rows):
            last = i == len(rows) - 1
            if last and row.upper is not None:
                raise ValueError(f"row {i + 1}: the last row must be open-ended (no 'to')")
            if not last:
                if row.upper is None:
                    raise ValueError(f"row {i + 1}: only the last row may be open-ended")
                if row.upper <= row.lower:
                    raise ValueError(f"row {i + 1}: 'to' {row.upper} is not above 'from' {row.lower}")
                nxt = rows[i + 1].lower
                if nxt != row.upper:
                    kind = "gap" if nxt > row.upper else "overlap"
                    raise ValueError(
                        f"row {i + 2} starts at {nxt} but row {i + 1} ends at {row.upper}: a {kind}"
                    )
        return self

    def row_for(self, x: Decimal) -> BracketRow:
        """The row whose ``[from, to)`` holds x (lookup mode)."""
        for row in self.rows:
            if row.lower <= x and (row.upper is None or x < row.upper):
                return row
        raise ValueError(f"{x} {self.unit} is below the first row ({self.rows[0].lower})")

    def marginal(self, x: Decimal) -> Decimal:
        """Sum of each row's value times the part of x inside the row (marginal mode)."""
        total = Decimal(0)
        for row in self.rows:
            top = x if row.upper is None else min(x, row.upper)
            if top > row.lower:
                total += (top - row.lower) * row.value
        return total


class Block(Model):
    """What every block has: the source it comes from and how sure it is."""

    source: str
    confidence: Confidence = "confirmed"
    note: str = ""

    @model_validator(mode="after")
    def _note_for_doubt(self) -> Block:
        if self.confidence != "confirmed" and not self.note.strip():
            raise ValueError(f"{_a(self.confidence)} block needs a note saying why")
        return self


class DatedBlock(Block):
    """In force from ``since`` through ``until`` (inclusive) or the day before the next block."""

    since: dt.date
    until: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> DatedBlock:
        if self.until is not None and self.until < self.since:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self


class YearlyBlock(Block):
    """The figures of one year; never used for another year."""

    year: int = Field(ge=1949, le=2200)
    series: str = ""
    published: dt.date | None = None


class DistrictTier(Provenance):
    tier: str = Field(min_length=1)


District = Annotated[DistrictTier, BeforeValidator(_wrap("tier", DistrictTier))]
AREA_SCHEMES = ("minimum_wage", "unemployment_flat")


class AreaBlock(DatedBlock):
    """Which tier of the ``scheme`` table each district belongs to (SPEC §2.5).

    ``core`` lists the districts a case without ``district`` gets; ``unsourced`` lists
    districts known to belong to the region whose tier no source gives (a case naming one
    is not covered, rather than guessed).
    """

    scheme: Literal["minimum_wage", "unemployment_flat"]
    core: tuple[str, ...] = Field(min_length=1)
    districts: dict[str, District] = Field(min_length=1)
    unsourced: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _core_in_districts(self) -> AreaBlock:
        missing = [d for d in self.core if d not in self.districts]
        if missing:
            raise ValueError(f"core districts {missing} are not in 'districts'")
        tiers = {self.districts[d].tier for d in self.core}
        if len(tiers) > 1:
            raise ValueError(f"core districts span several tiers {sorted(tiers)}")
        both = sorted(set(self.unsourced) & set(self.districts))
        if both:
            raise ValueError(f"{both} are both in 'districts' and 'unsourced'")
        return self

    @property
    def core_tier(self) -> str:
        return self.districts[self.core[0]].tier


class Meta(Model):
    region: str = Field(pattern=r"^[a-z][a-z-]*$", max_length=64)
    level: Literal["national", "province", "city", "district"]
    name: Text
    admin_code: str = Field(default="", pattern=r"^(\d{6})?$")
    aliases: tuple[str, ...] = ()
    extends: str | None = Field(default=None, pattern=r"^[a-z][a-z-]*$", max_length=64)
    version: str = Field(min_length=1)
    published: dt.date
    verified_through: dt.date
    note: str = ""

    @model_validator(mode="after")
    def _extends(self) -> Meta:
        if self.level == "national" and self.extends:
            raise ValueError("the national ruleset extends nothing")
        if self.level != "national" and not self.extends:
            raise ValueError(f"a {self.level} ruleset must name its parent in 'extends'")
        if self.extends == self.region:
            raise ValueError("a ruleset cannot extend itself")
        return self


class Source(Model):
    title: str = Field(min_length=1)
    issuer: str = ""
    doc_no: str = ""
    date: dt.date | None = None
    url: str = ""
    note: str = ""


class Defaults(Model):
    """File-level defaults, used only where a document is silent (the step says so)."""

    round: Rounding
    note: str = ""


class MinimumWageBlock(DatedBlock):
    """月最低工资标准 by area tier; ``hourly`` for non-full-time work where sourced."""

    monthly: Tiers
    hourly: dict[str, Value] = {}

    TIER_TABLE: ClassVar[str] = "monthly"


class LowIncomeStandardBlock(DatedBlock):
    """城市居民最低生活保障标准 (低保), yuan per person per month."""

    monthly: Value


class AverageWageBlock(YearlyBlock):
    """An average wage *of* ``year`` in the named ``series``, yuan per month."""

    monthly: Value

    @model_validator(mode="after")
    def _series(self) -> AverageWageBlock:
        if not self.series:
            raise ValueError("an average wage must name its 'series'")
        return self
