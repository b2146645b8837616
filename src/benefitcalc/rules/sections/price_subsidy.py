"""Ruleset models of 价格临时补贴 (the temporary price subsidy of 社会救助和保障标准与物价上涨挂钩
联动机制, 发改价格规〔2016〕1835号 and its successors): when a city's monthly price index rises
past a threshold, the covered groups get a subsidy for that month.

- ``price_subsidy.national_trigger``: the national thresholds (percent, year on year, one
  month) of CPI, food CPI and SCPI, including a period a national notice lowers them
  (2022-08 → 2023-02 indices: CPI 3.0); a month triggers when any index reaches its threshold.
- ``price_subsidy.trigger``: a province's or city's own thresholds: a locality may lower a
  threshold but never raise it, so for each index the lower of the two applies.
- ``price_subsidy.groups``: the groups covered, dated (temporary additions are their own
  blocks).
- ``price_subsidy.amount``: the amount, one method per formula shape.
- ``price_subsidy.multiplier``: a temporary multiple of the amount (2020-03 → 2020-06: × 2).
- ``price_subsidy.indices``: a city's published index rises (and paid amounts) by month, one
  block per year, where a source gives them; a case supplies the rises for other months.

Index rises are percents as decimals (3.2 means 3.2 %). All dates are of the *index month*.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ...errors import BilingualValueError
from ..schema import Brackets, DatedBlock, Int, Provenance, Roundings, Signed, Str, Value, YearlyBlock
from . import Group, Subsection

Index = Literal["cpi", "food_cpi", "scpi"]
INDICES: tuple[str, ...] = ("cpi", "food_cpi", "scpi")
#: the groups a case may name (发改价格规〔2016〕1835号 and the later notices)
GROUPS = ("unemployment_benefit", "unemployment_assistance", "low_income", "low_income_margin",
          "extreme_poverty", "special_care", "orphan", "de_facto_orphan", "hiv_child")
GroupName = Literal["unemployment_benefit", "unemployment_assistance", "low_income", "low_income_margin",
                    "extreme_poverty", "special_care", "orphan", "de_facto_orphan", "hiv_child"]


class Thresholds(DatedBlock):
    """Thresholds in percent (year on year, one month); an index not given does not trigger."""

    cpi: Value | None = None
    food_cpi: Value | None = None
    scpi: Value | None = None
    #: months from the index month to the payment month, where the rule fixes it (2021: "在
    #: 相关价格指数公布当月发放", the month after the index month)
    payment_lag_months: Annotated[Int, Field(ge=0, le=3)] | None = None

    @model_validator(mode="after")
    def _some(self) -> Thresholds:
        if self.cpi is None and self.food_cpi is None and self.scpi is None:
            raise BilingualValueError("give at least one of cpi, food_cpi and scpi",
                                      "cpi、food_cpi、scpi 至少须给出一项")
        return self


class Covered(DatedBlock):
    """The groups that get the subsidy while the block is in force."""

    covered: tuple[GroupName, ...] = Field(min_length=1)


class AmountBase(DatedBlock):
    """An amount formula; ``floor`` is the least a triggered month pays (``urban``, ``rural``)."""

    floor: dict[Literal["urban", "rural"], Value] = {}
    round: Roundings | None = None


class LowIncomeTimesRise(AmountBase):
    """低保 (urban, or rural for a rural case) × the rise of ``index`` in percent ÷ 100 —
    ``triggering``: the index that triggered, the higher amount if several did (Hubei)."""

    method: Literal["low_income_times_rise"]
    index: Literal["cpi", "food_cpi", "scpi", "triggering"]

    READS: ClassVar[tuple[str, ...]] = ("low_income_standard",)


class FractionOfLowIncome(AmountBase):
    """低保 ÷ a divisor looked up by the rise of ``index`` (percent brackets: Jiangsu 1/12
    from 3 %, 1/8 from 5 %)."""

    method: Literal["fraction_of_low_income"]
    index: Literal["cpi", "food_cpi", "scpi", "triggering"]
    divisor: Brackets

    READS: ClassVar[tuple[str, ...]] = ("low_income_standard",)

    @model_validator(mode="after")
    def _divisor(self) -> FractionOfLowIncome:
        if self.divisor.mode != "lookup" or self.divisor.unit != "percent":
            raise BilingualValueError("divisor must be lookup brackets in percent",
                                      "divisor 须为 lookup 分段表，unit 为 percent")
        if any(row.value <= 0 for row in self.divisor.rows):
            raise BilingualValueError("divisor: every row must be above 0", "divisor：每一行的值都须大于 0")
        return self


class NotSourced(AmountBase):
    """The formula is not sourced: a triggered month is ``no_ruleset_in_force``, never a guess."""

    method: Literal["not_sourced"]
    unsourced: Str = Field(min_length=1)


Amount = Annotated[LowIncomeTimesRise | FractionOfLowIncome | NotSourced, Field(discriminator="method")]


class Multiplier(DatedBlock):
    """A temporary multiple of the amount (2020-03 → 2020-06: 阶段性提高…1倍, × 2)."""

    times: Value


class Month(Provenance):
    """One month's published rises (percent) and the amount paid to unemployment-benefit
    recipients, where the source gives them."""

    cpi: Signed | None = None
    food_cpi: Signed | None = None
    scpi: Signed | None = None
    paid_unemployment_benefit: Value | None = None


def _month_keys(months: dict[str, Month]) -> dict[str, Month]:
    bad = sorted(k for k in months if k not in {f"{m:02d}" for m in range(1, 13)})
    if bad:
        raise BilingualValueError(f"months are \"01\" to \"12\", not {bad}", f"月份须为 \"01\" 至 \"12\"，不能是 {bad}")
    return months


class Indices(YearlyBlock):
    """A city's published index rises of ``year``, by month ("01" … "12")."""

    months: dict[str, Month] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys(self) -> Indices:
        _month_keys(self.months)
        return self


GROUP = Group("price_subsidy", [
    Subsection("price_subsidy.trigger", Thresholds, optional=True),
    Subsection("price_subsidy.national_trigger", Thresholds),
    Subsection("price_subsidy.groups", Covered),
    Subsection("price_subsidy.amount", Amount),
    Subsection("price_subsidy.multiplier", Multiplier, optional=True),
    Subsection("price_subsidy.indices", Indices, kind="yearly", lag=0, optional=True),
])

__all__ = ["GROUP", "GROUPS", "INDICES", "GroupName", "Index"]
