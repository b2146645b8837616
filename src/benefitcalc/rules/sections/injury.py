"""Ruleset models of 工伤保险待遇 (work-injury benefits): the own-wage clamp (工伤保险条例
第64条), the disability subsidy and allowance (第35–37条), the care allowance (第34条), the
death benefits (第39条) and the provinces' one-off payments on leaving work (第36–37条 leave
their amounts to the province).

Grades are written as text keys ``"1"`` … ``"10"`` (``subsidy_months."7"``), so a step's
param path names the grade it used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, model_validator

from ...errors import BilingualValueError
from ..schema import Bool, Brackets, DatedBlock, Param, Roundings, Share, Str, Value, check_share, zh_of
from . import Group, Subsection

GRADES = tuple(str(g) for g in range(1, 11))
#: 生活完全 / 大部分 / 部分不能自理 (工伤保险条例 第34条), and the four 护理等级 of provinces that
#: grade care on their own scale (广东省工伤保险条例 第二十七条: 一级 … 四级)
CARE_LEVELS = ("full", "major", "partial", "level_1", "level_2", "level_3", "level_4")
CareLevel = Literal["full", "major", "partial", "level_1", "level_2", "level_3", "level_4"]


def _grade_keys(table: dict[str, Param]) -> dict[str, Param]:
    unknown = sorted(set(table) - set(GRADES), key=str)
    if unknown:
        raise BilingualValueError(f"grades are \"1\" to \"10\", not {unknown}",
                                  f"伤残等级须为 \"1\" 至 \"10\"，不能是 {unknown}")
    return table


#: A value per disability grade ("1" … "10"); which grades a table must hold is the block's to say.
ByGrade = Annotated[dict[str, Value], AfterValidator(_grade_keys)]


def _require(table: Mapping[str, object], grades: range, what: str) -> None:
    missing = [str(g) for g in grades if str(g) not in table]
    if missing:
        raise BilingualValueError(
            f"{what} must give grades {grades.start}–{grades.stop - 1} (missing {', '.join(missing)})",
            f"{what} 须给出 {grades.start}–{grades.stop - 1} 级（缺少 {'、'.join(missing)}）")


def _shares(table: Mapping[str, Param], what: str, check: Callable[[Decimal], Decimal] = check_share) -> None:
    for key, param in table.items():
        try:
            check(param.value)
        except ValueError as exc:
            raise BilingualValueError(f"{what}.{key}: {exc}", f"{what}.{key}：{zh_of(exc)}") from None


class OwnWage(DatedBlock):
    """第64条: 本人工资 is the average monthly contribution wage of the 12 months before the
    injury, at least ``floor_share`` and at most ``cap_share`` × the 统筹地区 average wage."""

    floor_share: Share
    cap_multiple: Value

    READS: ClassVar[tuple[str, ...]] = ("average_wage",)


class Disability(DatedBlock):
    """第35–37条: the one-off disability subsidy in months of own wage by grade, and the
    monthly allowance as a share of own wage; grades in ``only_without_work`` get it only
    when the employer cannot arrange work (第36条). The allowance is never below the
    minimum wage in force (第35条, 第36条), which the calculation reads for the grades that
    get one."""

    subsidy_months: ByGrade
    allowance_shares: ByGrade
    only_without_work: tuple[Str, ...] = ()
    round: Roundings | None = None

    ROUNDED: ClassVar[tuple[str, ...]] = ("subsidy", "allowance")

    @model_validator(mode="after")
    def _tables(self) -> Disability:
        _require(self.subsidy_months, range(1, 11), "subsidy_months")
        _shares(self.allowance_shares, "allowance_shares")
        stray = [g for g in self.only_without_work if g not in self.allowance_shares]
        if stray:
            raise BilingualValueError(f"only_without_work names grades without an allowance share: {stray}",
                                      f"only_without_work 列出的等级在 allowance_shares 中没有津贴比例：{stray}")
        return self


class Care(DatedBlock):
    """第34条: 生活护理费 as a share of the 统筹地区 average monthly wage of the year before,
    by care level: how far the person cannot look after themself (完全 / 大部分 / 部分), or
    the province's own grades where it has them; a case names one of the block's levels."""

    shares: dict[CareLevel, Share] = Field(min_length=1)
    round: Roundings | None = None

    READS: ClassVar[tuple[str, ...]] = ("average_wage",)


class Death(DatedBlock):
    """第39条: the funeral grant in months of the average wage of the year before, the
    one-off death subsidy as a multiple of the national urban per-capita disposable income
    of the year before, and the dependants' pensions as shares of own wage, together at
    most the own wage. Grades in ``no_death_subsidy_grades`` (第39条第三款: a grade 1–4
    worker who dies after the paid leave) get no one-off death subsidy."""

    funeral_months: Value
    death_subsidy_multiple: Value
    spouse_share: Share
    other_share: Share
    #: added for an orphan or a lone elder (孤儿、孤寡老人)
    extra_share: Share
    no_death_subsidy_grades: tuple[Str, ...] = ()
    round: Roundings | None = None

    READS: ClassVar[tuple[str, ...]] = ("average_wage", "urban_disposable_income")
    ROUNDED: ClassVar[tuple[str, ...]] = ("funeral", "death_subsidy", "dependants")


class LeavingBase(DatedBlock):
    """The one-off medical subsidy (一次性工伤医疗补助金) and employment subsidy
    (一次性伤残就业补助金) for grades 5–10 on leaving work, as the province sets them:
    ``medical`` and ``employment`` by grade (months or yuan, by the method); an uplift of the
    medical subsidy for an occupational disease; and the share paid by months left to the
    statutory retirement month (``near_retirement``, lookup brackets in months), applied to
    the payments it names."""

    medical: ByGrade
    employment: ByGrade
    disease_uplift: Value | None = None
    near_retirement: Brackets | None = None
    near_retirement_cuts: tuple[Literal["medical", "employment"], ...] = ()
    #: the cut does not apply when the worker left for the employer's fault (劳动合同法 第38条)
    employer_fault_exempt: Bool = False
    round: Roundings | None = None

    ROUNDED: ClassVar[tuple[str, ...]] = ("medical", "employment")

    @model_validator(mode="after")
    def _tables(self) -> LeavingBase:
        for name in ("medical", "employment"):
            table = getattr(self, name)
            _require(table, range(5, 11), name)
            extra = sorted(set(table) - {str(g) for g in range(5, 11)}, key=int)
            if extra:
                raise BilingualValueError(f"{name}: the one-off payments on leaving are for grades 5–10, not {extra}",
                                          f"{name}：离职时的一次性补助金只适用于 5–10 级，不适用于 {extra}")
        if self.near_retirement is not None:
            if self.near_retirement.mode != "lookup" or self.near_retirement.unit != "months":
                raise BilingualValueError("near_retirement must be lookup brackets in months",
                                          "near_retirement 须为 lookup 分段表，unit 为 months")
            self.near_retirement.check_values("near_retirement", check_share)
            if not self.near_retirement_cuts:
                raise BilingualValueError(
                    "near_retirement needs near_retirement_cuts (medical, employment or both)",
                    "有 near_retirement 时须给出 near_retirement_cuts（medical、employment 或两者）")
        elif self.near_retirement_cuts:
            raise BilingualValueError("near_retirement_cuts without near_retirement",
                                      "给出了 near_retirement_cuts，却没有 near_retirement")
        return self


class MonthsOfOwnWage(LeavingBase):
    """Months of the worker's own wage (本人工资)."""

    method: Literal["months_of_own_wage"]


class MonthsOfAverageWage(LeavingBase):
    """Months of the 统筹地区 average monthly wage of the year before leaving work."""

    method: Literal["months_of_average_wage"]

    READS: ClassVar[tuple[str, ...]] = ("average_wage",)


class FixedAmounts(LeavingBase):
    """Fixed yuan amounts by grade."""

    method: Literal["fixed_amounts"]


Leaving = Annotated[MonthsOfOwnWage | MonthsOfAverageWage | FixedAmounts, Field(discriminator="method")]


GROUP = Group("injury", [
    Subsection("injury.own_wage", OwnWage),
    Subsection("injury.disability", Disability),
    Subsection("injury.care", Care),
    Subsection("injury.death", Death),
    Subsection("injury.leaving", Leaving),
])
