"""基本养老金调整 (the yearly basic-pension adjustment): a retiree's increase under the
province's scheme for the year of ``as_of``, and the new monthly pension.

The increase is the sum of the components the year's scheme defines, each its own step
citing its clause: the fixed amount (定额调整), the part per contribution year (挂钩调整,
marginal rates with a floor), the share of the pension of December of the year before
(挂钩调整), the age band (高龄倾斜, age on 31 December of the year before) and the highest
group tilt that applies (适当倾斜). A retiree who retired after 31 December of the year
before is not in that year's adjustment. A component whose figures no source gives is
answered ``no_ruleset_in_force`` naming the year and the component, when the case needs it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..errors import BilingualValueError, InvalidInputError, NoRulesetInForceError
from ..explain import fmt, money
from ..models import CaseBase, Date, Money, Years
from ..notices import Notice
from ..rules.resolve import InForce
from ..rules.sections.pension_adjustment import CADRE, GroupName
from .base import Amount, Benefit, Outcome, Rules, age_on
from .retirement_age import check_birth

SCHEME = "pension_adjustment.scheme"
CADRE_AVERAGE = "pension_adjustment.cadre_average"
ZERO = Decimal(0)
CATEGORY_NAMES = {"enterprise": "企业", "institution": "机关事业单位"}
#: a scheme's components in Chinese (for messages)
COMPONENT_NAMES = {"fixed": "定额调整", "years": "挂钩调整（缴费年限）", "percent": "挂钩调整（本人基本养老金）",
                   "age": "高龄倾斜", "groups": "适当倾斜"}


class PensionAdjustmentCase(CaseBase):
    """基本养老金调整: the year of ``as_of`` picks the scheme."""

    benefit: Literal["pension_adjustment"]
    #: enterprise (企业) or institution (机关事业单位) retiree
    category: Literal["enterprise", "institution"] = "enterprise"
    #: the basic pension of December of the year before, yuan per month (more than 0)
    monthly_pension: Annotated[Money, Field(gt=0)]
    #: 累计缴费年限, 视同缴费年限 included; a part year as a decimal (32.5)
    contribution_years: Years
    birth_date: Date
    #: the day the retiree retired (and started to draw the pension)
    retirement_date: Date
    #: the group tilts that apply (names the year's scheme defines), and
    #: military_transfer_cadre for the 企业退休军转干部 guarantee
    groups: tuple[GroupName, ...] = Field(default=(), max_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> PensionAdjustmentCase:
        check_birth(self.birth_date, self.as_of)
        if self.retirement_date <= self.birth_date:
            raise BilingualValueError("retirement_date: must be after birth_date", "retirement_date：须晚于 birth_date")
        if len(set(self.groups)) < len(self.groups):
            raise BilingualValueError("groups: a group is named twice", "groups：同一人群填写了两次")
        return self


def last_day_before(year: int) -> dt.date:
    """31 December of the year before the scheme's: eligibility and age are measured then."""
    return dt.date(year - 1, 12, 31)


def gap(found: InForce, component: str, why: str, rules: Rules, why_zh: str | None = None) -> NoRulesetInForceError:
    """The scheme has ``component`` but no source gives its figures for this case (``why``,
    and ``why_zh`` in Chinese where it is not the ruleset's own note)."""
    year = found.block.year
    name = COMPONENT_NAMES.get(component, component)
    return NoRulesetInForceError(
        f"no ruleset for {rules.region}: the {component} component of {found.region}'s {year} pension adjustment "
        f"is not sourced ({why})",
        {"region": rules.region, "subsection": SCHEME, "year": year, "component": component, "level": found.region},
        zh=f"{rules.region} 无有效规则：{found.region} {year} 年基本养老金调整的{name}（{component}）无来源"
           f"（{why if why_zh is None else why_zh}）")


def check_groups(case: PensionAdjustmentCase, found: InForce) -> None:
    """Every group the case names must be one the year's scheme defines."""
    block = found.block
    known = [*block.groups, CADRE]
    unknown = [g for g in case.groups if g not in known]
    if unknown and "groups" not in block.unsourced:
        names = ", ".join(known) if known else "none"
        raise InvalidInputError(f"groups: {found.region}'s {block.year} scheme does not define {', '.join(unknown)} "
                                f"(it defines: {names})", field="groups",
                                zh=f"groups：{found.region} {block.year} 年调整方案未规定 {', '.join(unknown)}"
                                   f"（已规定：{names if known else '无'}）")
    if CADRE in case.groups and case.category != "enterprise":
        raise InvalidInputError(f"groups: {CADRE} is a guarantee for enterprise retirees (企业退休军转干部)",
                                field="groups", zh=f"groups：{CADRE} 是企业退休军转干部的保障，仅适用于企业退休人员")


def eligibility(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> list[Notice]:
    """Retired, and drawing a pension, on or before 31 December of the year before (or the
    later day the scheme names)."""
    block = found.block
    if block.retired_by is not None:
        cutoff = rules.read(found, "retired_by", step="retired_by")
        why, why_zh = "the scheme's last retirement day", "调整方案规定的退休时间截止日"
    else:
        cutoff, why, why_zh = last_day_before(block.year), "31 December of the year before", "上年12月31日"
    ok = case.retirement_date <= cutoff
    held = "≤" if ok else ">"
    rules.computed("eligible", lambda: f"retired {case.retirement_date} {held} {cutoff} ({why})", ok,
                   zh=lambda: f"退休时间 {case.retirement_date} {held} {cutoff}（{why_zh}）")
    if ok:
        return []
    return [Notice("retired_after_cutoff",
                   f"{case.retirement_date} 退休，晚于 {cutoff}：不参加 {found.block.year} 年调整",
                   f"retired on {case.retirement_date}, after {cutoff}: not in the {found.block.year} adjustment")]


def has(found: InForce, component: str, rules: Rules) -> bool:
    """Whether the year's scheme has ``component``; one it has without figures is a gap."""
    block = found.block
    if component in block.unsourced:
        raise gap(found, component, block.unsourced[component].note, rules)
    return getattr(block, component) not in (None, {})


def fixed_part(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> Decimal:
    """定额调整: one amount, or the amount of the retiree's year of retirement."""
    if found.block.fixed is not None:
        return rules.read(found, "fixed", step="fixed")
    fixed = rules.row_or_none(found, "fixed_by_retirement_year", Decimal(case.retirement_date.year), step="fixed")
    if fixed is None:
        first = found.block.fixed_by_retirement_year.rows[0].lower
        raise InvalidInputError(f"retirement_date: the {found.block.year} scheme's fixed amounts start with "
                                f"retirement in {fmt(first)}", field="retirement_date",
                                zh=f"retirement_date：{found.block.year} 年调整方案的定额调整按退休年份规定，"
                                   f"最早为 {fmt(first)} 年退休")
    return fixed


def years_part(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> Decimal | None:
    """挂钩调整 by contribution years: the marginal rates over the years counted, at least the floor."""
    if not has(found, "years", rules):
        return None
    block = found.block
    given = case.contribution_years
    counted = given.to_integral_value(rounding=ROUND_CEILING)
    if counted != given and block.part_year == "unstated":
        raise gap(found, "years", f"how a part year counts is not in the pages read; {fmt(given)} years given",
                  rules, f"所读文件未载明不足一年如何计算；填报 {fmt(given)} 年")
    how, how_zh = ("a part year counts as a full year", "不足一年按一年计算") if counted != given \
        else ("whole years", "整年")
    if block.years_counted is not None:
        how, how_zh = f"{how}; {block.years_counted.en}", f"{how_zh}；{block.years_counted.zh}"
    rules.computed("years_counted", lambda: f"{fmt(given)} → {fmt(counted)} ({how})", counted,
                   zh=lambda: f"{fmt(given)} → {fmt(counted)}（{how_zh}）", money=False)
    by_rate = rules.marginal(found, "years", counted, step="years_rate", total_step="years_by_rate")
    part = by_rate
    floor: Decimal | None = None
    if block.years_floor is not None:
        floor = rules.read(found, "years_floor", step="years_floor")
        part = max(by_rate, floor)

    def formula() -> str:
        return money(by_rate) if floor is None else f"max({money(by_rate)}, {fmt(floor)})"

    if block.round and "years" in block.round:  # one step: the floor, then the rounding
        part = rules.rounded(found, part, "years_part", formula, component="years")
    elif block.years_floor is not None:
        part = rules.computed("years_part", formula, part)
    return part


def percent_part(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> Decimal | None:
    """挂钩调整 by own pension: a share of the pension of December of the year before."""
    if not has(found, "percent", rules):
        return None
    share = rules.read(found, "percent", step="percent")
    pension = case.monthly_pension
    return rules.rounded(found, pension * share, "percent_part", lambda: f"{fmt(pension)} × {fmt(share)}",
                         component="percent")


def age_part(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> Decimal | None:
    """高龄倾斜: the band of the age on 31 December of the year before."""
    block = found.block
    missing = block.unsourced.get("age")
    if block.age is None and missing is None:
        return None
    day = last_day_before(block.year)
    age = age_on(case.birth_date, day)
    rules.computed("age", lambda: f"born {case.birth_date}: {age} on {day}", age,
                   zh=lambda: f"{case.birth_date} 出生，{day} 时 {age} 周岁")
    if missing is not None:
        if missing.from_ is None or age >= missing.from_:
            raise gap(found, "age", f"{missing.note}; the retiree is {age}", rules,
                      f"{missing.note}；退休人员 {age} 周岁")
        return rules.computed("age_part", lambda: f"{age} < {fmt(missing.from_)}: no age band", ZERO,
                              zh=lambda: f"{age} < {fmt(missing.from_)}：不享受高龄倾斜")
    band = rules.row_or_none(found, "age", Decimal(age), step="age_part")
    if band is None:
        lowest = block.age.rows[0].lower
        return rules.computed("age_part", lambda: f"{age} < {fmt(lowest)}: no age band", ZERO,
                              zh=lambda: f"{age} < {fmt(lowest)}：不享受高龄倾斜")
    return band


def group_part(case: PensionAdjustmentCase, found: InForce, rules: Rules) -> Decimal | None:
    """适当倾斜 for groups: of the groups that apply, only the highest amount."""
    named = [g for g in case.groups if g != CADRE]
    if not named:
        return None
    has(found, "groups", rules)
    amounts = {g: rules.read(found, "groups", g, step=f"group_tilt.{g}") for g in named}
    best = max(amounts.values())
    if len(amounts) == 1:
        return best

    def shown() -> str:
        return ", ".join(f"{g} {fmt(v)}" for g, v in amounts.items())

    return rules.computed("group_part", lambda: f"max({shown()}): only the highest applies", best,
                          zh=lambda: f"max({shown()})：只取最高一项")


def cadre_guarantee(case: PensionAdjustmentCase, found: InForce, pension: Decimal, rules: Rules) -> Decimal:
    """企业退休军转干部: an adjusted pension below the local average is raised to it, where
    the average is sourced (``new_monthly_pension.cadre_guarantee``, and the increase it
    makes, ``increase.cadre_guarantee``); otherwise the result says the guarantee was not
    applied."""
    year = found.block.year
    average = rules.find_year(CADRE_AVERAGE, year)
    if average is None:
        rules.warn(Notice("cadre_guarantee_not_applied",
                          f"{rules.region} {year} 年企业退休军转干部应不低于当地企业退休人员平均水平，"
                          "但该平均水平无来源，未执行此保障",
                          f"a 企业退休军转干部's adjusted pension is raised to the local average enterprise pension, "
                          f"but {rules.region}'s average for {year} is not sourced: the guarantee was not applied"))
        return pension
    floor = rules.read(average, "monthly", step="cadre_average")
    raised = max(pension, floor)
    if rules.trace.keep:  # the worked text is in both languages: built once, only for the steps
        worked = f"max({money(pension)}, {fmt(floor)})"
        rules.computed("new_monthly_pension.cadre_guarantee", f"{worked} (企业退休军转干部 guarantee)", raised,
                       zh=f"{worked}（企业退休军转干部不低于当地企业退休人员平均水平）")
    if raised != pension:
        rules.computed("increase.cadre_guarantee", lambda: f"{money(raised)} − {money(case.monthly_pension)}",
                       raised - case.monthly_pension)
    return raised


def calculate(case: PensionAdjustmentCase, rules: Rules) -> Outcome:
    """The increase and the new pension under the scheme of the year of ``as_of``."""
    year = case.as_of.year
    found = rules.year(SCHEME, year, (case.category, ""))
    block = found.block
    rules.read(found, "year", step="scheme")
    if block.series:
        rules.computed("category", lambda: f"{case.category}: the {block.series} scheme", CATEGORY_NAMES[block.series],
                       zh=lambda: f"{case.category}：适用{CATEGORY_NAMES[block.series]}调整方案")
    check_groups(case, found)
    reasons = eligibility(case, found, rules)
    pension = case.monthly_pension
    if reasons:
        return Outcome(False, tuple(reasons), {"increase": ZERO, "new_monthly_pension": pension})
    parts: list[tuple[str, Decimal]] = [("fixed", fixed_part(case, found, rules))]
    for name, part in (("years", years_part(case, found, rules)), ("percent", percent_part(case, found, rules)),
                       ("age", age_part(case, found, rules)), ("groups", group_part(case, found, rules))):
        if part is not None:
            parts.append((name, part))
    increase = sum((v for _, v in parts), ZERO)
    rules.computed("increase", lambda: " + ".join(f"{money(v)} ({n})" for n, v in parts), increase,
                   zh=lambda: " + ".join(f"{money(v)}（{COMPONENT_NAMES[n]}）" for n, v in parts))
    new = rules.computed("new_monthly_pension", lambda: f"{money(pension)} + {money(increase)}", pension + increase)
    if CADRE in case.groups:
        new = cadre_guarantee(case, found, new, rules)
    return Outcome(True, (), {"increase": new - pension, "new_monthly_pension": new})


LABELS: dict[str, tuple[str, str]] = {
    "scheme": ("调整方案年度（自当年1月1日起）", "scheme year (from 1 January)"),
    "category": ("适用人员类别", "category of retiree"),
    "eligible": ("是否参加本年度调整", "in this year's adjustment"),
    "retired_by": ("参加调整的退休时间截止日", "last retirement day the scheme covers"),
    "fixed": ("定额调整", "fixed amount"),
    "years_counted": ("计算的缴费年限", "contribution years counted"),
    "years_rate": ("每满一年增加额", "yuan per contribution year"),
    "years_by_rate": ("按缴费年限增加额", "contribution-years part by rate"),
    "years_floor": ("按缴费年限增加额下限", "least contribution-years part"),
    "years_part": ("挂钩调整（缴费年限）", "contribution-years part"),
    "percent": ("按本人基本养老金的调整比例", "share of own pension"),
    "percent_part": ("挂钩调整（本人基本养老金）", "own-pension part"),
    "age": ("上年末年龄", "age on 31 December of the year before"),
    "age_part": ("高龄倾斜", "age band"),
    "group_tilt": ("适当倾斜（人群）", "group tilt"),
    "group_part": ("适当倾斜（取最高一项）", "group tilt (the highest)"),
    "increase": ("月增加额", "monthly increase"),
    "new_monthly_pension": ("调整后月基本养老金", "new monthly pension"),
    "new_monthly_pension.cadre_guarantee": ("调整后月基本养老金（企业退休军转干部保障）",
                                            "new monthly pension with the 企业退休军转干部 guarantee"),
    "increase.cadre_guarantee": ("月增加额（含企业退休军转干部保障）",
                                 "monthly increase with the 企业退休军转干部 guarantee"),
    "cadre_average": ("当地企业退休人员平均基本养老金", "local average enterprise pension"),
}

BENEFIT = Benefit(
    id="pension_adjustment",
    name=("基本养老金调整", "basic-pension adjustment"),
    case_model=PensionAdjustmentCase,
    amounts=(Amount("increase", *LABELS["increase"]), Amount("new_monthly_pension", *LABELS["new_monthly_pension"])),
    reads=(SCHEME, CADRE_AVERAGE),
    methods={},
    labels=LABELS,
    calculate=calculate,
)

__all__ = ["BENEFIT", "PensionAdjustmentCase", "calculate"]
