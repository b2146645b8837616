"""The registry of sub-sections a ruleset may hold, and the amount methods (SPEC §2.2, §2.6).

A sub-section is named by its dotted path (``unemployment.amount``); its blocks resolve
independently. An amount sub-section is a discriminated union on ``method``; each method
model declares in ``READS`` the sub-sections its calculation reads, which ``rulesets
check`` verifies are covered wherever the method is in force.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, TypeAdapter, model_validator

from .schema import (
    AreaBlock,
    AverageWageBlock,
    Brackets,
    DatedBlock,
    LowIncomeStandardBlock,
    MinimumWageBlock,
    Model,
    Rounding,
    Text,
    Tiers,
    Value,
)

# --- unemployment (失业保险金) -------------------------------------------------------


class UnemploymentEligibility(DatedBlock):
    """社会保险法 第45条; 失业保险条例 第14条."""

    min_contribution_months: Value
    involuntary_required: bool = True
    #: 广东省失业保险条例 第15条: under a year also qualifies with months carried over.
    carried_over_admits: bool = False


class UnemploymentDuration(DatedBlock):
    """Months of benefit by contribution time (社会保险法 第46条), plus months carried over."""

    schedule: Brackets
    max_months: Value

    @model_validator(mode="after")
    def _lookup(self) -> UnemploymentDuration:
        if self.schedule.mode != "lookup" or self.schedule.unit not in ("months", "years"):
            raise ValueError("schedule must be lookup brackets in months or years")
        return self


class AmountMethod(DatedBlock):
    READS: ClassVar[tuple[str, ...]] = ()
    SCHEME: ClassVar[str | None] = None


class FlatPerTier(AmountMethod):
    """A fixed monthly amount per area tier of the ``unemployment_flat`` scheme."""

    method: Literal["flat_per_tier"]
    scheme: Literal["unemployment_flat"] = "unemployment_flat"
    monthly: Tiers

    READS: ClassVar[tuple[str, ...]] = ("area.unemployment_flat",)
    SCHEME: ClassVar[str | None] = "unemployment_flat"


class ShareOfMinimumWage(AmountMethod):
    """``share`` × the area's monthly minimum wage, rounded."""

    method: Literal["share_of_minimum_wage"]
    share: Value
    #: omitted where the document is silent: the chain's ``[defaults] round`` applies
    round: Rounding | None = None

    READS: ClassVar[tuple[str, ...]] = ("minimum_wage", "area.minimum_wage")
    SCHEME: ClassVar[str | None] = "minimum_wage"


class ShareOfOwnWage(AmountMethod):
    """A share of the claimant's own average wage by contribution years, capped at the
    area's minimum wage and floored at ``floor_multiple`` × the local 低保."""

    method: Literal["share_of_own_wage"]
    shares: Brackets
    floor_multiple: Value
    round: Rounding | None = None

    READS: ClassVar[tuple[str, ...]] = ("minimum_wage", "area.minimum_wage", "low_income_standard")
    SCHEME: ClassVar[str | None] = "minimum_wage"

    @model_validator(mode="after")
    def _lookup(self) -> ShareOfOwnWage:
        if self.shares.mode != "lookup" or self.shares.unit != "years":
            raise ValueError("shares must be lookup brackets in years")
        return self


UnemploymentAmount = Annotated[
    FlatPerTier | ShareOfMinimumWage | ShareOfOwnWage, Field(discriminator="method")
]


class ExtraItem(Model):
    """A sourced entitlement beside the monthly benefit; ``multiple`` × ``basis`` where the
    source gives an amount, otherwise stated without one."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: Text
    condition: Text
    basis: Literal["monthly_benefit", "average_monthly_wage"] | None = None
    multiple: Value | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _both(self) -> ExtraItem:
        if (self.basis is None) != (self.multiple is None):
            raise ValueError("'basis' and 'multiple' go together")
        return self


class UnemploymentExtras(DatedBlock):
    items: tuple[ExtraItem, ...] = Field(min_length=1)


# --- the registry ------------------------------------------------------------------


class Subsection:
    """One sub-section: its dotted name, its block model, dated or yearly."""

    __slots__ = ("name", "model", "yearly", "_adapter")

    def __init__(self, name: str, model: Any, yearly: bool = False) -> None:
        self.name, self.model, self.yearly = name, model, yearly
        self._adapter: TypeAdapter[Any] | None = None

    @property
    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:  # built on first use: start-up pays only for what it reads
            self._adapter = TypeAdapter(list[self.model])
        return self._adapter


SUBSECTIONS: dict[str, Subsection] = {
    s.name: s
    for s in (
        Subsection("minimum_wage", MinimumWageBlock),
        Subsection("low_income_standard", LowIncomeStandardBlock),
        Subsection("average_wage", AverageWageBlock, yearly=True),
        Subsection("unemployment.eligibility", UnemploymentEligibility),
        Subsection("unemployment.duration", UnemploymentDuration),
        Subsection("unemployment.amount", UnemploymentAmount),
        Subsection("unemployment.extras", UnemploymentExtras),
    )
}
AREA = Subsection("area", AreaBlock)

#: scheme → (sub-section, field) of the tier table an area block of that scheme indexes.
TIER_TABLES: dict[str, tuple[str, str]] = {
    "minimum_wage": ("minimum_wage", "monthly"),
    "unemployment_flat": ("unemployment.amount", "monthly"),
}


def area_subsection(scheme: str) -> str:
    return f"area.{scheme}"


def is_area(subsection: str) -> bool:
    return subsection.startswith("area.")
