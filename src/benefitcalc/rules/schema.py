"""pydantic models of a ruleset file (SPEC §2): values with provenance, tiers, brackets,
rounding, dated, yearly and additive blocks, areas, meta and sources.

Every model forbids unknown keys, and every scalar field is *strict*: a TOML boolean, a
TOML date, a string, an integer — never a string that looks like one. So validation never
coerces, and the only conversions are the ``BeforeValidator``/``AfterValidator`` functions
written here, which the trusted construction path (``construct.py``) applies the same way.
A model validator may only reject, never change a value.

Every number has a domain: finite, at most 10 decimal places (``io.py``), from 0 to 10^9,
shares within [0, 1], months whole, rounding units from a known set, dates between
1949-10-01 and 2199-12-31.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from ..errors import BilingualValueError
from .io import TEXT_PROBLEM, number_problem

Confidence = Literal["confirmed", "derived", "unconfirmed"]
FIRST_DAY = dt.date(1949, 10, 1)
#: The largest ruleset number (yuan, months, counts): products of two stay far inside
#: Decimal's 28 digits.
MAX_VALUE = Decimal(10) ** 9
LAST_DAY = dt.date(2199, 12, 31)


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def zh_of(exc: ValueError) -> str:
    """The Chinese of a validator's error, for a message that wraps it."""
    return exc.zh if isinstance(exc, BilingualValueError) else str(exc)


def _in_era(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise BilingualValueError(f"must be between {FIRST_DAY} and {LAST_DAY}", f"须在 {FIRST_DAY} 至 {LAST_DAY} 之间")
    return value


def _plain_text(value: str) -> str:
    if "\x00" in value or len(value) > 10_000:
        raise BilingualValueError(*TEXT_PROBLEM)
    return value


Bool = Annotated[bool, Strict()]
Str = Annotated[str, Strict(), AfterValidator(_plain_text)]
Int = Annotated[int, Strict()]
Date = Annotated[dt.date, Strict(), AfterValidator(_in_era)]


def _number(value: Any) -> Decimal:
    """A TOML integer or float (read as Decimal), as a Decimal; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise BilingualValueError("must be a number", "须为数字")
    return Decimal(value) if isinstance(value, int) else value


def _checked(value: Decimal) -> Decimal:
    problem = number_problem(value)
    if problem:
        raise BilingualValueError(*problem)
    if value < 0:
        raise BilingualValueError("must not be negative", "不得为负数")
    if value > MAX_VALUE:
        raise BilingualValueError(f"must be at most {MAX_VALUE:f}", f"须不大于 {MAX_VALUE:f}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(Decimal(1))  # 1e+2 is written as 100
    return value


#: A ruleset number: an integer or a TOML float read as Decimal, finite, 0 to 10^9.
Num = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_checked)]


def _signed(value: Decimal) -> Decimal:
    return -_checked(-value) if value < 0 else _checked(value)


#: A number that may be negative (a price index that fell), otherwise as ``Num``.
Signed = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_signed)]


def check_share(value: Decimal) -> Decimal:
    if value > 1:
        raise BilingualValueError("a share must be between 0 and 1", "比例须在 0 至 1 之间")
    return value


def check_whole(value: Decimal) -> Decimal:
    if value != value.to_integral_value():
        raise BilingualValueError("must be a whole number", "须为整数")
    return value


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Provenance(Model):
    """Where a value comes from; ``source`` defaults to its block's."""

    source: Str | None = None
    confidence: Confidence = "confirmed"
    note: Str = ""

    @model_validator(mode="after")
    def _note_for_doubt(self) -> Provenance:
        if self.confidence != "confirmed" and not self.note.strip():
            raise BilingualValueError(f"{_a(self.confidence)} value needs a note saying why",
                                      f"可信度为 '{self.confidence}' 的值须在 note 中说明原因")
        return self


class Param(Provenance):
    """A parameter: ``{value, source, confidence, note}``; a plain number means just ``value``."""

    value: Num


def _wrap(key: str, kind: type) -> Callable[[Any], Any]:
    def wrap(value: Any) -> Any:
        return value if isinstance(value, dict | kind) else {key: value}

    return wrap


def _param_check(check: Callable[[Decimal], Decimal]) -> Callable[[Param], Param]:
    def run(param: Param) -> Param:
        check(param.value)
        return param

    return run


#: A non-negative amount or rate.
Value = Annotated[Param, BeforeValidator(_wrap("value", Param))]
#: A share of something, within [0, 1].
Share = Annotated[Param, BeforeValidator(_wrap("value", Param)), AfterValidator(_param_check(check_share))]
#: A whole number (months, years, a count).
Whole = Annotated[Param, BeforeValidator(_wrap("value", Param)), AfterValidator(_param_check(check_whole))]
Tiers = Annotated[dict[str, Value], Field(min_length=1)]


class Text(Model):
    zh: Str = Field(min_length=1)
    en: Str = Field(min_length=1)


ROUNDING_UNITS = tuple(Decimal(u) for u in ("0.01", "0.05", "0.1", "0.5", "1", "5", "10"))


def _unit(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except ArithmeticError:
            raise BilingualValueError(f"{value!r} is not a decimal number", f"{value!r} 不是十进制数") from None
    value = _number(value)
    if value not in ROUNDING_UNITS:
        raise BilingualValueError(f"a rounding unit must be one of {', '.join(map(str, ROUNDING_UNITS))}",
                                  f"舍入单位须为以下之一：{'、'.join(map(str, ROUNDING_UNITS))}")
    return value


class Rounding(Model):
    """How an amount is rounded: to a multiple of ``unit`` ("0.01", "0.1", "1") in ``mode``;
    with ``after``, the amount is first cut down to that finer unit (见分进角: the whole fen,
    then any fen up to the next jiao — unit "0.1", mode "up", after "0.01"; 见角进元: after
    "0.1", unit "1", mode "up")."""

    unit: Annotated[Decimal, BeforeValidator(_unit)]
    mode: Literal["half_up", "up", "down", "half_even"]
    after: Annotated[Decimal, BeforeValidator(_unit)] | None = None

    @model_validator(mode="after")
    def _finer(self) -> Rounding:
        if self.after is not None and self.after >= self.unit:
            raise BilingualValueError(f"after {self.after} must be finer than unit {self.unit}",
                                      f"after {self.after} 须比 unit {self.unit} 更精细")
        return self


def _components(value: Any) -> Any:
    """``round = { unit, mode }`` rounds the block's amount; ``round = { <component> = {
    unit, mode }, … }`` rounds named components of a sum (Jiangsu's 见分进角 on the
    percentage part only)."""
    if isinstance(value, dict) and ("unit" in value or "mode" in value):
        return {"amount": value}
    return value


#: Rounding per component of what a block produces; ``amount`` is the block's own amount.
Roundings = Annotated[dict[str, Rounding], BeforeValidator(_components), Field(min_length=1)]


class BracketRow(Provenance):
    model_config = ConfigDict(populate_by_name=True)

    lower: Num = Field(alias="from")
    upper: Num | None = Field(default=None, alias="to")
    value: Num


class Brackets(Model):
    """Half-open rows ``[from, to)``, contiguous, the last open-ended (SPEC §2.4)."""

    unit: Literal["months", "years", "age", "calendar_year", "percent"]
    mode: Literal["lookup", "marginal"]
    rows: tuple[BracketRow, ...] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _contiguous(self) -> Brackets:
        rows = self.rows
        for i, row in enumerate(rows):
            last = i == len(rows) - 1
            if last and row.upper is not None:
                raise BilingualValueError(f"row {i + 1}: the last row must be open-ended (no 'to')",
                                          f"第 {i + 1} 行：最后一行须不设上限（不写 'to'）")
            if not last:
                if row.upper is None:
                    raise BilingualValueError(f"row {i + 1}: only the last row may be open-ended",
                                              f"第 {i + 1} 行：只有最后一行可以不设上限")
                if row.upper <= row.lower:
                    raise BilingualValueError(f"row {i + 1}: 'to' {row.upper} is not above 'from' {row.lower}",
                                              f"第 {i + 1} 行：'to' {row.upper} 不大于 'from' {row.lower}")
                nxt = rows[i + 1].lower
                if nxt != row.upper:
                    kind = "gap" if nxt > row.upper else "overlap"
                    raise BilingualValueError(
                        f"row {i + 2} starts at {nxt} but row {i + 1} ends at {row.upper}: a {kind}",
                        f"第 {i + 2} 行起于 {nxt}，但第 {i + 1} 行止于 {row.upper}："
                        + ("中间有空缺" if kind == "gap" else "两行重叠"),
                    )
        return self

    def row_for(self, x: Decimal) -> BracketRow | None:
        """The row whose ``[from, to)`` holds x (lookup mode); None below the first row."""
        for row in self.rows:
            if row.lower <= x and (row.upper is None or x < row.upper):
                return row
        return None

    def parts(self, x: Decimal) -> list[tuple[BracketRow, Decimal]]:
        """Marginal mode: each row that ``x`` reaches, with the part of ``x`` inside it."""
        out = []
        for row in self.rows:
            top = x if row.upper is None else min(x, row.upper)
            if top > row.lower:
                out.append((row, top - row.lower))
        return out

    def marginal(self, x: Decimal) -> Decimal:
        """Σ each row's value × the part of ``x`` inside the row (marginal mode)."""
        return sum((part * row.value for row, part in self.parts(x)), Decimal(0))

    def check_values(self, what: str, check: Callable[[Decimal], Decimal]) -> None:
        """Apply a domain check to every row's value (for a block's model validator)."""
        for i, row in enumerate(self.rows):
            try:
                check(row.value)
            except ValueError as exc:
                raise BilingualValueError(f"{what} row {i + 1}: {exc}", f"{what} 第 {i + 1} 行：{zh_of(exc)}") from None


#: block class → whether it has an ``unsourced`` field (read on every block a calculation uses)
_HAS_UNSOURCED: dict[type, bool] = {}


class Block(Model):
    """What every block has: the source it comes from and how sure it is."""

    source: Str
    confidence: Confidence = "confirmed"
    note: Str = ""

    #: The sub-sections a block's method reads besides its own (checked by ``rulesets check``
    #: to be covered wherever the block is in force, and enforced by the tracing view).
    READS: ClassVar[tuple[str, ...]] = ()
    #: The components a block's ``round`` may name.
    ROUNDED: ClassVar[tuple[str, ...]] = ("amount",)

    def declared_gaps(self) -> list[str]:
        """What the block's document has but no source gives (a case needing it is a gap)."""
        note = self.unsourced_note()
        return ["figure"] if note else []

    def unsourced_note(self) -> str | None:
        """Why the whole block is a declared gap (a figure in force that no source gives), or None."""
        kind = type(self)
        has = _HAS_UNSOURCED.get(kind)
        if has is None:  # not getattr: pydantic's miss path is slow; nor model_fields each time
            has = _HAS_UNSOURCED[kind] = "unsourced" in kind.model_fields
        if not has:
            return None
        value = self.unsourced  # type: ignore[attr-defined]
        return value if isinstance(value, str) else None

    @model_validator(mode="after")
    def _block_checks(self) -> Block:
        if self.confidence != "confirmed" and not self.note.strip():
            raise BilingualValueError(f"{_a(self.confidence)} block needs a note saying why",
                                      f"可信度为 '{self.confidence}' 的规则块须在 note 中说明原因")
        rounding = getattr(self, "round", None)
        if rounding:
            unknown = sorted(set(rounding) - set(self.ROUNDED))
            if unknown:
                raise BilingualValueError(f"round names {unknown}; this block rounds {list(self.ROUNDED)}",
                                          f"round 指定了 {unknown}；此规则块只对 {list(self.ROUNDED)} 舍入")
        return self


class DatedBlock(Block):
    """In force from ``since`` through ``until`` (inclusive) or the day before the next block."""

    since: Date
    until: Date | None = None

    @model_validator(mode="after")
    def _order(self) -> DatedBlock:
        if self.until is not None and self.until < self.since:
            raise BilingualValueError(f"until {self.until} is before since {self.since}",
                                      f"until {self.until} 早于 since {self.since}")
        return self


class YearlyBlock(Block):
    """The figures of one year; never used for another year."""

    year: Int = Field(ge=1949, le=2199)
    series: Str = ""
    published: Date | None = None


class LayerBlock(DatedBlock):
    """A level's part of an additive sub-section (README, "Additive layering"): ``add`` is
    added to what the levels above give; ``at_least`` raises the running total to a minimum
    that already includes them (a province's published minimum that includes the national part)."""

    add: Value | None = None
    at_least: Value | None = None
    #: this level has a figure no source gives (a case on such a date names the level)
    unsourced: Str | None = None

    @model_validator(mode="after")
    def _one(self) -> LayerBlock:
        if sum(x is not None for x in (self.add, self.at_least, self.unsourced)) != 1:
            raise BilingualValueError("give exactly one of 'add', 'at_least' and 'unsourced'",
                                      "'add'、'at_least'、'unsourced' 须且只须给出其中一项")
        return self



class DistrictTier(Provenance):
    tier: Str = Field(min_length=1)


District = Annotated[DistrictTier, BeforeValidator(_wrap("tier", DistrictTier))]


class AreaBlock(DatedBlock):
    """Which tier of the ``scheme`` table each district belongs to (SPEC §2.5).

    ``core`` lists the districts a case without ``district`` gets; ``unsourced`` lists
    districts known to belong to the region whose tier no source gives (a case naming one
    is not covered, rather than guessed). Which schemes exist is declared by the sub-section
    modules (``sections``) and checked when the file is validated.
    """

    scheme: Str = Field(pattern=r"^[a-z][a-z_]*$", max_length=64)
    core: tuple[Str, ...] = Field(min_length=1)
    districts: dict[str, District] = Field(min_length=1)
    unsourced: tuple[Str, ...] = ()

    @model_validator(mode="after")
    def _core_in_districts(self) -> AreaBlock:
        missing = [d for d in self.core if d not in self.districts]
        if missing:
            raise BilingualValueError(f"core districts {missing} are not in 'districts'",
                                      f"core 中的区县 {missing} 不在 'districts' 中")
        tiers = {self.districts[d].tier for d in self.core}
        if len(tiers) > 1:
            raise BilingualValueError(f"core districts span several tiers {sorted(tiers)}",
                                      f"core 中的区县分属多个档次 {sorted(tiers)}")
        both = sorted(set(self.unsourced) & set(self.districts))
        if both:
            raise BilingualValueError(f"{both} are both in 'districts' and 'unsourced'",
                                      f"{both} 同时出现在 'districts' 和 'unsourced' 中")
        return self

    @property
    def core_tier(self) -> str:
        return self.districts[self.core[0]].tier


class Meta(Model):
    region: Str = Field(pattern=r"^[a-z][a-z-]*$", max_length=64)
    level: Literal["national", "province", "city", "district"]
    name: Text
    admin_code: Str = Field(default="", pattern=r"^(\d{6})?$")
    aliases: tuple[Str, ...] = ()
    extends: Str | None = Field(default=None, pattern=r"^[a-z][a-z-]*$", max_length=64)
    version: Str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")
    published: Date
    verified_through: Date
    note: Str = ""

    @model_validator(mode="after")
    def _extends(self) -> Meta:
        if self.level == "national" and self.extends:
            raise BilingualValueError("the national ruleset extends nothing", "全国规则集不得设置 'extends'")
        if self.level != "national" and not self.extends:
            raise BilingualValueError(f"a {self.level} ruleset must name its parent in 'extends'",
                                      f"{self.level} 级规则集须在 'extends' 中指明上级规则集")
        if self.extends == self.region:
            raise BilingualValueError("a ruleset cannot extend itself", "规则集不能继承自身")
        return self


class Source(Model):
    title: Str = Field(min_length=1)
    issuer: Str = ""
    doc_no: Str = ""
    date: Date | None = None
    url: Str = ""
    note: Str = ""

    def record(self) -> dict[str, str]:
        """The fields that are set, as JSON text (dates in ISO form)."""
        out = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value not in ("", None):
                out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out


class Defaults(Model):
    """File-level defaults, used only where a document is silent (the step says so)."""

    round: Rounding
    note: Str = ""


def data_of(node: Any) -> Any:
    """A validated model as plain data for the canonical JSON behind the hashes: every
    field (defaults included) under its name in the file, without pydantic's serializer."""
    if isinstance(node, BaseModel):
        fields = type(node).model_fields
        return {info.alias or name: data_of(getattr(node, name)) for name, info in fields.items()}
    if isinstance(node, dict):
        return {k: data_of(v) for k, v in node.items()}
    if isinstance(node, tuple | list):
        return [data_of(v) for v in node]
    return node

