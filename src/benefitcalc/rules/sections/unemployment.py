"""Ruleset models of 失业保险金 (unemployment benefit): eligibility, duration, the amount
methods and the sourced extras."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ...errors import BilingualValueError
from ..schema import (
    Bool,
    Brackets,
    DatedBlock,
    Model,
    Roundings,
    Share,
    Str,
    Text,
    Tiers,
    Value,
    Whole,
    check_share,
    check_whole,
)
from . import Group, Subsection


class UnemploymentEligibility(DatedBlock):
    """社会保险法 第45条; 失业保险条例 第14条."""

    min_contribution_months: Whole
    involuntary_required: Bool = True
    #: 广东省失业保险条例 第15条: under a year also qualifies with months carried over.
    carried_over_admits: Bool = False


def _months_by_time(table: Brackets, name: str) -> None:
    """Whole months looked up by contribution time (months or years)."""
    if table.mode != "lookup" or table.unit not in ("months", "years"):
        raise BilingualValueError(f"{name} must be lookup brackets in months or years",
                                  f"{name} 须为 lookup 分段表，unit 为 months 或 years")
    table.check_values(name, check_whole)


class UnemploymentDuration(DatedBlock):
    """Months of benefit by contribution time (社会保险法 第46条), plus months carried over."""

    schedule: Brackets
    max_months: Whole

    @model_validator(mode="after")
    def _lookup(self) -> UnemploymentDuration:
        _months_by_time(self.schedule, "schedule")
        return self


class UnemploymentMaxDuration(DatedBlock):
    """社会保险法 第46条: the *maximum* months by contribution time ("最长为"), and the most in all
    with months carried over; a province's schedule is held within them."""

    maximum: Brackets
    max_months: Whole

    @model_validator(mode="after")
    def _lookup(self) -> UnemploymentMaxDuration:
        _months_by_time(self.maximum, "maximum")
        return self


class FlatPerTier(DatedBlock):
    """A fixed monthly amount per area tier of the ``unemployment_flat`` scheme."""

    method: Literal["flat_per_tier"]
    scheme: Literal["unemployment_flat"] = "unemployment_flat"
    monthly: Tiers

    READS: ClassVar[tuple[str, ...]] = ("area.unemployment_flat",)


class ShareOfMinimumWage(DatedBlock):
    """``share`` × the area's monthly minimum wage, rounded."""

    method: Literal["share_of_minimum_wage"]
    share: Share
    #: omitted where the document is silent: the chain's ``[defaults] round`` applies
    round: Roundings | None = None

    READS: ClassVar[tuple[str, ...]] = ("minimum_wage", "area.minimum_wage")


class ShareOfOwnWage(DatedBlock):
    """A share of the claimant's own average wage by contribution years, capped at the
    area's minimum wage and floored at ``floor_multiple`` × the local 低保."""

    method: Literal["share_of_own_wage"]
    shares: Brackets
    floor_multiple: Value
    round: Roundings | None = None

    READS: ClassVar[tuple[str, ...]] = ("minimum_wage", "area.minimum_wage", "low_income_standard")

    @model_validator(mode="after")
    def _lookup(self) -> ShareOfOwnWage:
        if self.shares.mode != "lookup" or self.shares.unit != "years":
            raise BilingualValueError("shares must be lookup brackets in years",
                                      "shares 须为 lookup 分段表，unit 为 years")
        self.shares.check_values("shares", check_share)
        return self


UnemploymentAmount = Annotated[
    FlatPerTier | ShareOfMinimumWage | ShareOfOwnWage, Field(discriminator="method")
]


class ExtraItem(Model):
    """A sourced entitlement beside the monthly benefit; ``multiple`` × ``basis`` where the
    source gives an amount, otherwise stated without one."""

    id: Str = Field(pattern=r"^[a-z][a-z_]*$")
    label: Text
    condition: Text
    basis: Literal["monthly_benefit", "average_monthly_wage"] | None = None
    multiple: Value | None = None
    source: Str | None = None

    @model_validator(mode="after")
    def _both(self) -> ExtraItem:
        if (self.basis is None) != (self.multiple is None):
            raise BilingualValueError("'basis' and 'multiple' go together",
                                      "'basis' 与 'multiple' 须同时给出或同时省略")
        return self


class UnemploymentExtras(DatedBlock):
    items: tuple[ExtraItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> UnemploymentExtras:
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise BilingualValueError("two items have the same id", "有两个条目的 id 相同")
        return self


class NearRetirement(DatedBlock):
    """A claimant whose benefit would run out less than ``window_months`` before the
    statutory retirement month keeps it until that month (人社部发〔2020〕40号; from 2025
    办法 第七条)."""

    window_months: Whole


GROUP = Group("unemployment", [
    Subsection("unemployment.eligibility", UnemploymentEligibility),
    Subsection("unemployment.duration", UnemploymentDuration),
    Subsection("unemployment.max_duration", UnemploymentMaxDuration),
    Subsection("unemployment.amount", UnemploymentAmount),
    Subsection("unemployment.extras", UnemploymentExtras),
    Subsection("unemployment.near_retirement", NearRetirement),
], area_schemes={"unemployment_flat": ("unemployment.amount", "monthly")})
