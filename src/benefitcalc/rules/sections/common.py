"""Sub-sections shared by several benefits: the minimum wage (and its area scheme), the
urban 低保, average wages and the national urban disposable income (yearly)."""

from __future__ import annotations

from pydantic import model_validator

from ...errors import BilingualValueError
from ..schema import DatedBlock, Str, Tiers, Value, YearlyBlock
from . import Group, Subsection


class MinimumWageBlock(DatedBlock):
    """月最低工资标准 by area tier; ``hourly`` for non-full-time work where sourced."""

    monthly: Tiers
    hourly: dict[str, Value] = {}


class LowIncomeStandardBlock(DatedBlock):
    """城市居民最低生活保障标准 (低保), yuan per person per month; ``rural`` the 农村 standard
    where the document gives one (a city with one 城乡 standard gives the same figure);
    ``unsourced`` instead of figures where a standard was in force that no source gives."""

    monthly: Value | None = None
    rural: Value | None = None
    unsourced: Str | None = None

    @model_validator(mode="after")
    def _figure_or_gap(self) -> LowIncomeStandardBlock:
        if (self.monthly is None) == (self.unsourced is None):
            raise BilingualValueError("give exactly one of 'monthly' and 'unsourced'",
                                      "'monthly' 与 'unsourced' 须且只须给出其中一项")
        if self.unsourced is not None and self.rural is not None:
            raise BilingualValueError("'rural' with 'unsourced': give the figures or declare the gap",
                                      "'rural' 不能与 'unsourced' 同时出现：要么给出标准，要么声明缺口")
        return self


class AverageWageBlock(YearlyBlock):
    """An average wage *of* ``year`` in the named ``series``, yuan per month."""

    monthly: Value
    series: Str

    @model_validator(mode="after")
    def _series(self) -> AverageWageBlock:
        if not self.series:
            raise BilingualValueError("an average wage must name its 'series'", "平均工资须写明 'series'（口径）")
        return self


class UrbanDisposableIncomeBlock(YearlyBlock):
    """全国城镇居民人均可支配收入 of ``year``, yuan per person per year (国家统计局)."""

    annual: Value


GROUP = Group("", [
    Subsection("minimum_wage", MinimumWageBlock),
    Subsection("low_income_standard", LowIncomeStandardBlock),
    Subsection("average_wage", AverageWageBlock, kind="yearly"),
    Subsection("urban_disposable_income", UrbanDisposableIncomeBlock, kind="yearly"),
], area_schemes={"minimum_wage": ("minimum_wage", "monthly")})
