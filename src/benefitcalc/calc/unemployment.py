"""失业保险金 (unemployment benefit): eligibility, duration and the monthly amount.

Each amount method is one pure function of (case, resolved rules, trace); the ruleset
block's ``method`` picks it from ``METHODS``. No dates are compared here: which rule is in
force is the ruleset's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import InvalidInputError
from ..explain import Notice, Trace, fmt
from ..models import UnemploymentCase
from ..record import Record
from ..rules.resolve import InForce, Resolved
from ..rules.schema import shallow
from .money import money, round_to

TWELVE = Decimal(12)


class Outcome(Record):
    """What a benefit function returns: eligibility, reasons, amounts, extras, its trace."""

    __slots__ = ("eligible", "reasons", "amounts", "extras", "trace")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` until ``end`` (0 if ``end`` is not after ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def eligibility(case: UnemploymentCase, r: Resolved, t: Trace) -> list[Notice]:
    """社会保险法 第45条: a year of contributions and an involuntary loss of work."""
    found = r.get("unemployment.eligibility")
    b = found.block
    least = int(t.param("min_contribution_months", found, "min_contribution_months",
                        b.min_contribution_months.value, b.min_contribution_months))
    reasons = []
    enough = case.contribution_months >= least
    carried = b.carried_over_admits and case.carried_over_months > 0  # 广东省失业保险条例 第15条
    if not enough and not carried:
        reasons.append(Notice(
            "insufficient_contributions",
            f"失业保险缴费 {case.contribution_months} 个月，不足 {least} 个月",
            f"{case.contribution_months} months of contributions, fewer than the {least} required"))
    if b.involuntary_required and not case.involuntary:
        reasons.append(Notice("voluntary_leave", "非因本人意愿中断就业的才可领取",
                              "only a loss of work not of one's own will qualifies"))
    formula = f"{case.contribution_months} ≥ {least}"
    if b.carried_over_admits:
        formula += f" or carried over {case.carried_over_months} > 0"
    if b.involuntary_required:
        formula += f"; involuntary = {str(case.involuntary).lower()}"
    t.computed("eligible", formula, "yes" if not reasons else "no")
    return reasons


def duration(case: UnemploymentCase, r: Resolved, t: Trace) -> int:
    """社会保险法 第46条: months by contribution time, plus months carried over, capped."""
    found = r.get("unemployment.duration")
    b = found.block
    schedule = b.schedule
    if schedule.unit == "years":
        x = Decimal(case.contribution_months) / TWELVE
        t.computed("contribution_years", f"{case.contribution_months} / 12", x.quantize(Decimal("0.01")))
    else:
        x = Decimal(case.contribution_months)
    row = schedule.row_for(x)
    upper = "" if row.upper is None else fmt(row.upper)
    new = int(t.param("schedule_months", found, f"schedule[{fmt(row.lower)}-{upper}]", row.value, row))
    longest = int(t.param("max_months", found, "max_months", b.max_months.value, b.max_months))
    months = min(new + case.carried_over_months, longest)
    t.computed("duration_months", f"min({new} + {case.carried_over_months}, {longest})", months)
    return months


def _tier(case: UnemploymentCase, r: Resolved, t: Trace, scheme: str) -> str:
    tier, district, area = r.tier(scheme, case.district)
    name = case.district or area.block.core[0]
    t.param("tier", area, f"districts.{name}", tier, district or area.block.districts[name])
    return tier


def _rounded(value: Decimal, block: Any, r: Resolved, t: Trace, formula: str) -> Decimal:
    rounding = block.round
    if rounding is not None:
        how = f"rounded to {fmt(rounding.unit)} {rounding.mode} (ruleset)"
    else:
        rounding, where = r.default_rounding()
        how = (f"rounded to {fmt(rounding.unit)} {rounding.mode}: the document is silent, "
               f"default of {where}")
    result = round_to(value, rounding.unit, rounding.mode)
    t.computed("monthly_benefit", f"{formula} = {fmt(value)} → {money(result)} ({how})", result)
    return result


def flat_per_tier(case: UnemploymentCase, r: Resolved, t: Trace, amount: InForce) -> Decimal:
    """A fixed monthly amount for the area tier of the ``unemployment_flat`` scheme."""
    tier = _tier(case, r, t, "unemployment_flat")
    cell = amount.block.monthly[tier]
    return t.param("flat_amount", amount, f"monthly.{tier}", cell.value, cell)


def share_of_minimum_wage(case: UnemploymentCase, r: Resolved, t: Trace, amount: InForce) -> Decimal:
    """``share`` × the area's monthly minimum wage, rounded."""
    tier = _tier(case, r, t, "minimum_wage")
    wages = r.get("minimum_wage")
    cell = wages.block.monthly[tier]
    wage = t.param("minimum_wage", wages, f"monthly.{tier}", cell.value, cell)
    share = t.param("share", amount, "share", amount.block.share.value, amount.block.share)
    return _rounded(wage * share, amount.block, r, t, f"{fmt(wage)} × {fmt(share)}")


def share_of_own_wage(case: UnemploymentCase, r: Resolved, t: Trace, amount: InForce) -> Decimal:
    """A share of the claimant's own average wage by contribution years, capped at the area's
    minimum wage and floored at a multiple of the local 低保 (江苏省失业保险规定 第23条)."""
    if case.average_monthly_wage is None:
        raise InvalidInputError(
            f"average_monthly_wage: required in {r.region} on {case.as_of}: the benefit is a share of "
            "the claimant's average monthly contribution wage over the 12 months before unemployment",
            field="average_monthly_wage")
    b = amount.block
    tier = _tier(case, r, t, "minimum_wage")
    wage = t.computed("average_monthly_wage", "case.average_monthly_wage", case.average_monthly_wage)
    years = Decimal(case.contribution_months) / TWELVE
    row = b.shares.row_for(years)
    upper = "" if row.upper is None else fmt(row.upper)
    share = t.param("own_wage_share", amount, f"shares[{fmt(row.lower)}-{upper}]", row.value, row)
    raw = t.computed("share_of_own_wage", f"{fmt(wage)} × {fmt(share)}", wage * share)
    wages = r.get("minimum_wage")
    cap = t.param("cap", wages, f"monthly.{tier}", wages.block.monthly[tier].value, wages.block.monthly[tier])
    lis = r.get("low_income_standard")
    low = t.param("low_income_standard", lis, "monthly", lis.block.monthly.value, lis.block.monthly)
    mult = t.param("floor_multiple", amount, "floor_multiple", b.floor_multiple.value, b.floor_multiple)
    floor = t.computed("floor", f"{fmt(low)} × {fmt(mult)}", low * mult)
    clamped = max(floor, min(raw, cap))
    return _rounded(clamped, b, r, t, f"max({fmt(floor)}, min({fmt(raw)}, {fmt(cap)}))")


METHODS: dict[str, Callable[[UnemploymentCase, Resolved, Trace, InForce], Decimal]] = {
    "flat_per_tier": flat_per_tier,
    "share_of_minimum_wage": share_of_minimum_wage,
    "share_of_own_wage": share_of_own_wage,
}


def extras(case: UnemploymentCase, r: Resolved, t: Trace, monthly: Decimal) -> list[dict[str, Any]]:
    """The sourced extras in force, with an amount only where the source gives one."""
    found = r.find("unemployment.extras")
    if found is None:
        return []
    out = []
    for item in found.block.items:
        sources = sorted({r.qualify(item.source or found.block.source, found.file)[0]})
        t.sources.update(sources)
        amount = None
        base = {"monthly_benefit": monthly, "average_monthly_wage": case.average_monthly_wage}.get(
            item.basis or "")
        if base is not None and item.multiple is not None:
            rounding, _ = r.default_rounding()
            amount = money(round_to(base * item.multiple.value, rounding.unit, rounding.mode))
        out.append({"id": item.id, "label": shallow(item.label), "amount": amount,
                    "condition": shallow(item.condition), "sources": sources})
    return out


def calculate(case: UnemploymentCase, r: Resolved) -> Outcome:
    """Eligibility, months and monthly amount at the rates in force on ``as_of``."""
    t = Trace(r)
    reasons = eligibility(case, r, t)
    if reasons:
        amounts = {"monthly_benefit": money(Decimal(0)), "duration_months": 0,
                   "total_benefit": money(Decimal(0))}
        return Outcome(False, reasons, amounts, [], t)
    months = duration(case, r, t)
    if case.birth_date is not None and case.pension_start_date is None:
        t.warn(Notice("pension_start_not_derived",
                      "未根据出生日期推算基本养老金起领时间（规则集未收录法定退休年龄表）；"
                      "如已知请提供 pension_start_date",
                      "the pension start is not derived from birth_date (no statutory retirement-age "
                      "table is in the rulesets); give pension_start_date if it is known"))
    if case.pension_start_date is not None:  # 社会保险法 第51条: stops when a basic pension starts
        left = months_between(case.as_of, case.pension_start_date)
        if left < months:
            months = t.computed("duration_months",
                                f"min({months}, months until pension start {case.pension_start_date} = {left})",
                                left)
    amount = r.get("unemployment.amount")
    monthly = METHODS[amount.block.method](case, r, t, amount)
    total = t.computed("total_benefit", f"{money(monthly)} × {months}", monthly * months)
    amounts = {"monthly_benefit": money(monthly), "duration_months": months, "total_benefit": money(total)}
    return Outcome(True, [], amounts, extras(case, r, t, monthly), t)
