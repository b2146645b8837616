"""Ruleset models of the statutory retirement age (法定退休年龄): the rule in force (the
original ages, and from 2025 the gradual raise of 国务院关于渐进式延迟法定退休年龄的办法)
and the minimum contribution years by year of retirement.

A group is a person's original statutory age: ``male`` (60), ``female_55`` (women whose
post retires at 55) and ``female_50`` (at 50). Which applies to a woman is an input (her
post), never derived.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ...errors import BilingualValueError
from ..schema import Brackets, Date, DatedBlock, Model, Whole, check_whole
from . import Group, Subsection

GROUPS = ("male", "female_55", "female_50")


class OriginalAge(Model):
    """A group's original statutory age in whole years."""

    original_age: Whole


class GradualDelay(Model):
    """A group under the 2025 raise (办法 第一条): from the birth month of ``first_birth_month``
    on, one month of delay per ``birth_months_per_step`` months of birth, at most
    ``max_delay_months``."""

    original_age: Whole
    #: the day's month is the first birth month affected (its original retirement month is 2025-01)
    first_birth_month: Date
    birth_months_per_step: Whole
    max_delay_months: Whole

    @model_validator(mode="after")
    def _first_of_month(self) -> GradualDelay:
        if self.first_birth_month.day != 1:
            raise BilingualValueError("first_birth_month names a month: write its first day (1965-01-01)",
                                      "first_birth_month 表示一个月份：请写该月第一天（如 1965-01-01）")
        if self.birth_months_per_step.value < 1:
            raise BilingualValueError("birth_months_per_step must be at least 1", "birth_months_per_step 须不小于 1")
        return self


def _all_groups(groups: dict[str, object]) -> None:
    missing = [g for g in GROUPS if g not in groups]
    unknown = [g for g in groups if g not in GROUPS]
    if missing or unknown:
        raise BilingualValueError(
            f"groups must be exactly {', '.join(GROUPS)} (missing {missing}, unknown {unknown})",
            f"groups 须恰为 {'、'.join(GROUPS)}（缺少 {missing}，未知 {unknown}）")


class OriginalAges(DatedBlock):
    """The statutory ages without a raise: retirement at the original age."""

    method: Literal["original_ages"]
    groups: dict[str, OriginalAge]

    @model_validator(mode="after")
    def _groups(self) -> OriginalAges:
        _all_groups(dict(self.groups))
        return self


class GradualRaise(DatedBlock):
    """The 2025 gradual raise, with flexible retirement (办法 第三条): at most
    ``flexible_earlier_months`` earlier, never below the original age, once the minimum
    contribution years are met; at most ``flexible_later_months`` later with the employer's
    agreement."""

    method: Literal["gradual_raise"]
    groups: dict[str, GradualDelay]
    flexible_earlier_months: Whole
    flexible_later_months: Whole

    @model_validator(mode="after")
    def _groups(self) -> GradualRaise:
        _all_groups(dict(self.groups))
        return self


RetirementRule = Annotated[OriginalAges | GradualRaise, Field(discriminator="method")]


class MinimumContribution(DatedBlock):
    """Months of contributions needed to draw a basic pension, by calendar year of retirement."""

    by_year: Brackets

    @model_validator(mode="after")
    def _lookup(self) -> MinimumContribution:
        if self.by_year.mode != "lookup" or self.by_year.unit != "calendar_year":
            raise BilingualValueError("by_year must be lookup brackets in calendar_year",
                                      "by_year 须为 lookup 分段表，unit 为 calendar_year")
        self.by_year.check_values("by_year", check_whole)
        return self


GROUP = Group("retirement_age", [
    Subsection("retirement_age.rule", RetirementRule),
    Subsection("retirement_age.minimum_contribution", MinimumContribution),
])
