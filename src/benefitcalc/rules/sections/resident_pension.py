"""Ruleset models of 城乡居民基本养老保险待遇 (the urban-rural resident basic pension, 国发〔2014〕8号).

- ``resident_pension.eligibility``: the pension age and the least contribution years (第七条).
- ``resident_pension.basic``: the basic pension, *additive* across levels (README, "Additive
  layering"): the national minimum (``add``), a province's published minimum that includes it
  (``at_least``) or its top-up (``add``), a city's top-up.
- ``resident_pension.long_contribution``: 长缴多得, amounts per contribution year (marginal
  brackets), where a region pays them.
- ``resident_pension.age_addition``: amounts by age (高龄), where a region pays them.
- ``resident_pension.account``: the personal-account divisor by the age the pension starts
  (139 at 60), and the account pension's rounding.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from ...errors import BilingualValueError
from ..schema import Brackets, DatedBlock, Int, LayerBlock, Roundings, Str, Whole
from . import Group, Subsection


class Eligibility(DatedBlock):
    """第七条: the pension age, and the least years of contributions (fewer for those the
    scheme found within that many years of the pension age)."""

    pension_age: Whole
    min_years: Whole


class Basic(LayerBlock):
    """A level's part of the basic pension (基础养老金), yuan per person per month."""


def _lookup_by_age(brackets: Brackets, name: str) -> None:
    if brackets.mode != "lookup" or brackets.unit != "age":
        raise BilingualValueError(f"{name} must be lookup brackets by age", f"{name} 须为 lookup 分段表，unit 为 age")


class LongContribution(DatedBlock):
    """长缴多得 (缴费年限养老金): yuan a month per whole contribution year, marginal brackets in
    years (Guangdong: 0 to 15, then 3 a year; Hubei from 2023: 1, 2 from the 16th, 3 from the
    26th); or ``unsourced`` where a region pays one that no source gives."""

    per_year: Brackets | None = None
    unsourced: Str | None = None

    @model_validator(mode="after")
    def _brackets(self) -> LongContribution:
        if (self.per_year is None) == (self.unsourced is None):
            raise BilingualValueError("give exactly one of 'per_year' and 'unsourced'",
                                      "'per_year' 与 'unsourced' 须且只须给出其中一项")
        rows = self.per_year
        if rows is not None and (rows.mode != "marginal" or rows.unit != "years" or rows.rows[0].lower != 0):
            raise BilingualValueError("per_year must be marginal brackets in years from 0",
                                      "per_year 须为 marginal 分段表，unit 为 years，从 0 年起")
        return self


class AgeAddition(DatedBlock):
    """高龄: an amount a month by age on the date (lookup brackets by age; rows may start at
    the first band's age: younger people get none); or ``gap``: the region pays one from
    ``gap_from_age`` (every age if not given) that no source gives."""

    by_age: Brackets | None = None
    gap: Str | None = None
    gap_from_age: Annotated[Int, Field(ge=0, le=120)] | None = None

    @model_validator(mode="after")
    def _brackets(self) -> AgeAddition:
        if (self.by_age is None) == (self.gap is None):
            raise BilingualValueError("give exactly one of 'by_age' and 'gap'",
                                      "'by_age' 与 'gap' 须且只须给出其中一项")
        if self.by_age is not None:
            _lookup_by_age(self.by_age, "by_age")
        if self.gap is None and self.gap_from_age is not None:
            raise BilingualValueError("gap_from_age without gap", "给出了 gap_from_age，却没有 gap")
        return self

    def declared_gaps(self) -> list[str]:
        if self.gap is None:
            return []
        return [f"age {self.gap_from_age}+" if self.gap_from_age is not None else "age additions"]


class Account(DatedBlock):
    """个人账户养老金 = the account balance ÷ the divisor for the age the pension starts."""

    divisor: Brackets
    round: Roundings | None = None

    ROUNDED: ClassVar[tuple[str, ...]] = ("account",)

    @model_validator(mode="after")
    def _brackets(self) -> Account:
        _lookup_by_age(self.divisor, "divisor")
        if any(row.value <= 0 for row in self.divisor.rows):
            raise BilingualValueError("divisor: every row must be above 0", "divisor：每一行的值都须大于 0")
        return self


GROUP = Group("resident_pension", [
    Subsection("resident_pension.eligibility", Eligibility),
    Subsection("resident_pension.basic", Basic, kind="additive"),
    Subsection("resident_pension.long_contribution", LongContribution, optional=True),
    Subsection("resident_pension.age_addition", AgeAddition, optional=True),
    Subsection("resident_pension.account", Account),
])
