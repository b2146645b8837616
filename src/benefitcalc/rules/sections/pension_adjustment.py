"""Ruleset models of 基本养老金调整 (the yearly basic-pension adjustment for retirees).

A province's scheme for a year is one yearly block of ``pension_adjustment.scheme``: the
increase is the sum of the components the notice defines — a fixed amount (定额), a part
per contribution year (marginal brackets in years, with a floor), a share of the
retiree's own pension of December of the year before, an amount by age band (lookup
brackets by age on 31 December of the year before) and group tilts (of which only the
highest applies). A component the notice has but no source gives is declared in
``unsourced``: a case that needs it is answered ``no_ruleset_in_force`` naming the year
and the component, never a guess.

``series`` is the category a scheme covers: ``""`` (the default) for a scheme that
enterprise and institution retirees share, ``enterprise`` or ``institution`` where a year's
notice splits them (a category's own block wins over the shared one), so a split needs
data, not code.

``pension_adjustment.cadre_average`` holds, by scheme year, the local average enterprise
pension that the 企业退休军转干部 guarantee raises a cadre's pension to.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ...errors import BilingualValueError
from ..schema import Brackets, Date, Model, Num, Param, Roundings, Share, Str, Text, Value, YearlyBlock
from . import Group, Subsection

#: The components of an increase, in the order a result shows them.
COMPONENTS = ("fixed", "years", "percent", "age", "groups")
Component = Literal["years", "percent", "age", "groups"]
#: the name a case uses for the 企业退休军转干部 guarantee, which every year's national notice
#: keeps ("继续确保企业退休军转干部基本养老金不低于当地企业退休人员平均水平")
CADRE = "military_transfer_cadre"
GroupName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Tilt(Param):
    """A group tilt (适当倾斜): the amount, and the group's name as the notice words it."""

    label: Text


class Gap(Model):
    """A component the notice has whose figures no source gives. For ``age``, ``from`` is
    the age from which the bands apply where that much is sourced (younger retirees get no
    age amount, which needs no figure)."""

    note: Str = Field(min_length=1)
    from_: Num | None = Field(default=None, alias="from")


class Scheme(YearlyBlock):
    """One year's adjustment: retirees who retired (and draw a pension) on or before
    31 December of the year before get the sum of the components from 1 January."""

    series: Literal["", "enterprise", "institution"] = ""
    #: the last retirement day the scheme covers, where the notice reaches past 31 December
    #: of the year before (Guangdong and Jiangsu 2019: those who first drew a pension by June)
    retired_by: Date | None = None
    #: 定额调整: the same amount for everyone, or by the calendar year of retirement
    #: (``fixed_by_retirement_year``, lookup brackets: Hubei 2019–2020's three tiers)
    fixed: Value | None = None
    fixed_by_retirement_year: Brackets | None = None
    #: 挂钩调整, contribution years: yuan per year, marginal brackets in years (one row from
    #: 0 for a flat rate); ``years_floor`` is the least this part gives
    years: Brackets | None = None
    years_floor: Value | None = None
    #: how a part year counts: ``full_year`` where the notice says "尾数不足一年的按一年计算"
    #: (or 不满一年的按一年计算); ``unstated`` where no page read says, so a case with a part
    #: year is a gap (whole years need no rule)
    part_year: Literal["full_year", "unstated"]
    #: what counts as a contribution year where the notice says (视同缴费年限, 折算 …)
    years_counted: Text | None = None
    #: 挂钩调整, own pension: a share of the pension of December of the year before
    percent: Share | None = None
    #: 适当倾斜, age: lookup brackets by whole years of age on 31 December of the year before
    #: (rows may start at the first band's age: younger retirees get none)
    age: Brackets | None = None
    #: 适当倾斜, groups: name → amount; a case in several gets only the highest
    groups: dict[GroupName, Tilt] = {}
    unsourced: dict[Component, Gap] = {}
    round: Roundings | None = None

    ROUNDED: ClassVar[tuple[str, ...]] = ("years", "percent")

    def declared_gaps(self) -> list[str]:
        gaps: list[str] = sorted(self.unsourced)
        return [*gaps, "part years"] if self.part_year == "unstated" and "years" not in gaps else gaps

    @model_validator(mode="after")
    def _components(self) -> Scheme:
        if (self.fixed is None) == (self.fixed_by_retirement_year is None):
            raise BilingualValueError("give exactly one of 'fixed' and 'fixed_by_retirement_year'",
                                      "'fixed' 与 'fixed_by_retirement_year' 须且只须给出其中一项")
        tiers = self.fixed_by_retirement_year
        if tiers is not None and (tiers.mode != "lookup" or tiers.unit != "calendar_year"):
            raise BilingualValueError("fixed_by_retirement_year must be lookup brackets by calendar_year",
                                      "fixed_by_retirement_year 须为 lookup 分段表，unit 为 calendar_year")
        if self.years is not None:
            if self.years.mode != "marginal" or self.years.unit != "years":
                raise BilingualValueError("years must be marginal brackets in years",
                                          "years 须为 marginal 分段表，unit 为 years")
            if self.years.rows[0].lower != 0:
                raise BilingualValueError("years must start at 0 years", "years 须从 0 年起")
        elif self.years_floor is not None:
            raise BilingualValueError("years_floor without years", "给出了 years_floor，却没有 years")
        if self.age is not None and (self.age.mode != "lookup" or self.age.unit != "age"):
            raise BilingualValueError("age must be lookup brackets by age", "age 须为 lookup 分段表，unit 为 age")
        both = [c for c in self.unsourced if getattr(self, c) not in (None, {})]
        if both:
            raise BilingualValueError(f"{', '.join(both)}: both given and declared unsourced",
                                      f"{'、'.join(both)}：既已给出，又声明为无来源（unsourced）")
        if "age" not in self.unsourced and any(g.from_ is not None for g in self.unsourced.values()):
            raise BilingualValueError("'from' applies to the age component only", "'from' 只适用于 age 部分")
        if self.retired_by is not None and self.retired_by.year not in (self.year - 1, self.year):
            raise BilingualValueError(f"retired_by {self.retired_by} is not in {self.year - 1} or {self.year}",
                                      f"retired_by {self.retired_by} 不在 {self.year - 1} 年或 {self.year} 年内")
        if CADRE in self.groups:
            raise BilingualValueError(f"{CADRE} is the national guarantee, not a tilt",
                                      f"{CADRE} 是全国统一的保障政策，不是适当倾斜")
        return self


class CadreAverage(YearlyBlock):
    """当地企业退休人员平均基本养老金水平 that a scheme of ``year`` raises a 企业退休军转干部's
    adjusted pension to, yuan per month."""

    monthly: Value


GROUP = Group("pension_adjustment", [
    Subsection("pension_adjustment.scheme", Scheme, kind="yearly", lag=0),
    Subsection("pension_adjustment.cadre_average", CadreAverage, kind="yearly", lag=0, optional=True),
])

__all__ = ["CADRE", "COMPONENTS", "GROUP", "CadreAverage", "Gap", "Scheme", "Tilt"]
