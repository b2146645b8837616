"""失业保险金 (unemployment benefit): eligibility, duration and the monthly amount.

Each amount method is one pure function of (case, rules); the ruleset block's ``method``
picks it. No dates are compared here: which rule is in force is the ruleset's business.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from ..errors import InvalidInputError
from ..explain import fmt, money
from ..models import CaseBase, Date, Extra, Flag, Money, Months, whole_number
from ..notices import Notice
from .base import Amount, Benefit, Outcome, Rules, months_between
from .retirement_age import LABELS as RETIREMENT_LABELS
from .retirement_age import METHODS as RETIREMENT_METHODS
from .retirement_age import RULE as RETIREMENT_RULE
from .retirement_age import (
    OriginalAgeField,
    Statutory,
    check_birth,
    check_sex_and_age,
    month_index,
    month_text,
    retirement_of,
)

TWELVE = Decimal(12)
AMOUNT = "unemployment.amount"
MAX_DURATION = "unemployment.max_duration"
NEAR = "unemployment.near_retirement"


class UnemploymentCase(CaseBase):
    """失业保险金: ``as_of`` is the date of unemployment registration."""

    benefit: Literal["unemployment"]
    #: months of unemployment-insurance contributions counted under 社会保险法 第46条
    contribution_months: Months
    involuntary: Flag = True
    carried_over_months: Annotated[int, BeforeValidator(whole_number), Field(ge=0, le=24)] = 0
    average_monthly_wage: Money | None = None
    #: with ``sex`` (and ``original_age`` for a woman): the statutory retirement month is derived
    birth_date: Date | None = None
    sex: Literal["male", "female"] | None = None
    #: 50 or 55 for a woman (the original statutory age of her post); absent for a man
    original_age: OriginalAgeField = None
    #: the day a basic pension starts, if known: benefit stops then (社会保险法 第51条); it
    #: overrides the derived statutory retirement month (someone who retires early)
    pension_start_date: Date | None = None

    @model_validator(mode="after")
    def _original_age(self) -> UnemploymentCase:
        check_sex_and_age(self.sex, self.original_age, required=False)
        check_birth(self.birth_date, self.as_of)
        return self


def eligibility(case: UnemploymentCase, rules: Rules) -> tuple[list[Notice], Statutory | None]:
    """社会保险法 第45条: a year of contributions and an involuntary loss of work; 第51条: no
    basic pension drawn and the statutory retirement month not reached at registration.
    The step states each condition as it holds (``8 < 12``), never the rule's wording.
    Returns the reasons against and the statutory retirement (where it can be derived)."""
    sub = "unemployment.eligibility"
    least = int(rules.value(sub, "min_contribution_months", step="min_contribution_months"))
    carried_admits = rules.value(sub, "carried_over_admits", step="carried_over_admits")
    involuntary_required = rules.value(sub, "involuntary_required", step="involuntary_required")
    reasons = []
    enough = case.contribution_months >= least
    carried = carried_admits and case.carried_over_months > 0  # 广东省失业保险条例 第15条
    if not enough and not carried:
        reasons.append(Notice(
            "insufficient_contributions",
            f"失业保险缴费 {case.contribution_months} 个月，不足 {least} 个月",
            f"{case.contribution_months} months of contributions, fewer than the {least} required"))
    if involuntary_required and not case.involuntary:
        reasons.append(Notice("voluntary_leave", "非因本人意愿中断就业的才可领取",
                              "only a loss of work not of one's own will qualifies"))
    if case.pension_start_date is not None and case.pension_start_date <= case.as_of:
        # 社会保险法 第51条: benefit stops once a basic pension is drawn, so it never starts after
        reasons.append(Notice(
            "pension_started",
            f"已于 {case.pension_start_date} 开始领取基本养老金，不再领取失业保险金（社会保险法第51条）",
            f"a basic pension started on {case.pension_start_date}, so no unemployment benefit is paid "
            "(Social Insurance Law Art. 51)"))
    retirement = statutory_retirement(case, rules)
    registered = month_index(case.as_of.year, case.as_of.month)
    if retirement is not None and retirement.month <= registered:
        reasons.append(Notice(  # 社会保险法 第51条: the benefit ends with the statutory age
            "statutory_retirement_age_reached",
            f"已于 {month_text(retirement.month)} 达到法定退休年龄（社会保险法第51条）",
            f"the statutory retirement age was reached in {month_text(retirement.month)} "
            "(Social Insurance Law Art. 51)"))
    if rules.trace.keep:  # the conditions as they hold, in both languages: built once, only for the steps
        held = "≥" if enough else "<"
        en, zh = [f"{case.contribution_months} {held} {least}"], [f"缴费月数 {case.contribution_months} {held} {least}"]
        if carried_admits:
            n = case.carried_over_months
            en.append(f"carried over {n} > 0" if n > 0 else "no months carried over")
            zh.append(f"结转未领月数 {n} > 0" if n > 0 else "无结转未领月数")
        if involuntary_required:
            en.append("involuntary = true" if case.involuntary else "involuntary = false, required true")
            zh.append("非因本人意愿中断就业：是" if case.involuntary else "非因本人意愿中断就业：否（须为是）")
        if case.pension_start_date is not None:
            started = "≤" if case.pension_start_date <= case.as_of else ">"
            en.append(f"pension start {case.pension_start_date} {started} {case.as_of}")
            zh.append(f"开始领取基本养老金 {case.pension_start_date} {started} 登记日 {case.as_of}")
        if retirement is not None:
            reached = "≤" if retirement.month <= registered else ">"
            en.append(f"statutory retirement month {month_text(retirement.month)} {reached} {month_text(registered)}")
            zh.append(f"法定退休时间 {month_text(retirement.month)} {reached} 登记月份 {month_text(registered)}")
        rules.computed("eligible", "; ".join(en), not reasons, zh="；".join(zh))
    return reasons, retirement


def duration(case: UnemploymentCase, rules: Rules) -> int:
    """The province's months by contribution time, within 社会保险法 第46条's maxima ("最长为"
    12 / 18 / 24), plus months carried over, at most 24. A province whose schedule is not
    sourced is a declared gap: the law's maxima are never given as the entitlement."""
    sub = "unemployment.duration"
    new = int(rules.row(sub, "schedule", contribution_time(case, rules.block(sub).block.schedule.unit, rules),
                        step="schedule_months"))
    cap = int(rules.row(MAX_DURATION, "maximum", contribution_time(case, rules.block(MAX_DURATION).block.maximum.unit,
                                                                   rules), step="max_by_law"))
    if new > cap:
        new = rules.computed("schedule_months.capped_by_law", lambda: f"min({new}, {cap}): the law's maximum for "
                             "that contribution time (社会保险法 第46条)", cap,
                             zh=lambda: f"min({new}, {cap})：不超过该缴费时间的法定最长期限（社会保险法 第46条）")
    longest = min(int(rules.value(sub, "max_months", step="max_months")),
                  int(rules.value(MAX_DURATION, "max_months", step="max_months_by_law")))
    months = min(new + case.carried_over_months, longest)
    rules.computed("duration_months", lambda: f"min({new} + {case.carried_over_months}, {longest})", months)
    return months


def contribution_time(case: UnemploymentCase, unit: str, rules: Rules) -> Decimal:
    """Contribution months, or years where a schedule counts in years (a step, once)."""
    if unit != "years":
        return Decimal(case.contribution_months)
    years = Decimal(case.contribution_months) / TWELVE
    if "contribution_years" not in rules.trace.ids:
        rules.computed("contribution_years", lambda: f"{case.contribution_months} / 12",
                       years.quantize(Decimal("0.01")), money=False)
    return years


def flat_per_tier(case: UnemploymentCase, rules: Rules) -> Decimal:
    """A fixed monthly amount for the area tier of the ``unemployment_flat`` scheme."""
    tier = rules.tier("unemployment_flat", case.district)
    flat = rules.value(AMOUNT, "monthly", tier, step="flat_amount")
    return rules.computed("monthly_benefit", lambda: f"{fmt(flat)} ({tier})", flat)


def share_of_minimum_wage(case: UnemploymentCase, rules: Rules) -> Decimal:
    """``share`` × the area's monthly minimum wage, rounded."""
    tier = rules.tier("minimum_wage", case.district)
    wage = rules.value("minimum_wage", "monthly", tier, step="minimum_wage")
    share = rules.value(AMOUNT, "share", step="share")
    return rules.rounded(rules.block(AMOUNT), wage * share, "monthly_benefit", lambda: f"{fmt(wage)} × {fmt(share)}")


def share_of_own_wage(case: UnemploymentCase, rules: Rules) -> Decimal:
    """A share of the claimant's own average wage by contribution years, capped at the area's
    minimum wage and floored at a multiple of the local 低保 (江苏省失业保险规定 第23条)."""
    if case.average_monthly_wage is None:
        raise InvalidInputError(
            f"average_monthly_wage: required in {rules.region} on {case.as_of}: the benefit is a share of "
            "the claimant's average monthly contribution wage over the 12 months before unemployment",
            field="average_monthly_wage",
            zh=f"average_monthly_wage：{rules.region} 在 {case.as_of} 必填：失业保险金按失业前 12 个月"
               "本人月平均缴费工资的一定比例计发")
    tier = rules.tier("minimum_wage", case.district)
    wage = rules.computed("average_monthly_wage", "case.average_monthly_wage", case.average_monthly_wage)
    years = Decimal(case.contribution_months) / TWELVE
    share = rules.row(AMOUNT, "shares", years, step="own_wage_share")
    raw = rules.computed("share_of_own_wage", lambda: f"{money(wage)} × {fmt(share)}", wage * share)
    cap = rules.value("minimum_wage", "monthly", tier, step="cap")
    low = rules.value("low_income_standard", "monthly", step="low_income_standard")
    mult = rules.value(AMOUNT, "floor_multiple", step="floor_multiple")
    floor = rules.computed("floor", lambda: f"{fmt(low)} × {fmt(mult)}", low * mult)
    clamped = max(floor, min(raw, cap))
    return rules.rounded(rules.block(AMOUNT), clamped, "monthly_benefit",
                         lambda: f"max({money(floor)}, min({money(raw)}, {fmt(cap)}))")


def extras(case: UnemploymentCase, rules: Rules, monthly: Decimal) -> tuple[Extra, ...]:
    """The sourced extras in force, with an amount only where the source gives one."""
    subsidy = None
    if any(f.mentions_year("price_subsidy.indices", case.as_of.year) for f in rules.resolved.chain):
        from .price_subsidy import for_unemployment  # only where some month's figures are published

        subsidy = for_unemployment(case.region, case.as_of, rules)
    found = rules.find("unemployment.extras")
    if found is None:
        return (subsidy,) if subsidy is not None else ()
    out = [] if subsidy is None else [subsidy]
    bases = {"monthly_benefit": monthly, "average_monthly_wage": case.average_monthly_wage}
    for item in found.block.items:
        sources = rules.cite(found, item.source)
        amount = None
        base = bases.get(item.basis or "")
        if base is not None and item.multiple is not None:
            multiple = rules.read(found, "items", item.id, "multiple", step=f"extra_multiple.{item.id}")
            amount = rules.rounded(found, base * multiple, f"extra_amount.{item.id}",
                                   lambda: f"{item.id}: {money(base)} × {fmt(multiple)}")  # noqa: B023 - called at once
        out.append(Extra(item.id, (item.label.zh, item.label.en), amount,
                         (item.condition.zh, item.condition.en), sources))
    return tuple(out)


def statutory_retirement(case: UnemploymentCase, rules: Rules) -> Statutory | None:
    """The claimant's statutory retirement (法定退休年龄), where birth date and sex (and, for a
    woman, the original age of her post) are given; a warning says what is missing when
    they are not all there."""
    return retirement_of(case.birth_date, case.sex, case.original_age, rules, Notice(
        "pension_start_not_derived",
        "未推算法定退休时间：需同时提供出生日期和性别（女性另需原法定退休年龄50或55）",
        "the statutory retirement month is not derived: it needs birth_date and sex (and, for "
        "a woman, original_age 50 or 55)"))


def until_retirement(months: int, left: int, month: str, rules: Rules) -> int:
    """社会保险法 第51条: the benefit stops at the statutory retirement month, ``left`` months
    after registration; from 2019-12 a claimant whose benefit would run out less than a year
    before it keeps the benefit until then (人社部发〔2020〕40号; from 2025 办法 第七条)."""
    if months > left:
        return rules.computed("duration_months.capped_at_retirement",
                              lambda: f"min({months}, months until the statutory retirement month {month} = {left})",
                              left, zh=lambda: f"min({months}, 距法定退休时间 {month} 的月数 {left})")
    near = rules.find(NEAR)
    if near is None or months == left:
        return months
    window = int(rules.read(near, "window_months", step="near_retirement_window"))
    if left - months < window:
        return rules.computed(
            "duration_months.extended_to_retirement", lambda: f"{left}: the benefit would end {left - months} months "
            f"before the statutory retirement month {month}, less than {window}, so it runs until then", left,
            zh=lambda: f"{left}：原期限届满时距法定退休时间 {month} 仅 {left - months} 个月，不足 {window} 个月，"
                       "延长发放至法定退休时间")
    return months


def calculate(case: UnemploymentCase, rules: Rules) -> Outcome:
    """Eligibility, months and monthly amount at the rates in force on ``as_of``."""
    reasons, retirement = eligibility(case, rules)
    registered = month_index(case.as_of.year, case.as_of.month)
    if reasons:
        zero = Decimal(0)
        return Outcome(False, tuple(reasons), {"monthly_benefit": zero, "duration_months": 0,
                                               "total_benefit": zero})
    months = duration(case, rules)
    if retirement is not None:
        months = until_retirement(months, retirement.month - registered, month_text(retirement.month), rules)
    if case.pension_start_date is not None:  # 社会保险法 第51条: stops when a basic pension starts
        left = months_between(case.as_of, case.pension_start_date)
        if left < months:
            months = rules.computed(
                "duration_months.capped_at_pension_start",
                lambda: f"min({months}, months until pension start {case.pension_start_date} = {left})", left,
                zh=lambda: f"min({months}, 距开始领取基本养老金 {case.pension_start_date} 的月数 {left})")
    method, view = rules.method(AMOUNT)
    monthly = method(case, view)
    total = rules.computed("total_benefit", lambda: f"{money(monthly)} × {months}", monthly * months)
    amounts: dict[str, Decimal | int | str] = {"monthly_benefit": monthly, "duration_months": months,
                                               "total_benefit": total}
    found_extras = extras(case, rules, monthly)
    if case.average_monthly_wage is not None and not wage_used(rules):
        rules.warn(Notice(
            "input_not_used",
            f"{rules.region} 在 {case.as_of} 的失业保险金不按本人工资计算，average_monthly_wage 未被使用",
            f"average_monthly_wage is not used: in {rules.region} on {case.as_of} the benefit is not computed from "
            "the claimant's own wage"))
    return Outcome(True, (), amounts, found_extras)


def wage_used(rules: Rules) -> bool:
    """Whether the rules in force read the claimant's own wage: the amount's method or an
    extra with an amount on it."""
    if getattr(rules.block(AMOUNT).block, "method", "") == "share_of_own_wage":
        return True
    found = rules.find("unemployment.extras")
    return found is not None and any(i.basis == "average_monthly_wage" and i.multiple is not None
                                     for i in found.block.items)


BENEFIT = Benefit(
    id="unemployment",
    name=("失业保险金", "unemployment benefit"),
    case_model=UnemploymentCase,
    amounts=(Amount("monthly_benefit", "月领取金额", "monthly benefit"),
             Amount("duration_months", "领取月数", "months", kind="count"),
             Amount("total_benefit", "合计", "total")),
    reads=("unemployment.eligibility", "unemployment.duration", MAX_DURATION, AMOUNT, "unemployment.extras", NEAR,
           RETIREMENT_RULE),
    methods={AMOUNT: {"flat_per_tier": flat_per_tier, "share_of_minimum_wage": share_of_minimum_wage,
                      "share_of_own_wage": share_of_own_wage}, RETIREMENT_RULE: RETIREMENT_METHODS},
    labels={
        **RETIREMENT_LABELS,
        "near_retirement_window": ("距法定退休年龄不足的月数（延长领取）",
                                   "months before the statutory age that extend the benefit"),
        "min_contribution_months": ("最低缴费月数", "minimum months of contributions"),
        "carried_over_admits": ("有未领完期限者不足一年亦可领取", "carried-over months admit under a year"),
        "involuntary_required": ("须非因本人意愿中断就业", "loss of work must be involuntary"),
        "eligible": ("是否符合领取条件", "eligible"),
        "contribution_years": ("缴费年限", "years of contributions"),
        "schedule_months": ("按缴费时间确定的领取月数", "months by contribution time"),
        "max_months": ("最长领取月数", "longest entitlement"),
        "max_by_law": ("法定最长领取月数（按缴费时间）", "the law's maximum for the contribution time"),
        "max_months_by_law": ("法定最长领取月数（合计）", "the law's longest entitlement"),
        "schedule_months.capped_by_law": ("按缴费时间确定的领取月数（不超过法定最长期限）",
                                          "months by contribution time, within the law's maximum"),
        "duration_months": ("领取期限（月）", "months of benefit"),
        "duration_months.capped_at_retirement": ("领取期限（月，至法定退休时间止）",
                                                 "months of benefit, up to the statutory retirement month"),
        "duration_months.extended_to_retirement": ("领取期限（月，延长至法定退休时间）",
                                                   "months of benefit, extended to the statutory retirement month"),
        "duration_months.capped_at_pension_start": ("领取期限（月，至开始领取基本养老金止）",
                                                    "months of benefit, up to the start of a basic pension"),
        "share": ("失业保险金占最低工资标准的比例", "share of the minimum wage"),
        "flat_amount": ("失业保险金月标准", "monthly benefit standard"),
        "own_wage_share": ("按缴费年限确定的比例", "share by years of contributions"),
        "average_monthly_wage": ("失业前12个月月平均缴费工资", "average monthly contribution wage"),
        "share_of_own_wage": ("按本人工资计算的金额", "amount from own wage"),
        "floor_multiple": ("低保倍数（下限）", "floor as a multiple of 低保"),
        "floor": ("失业保险金下限", "benefit floor"),
        "cap": ("失业保险金上限（最低工资标准）", "benefit cap (minimum wage)"),
        "monthly_benefit": ("失业保险金月标准", "monthly benefit"),
        "total_benefit": ("失业保险金总额", "total benefit"),
    },
    calculate=calculate,
)
