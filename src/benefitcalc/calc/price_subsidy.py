"""价格临时补贴 (the temporary price subsidy): whether a month's price rise triggers the
mechanism for a city, and the subsidy of one person of a covered group for that month.

The month is the *index month* (``as_of`` is any day of it). The rises come from the city's
published figures where the rulesets hold them, otherwise from the case; a month with
neither is invalid input naming the index that is missing. A month triggers when a rise
reaches its threshold — the lower of the local one and a temporary national one. The amount
is the province's formula (``price_subsidy.amount``), then its floor, then a temporary
multiple; a formula nobody sourced is ``no_ruleset_in_force`` for a triggered month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ..errors import BenefitcalcError, InvalidInputError, NoRulesetInForceError
from ..explain import fmt, money
from ..models import CaseBase, Extra, Flag, Percent
from ..notices import Notice
from ..rules.sections.price_subsidy import INDICES, GroupName
from .base import Amount, Benefit, Outcome, Rules, Trace

TRIGGER = "price_subsidy.trigger"
NATIONAL = "price_subsidy.national_trigger"
GROUPS = "price_subsidy.groups"
AMOUNT = "price_subsidy.amount"
MULTIPLIER = "price_subsidy.multiplier"
PUBLISHED = "price_subsidy.indices"
HUNDRED = Decimal(100)
ZERO = Decimal(0)
INDEX_NAMES = {"cpi": ("CPI", "CPI"), "food_cpi": ("食品CPI", "food CPI"), "scpi": ("SCPI", "SCPI")}


class PriceSubsidyCase(CaseBase):
    """价格临时补贴: ``as_of`` is any day of the index month."""

    benefit: Literal["price_subsidy"]
    group: GroupName
    #: a rural person (农村): the rural 低保 and floor apply where they differ
    rural: Flag = False
    #: the month's rises, year on year, in percent (3.2 means 3.2 %), where no published figure is held
    cpi_rise: Percent | None = None
    food_cpi_rise: Percent | None = None
    scpi_rise: Percent | None = None



class Month(NamedTuple):
    """What an amount method computes from: the case, the month's rises and what triggered."""

    case: PriceSubsidyCase
    rises: dict[str, Decimal | None]
    triggered_by: tuple[str, ...]


def month_text(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def rises(case: PriceSubsidyCase, rules: Rules) -> dict[str, Decimal | None]:
    """Each index's rise for the month: the city's published figure where the rulesets hold
    one (a step citing it), else the case's (a step saying so)."""
    found = rules.find_year(PUBLISHED, case.as_of.year)
    key = f"{case.as_of.month:02d}"
    entry = found.block.months.get(key) if found is not None else None
    out: dict[str, Decimal | None] = {}
    for index in INDICES:
        given = getattr(case, f"{index}_rise")
        published = getattr(entry, index) if entry is not None else None
        if published is not None:
            assert found is not None
            out[index] = rules.read(found, "months", key, index, step=f"{index}_rise")
            if given is not None and given != published:
                rules.warn(Notice("published_figure_used",
                                  f"{month_text(case.as_of)} 的{INDEX_NAMES[index][0]}涨幅已公布为 {fmt(published)}%，"
                                  f"未采用输入的 {fmt(given)}%",
                                  f"the {INDEX_NAMES[index][1]} rise for {month_text(case.as_of)} is published as "
                                  f"{fmt(published)} %: the {fmt(given)} % given is not used"))
        elif given is not None:
            out[index] = rules.computed(
                f"{index}_rise", lambda: f"{fmt(given)} % (given in the case)", given,  # noqa: B023 - called at once
                zh=lambda: f"{fmt(given)}%（案例填报）", money=False)  # noqa: B023 - called at once
        else:
            out[index] = None
    return out


def thresholds(rules: Rules) -> dict[str, Decimal]:
    """The threshold of each index: the national one, lowered by a local one (a locality may
    lower a threshold but never raise it, 发改价格规〔2016〕1835号)."""
    national = rules.find(NATIONAL)
    local = rules.find(TRIGGER)
    if national is None and local is None:
        rules.block(NATIONAL)  # no threshold at any level: no_ruleset_in_force
    out: dict[str, Decimal] = {}
    for index in INDICES:
        mine = rules.read(local, index, step=f"{index}_threshold") \
            if local is not None and getattr(local.block, index) is not None else None
        theirs = rules.read(national, index, step=f"{index}_national_threshold") \
            if national is not None and getattr(national.block, index) is not None else None
        if mine is not None and theirs is not None and theirs < mine:
            out[index] = rules.computed(
                f"{index}_threshold.applied",
                lambda: f"min({fmt(mine)}, {fmt(theirs)}): a locality may lower "  # noqa: B023 - called at once
                        "the national threshold, never raise it", theirs,
                zh=lambda: f"min({fmt(mine)}, {fmt(theirs)})："  # noqa: B023 - called at once
                           "地方只能降低、不能提高全国启动条件", money=False)
        elif mine is not None or theirs is not None:
            out[index] = mine if mine is not None else theirs  # type: ignore[assignment]
    return out


def triggered(case: PriceSubsidyCase, rules: Rules, rise: dict[str, Decimal | None]) -> tuple[str, ...]:
    """The indices whose rise reaches its threshold; a month that cannot be decided for want
    of a rise is invalid input naming it."""
    limits = thresholds(rules)
    hits = tuple(i for i, t in limits.items() if (r := rise[i]) is not None and r >= t)
    missing = [i for i in limits if rise[i] is None]
    if not hits and missing:
        what = " or ".join(f"the {rules.region} {INDEX_NAMES[i][1]} rise for {month_text(case.as_of)}" for i in missing)
        what_zh = f"{rules.region} {month_text(case.as_of)} 的" + "或".join(f"{INDEX_NAMES[i][0]}涨幅" for i in missing)
        flag = f"--{missing[0].replace('_', '-')}-rise"
        raise InvalidInputError(f"{missing[0]}_rise: {what} is needed: the rulesets hold no published figure for "
                                f"that month (give {flag})", field=f"{missing[0]}_rise",
                                zh=f"{missing[0]}_rise：须提供 {what_zh}：规则库中没有该月的公布数据"
                                   f"（请用 {flag} 填写）")
    if rules.trace.keep:  # each index's test, in both languages: built once, only for the steps
        en, zh = [], []
        for i, t in limits.items():
            r = rise[i]
            if r is None:  # another index triggered: this one's rise is not needed
                en.append(f"{INDEX_NAMES[i][1]} — (no figure for the month)")
                zh.append(f"{INDEX_NAMES[i][0]} —（该月无数据）")
                continue
            held = f"{fmt(r)} {'≥' if i in hits else '<'} {fmt(t)}"
            en.append(f"{INDEX_NAMES[i][1]} {held}")
            zh.append(f"{INDEX_NAMES[i][0]} {held}")
        rules.computed("triggered", "; ".join(en), bool(hits), zh="；".join(zh))
    return hits


def low_income(month: Month, rules: Rules) -> Decimal:
    """The 低保 standard in force (the rural one for a rural person)."""
    found = rules.block("low_income_standard")
    if month.case.rural:
        if found.block.rural is None:
            raise NoRulesetInForceError(
                f"no ruleset for {rules.region}: the rural 低保 standard on {month.case.as_of} is not sourced",
                {"region": rules.region, "subsection": "low_income_standard", "date": month.case.as_of.isoformat()},
                zh=f"{rules.region} 在 {month.case.as_of} 无有效规则：农村低保标准无来源")
        return rules.read(found, "rural", step="low_income_rural")
    return rules.read(found, "monthly", step="low_income_standard")


def rise_for(month: Month, index: str, rules: Rules) -> Decimal:
    """The rise a formula uses: of its index, or the highest of those that triggered."""
    if index == "triggering":
        return max(r for i in month.triggered_by if (r := month.rises[i]) is not None)
    value = month.rises[index]
    if value is None:
        raise InvalidInputError(f"{index}_rise: the {rules.region} {INDEX_NAMES[index][1]} rise for "
                                f"{month_text(month.case.as_of)} is needed for the amount", field=f"{index}_rise",
                                zh=f"{index}_rise：计算补贴金额须提供 {rules.region} {month_text(month.case.as_of)} "
                                   f"的{INDEX_NAMES[index][0]}涨幅")
    return value


def low_income_times_rise(month: Month, rules: Rules) -> Decimal:
    """低保 × the rise (percent ÷ 100); for ``triggering``, the higher of the triggering indices."""
    found = rules.block(AMOUNT)
    index = rules.setting(found, "index", step="amount_index")
    standard = low_income(month, rules)
    rise = rise_for(month, index, rules)
    return rules.rounded(found, standard * rise / HUNDRED, "formula_amount",
                         lambda: f"{fmt(standard)} × {fmt(rise)} %")


def fraction_of_low_income(month: Month, rules: Rules) -> Decimal:
    """低保 ÷ the divisor for the rise (Jiangsu: 12 from 3 %, 8 from 5 %)."""
    found = rules.block(AMOUNT)
    index = rules.setting(found, "index", step="amount_index")
    standard = low_income(month, rules)
    rise = rise_for(month, index, rules)
    divisor = rules.row_or_none(found, "divisor", rise, step="divisor")
    if divisor is None:  # triggered by another index (the 2022–23 food threshold) below the first band
        raise NoRulesetInForceError(
            f"no ruleset for {rules.region}: {found.region}'s amount for a month triggered by "
            f"{', '.join(month.triggered_by)} with a {index} rise of {fmt(rise)} % is not sourced",
            {"region": rules.region, "subsection": AMOUNT, "date": month.case.as_of.isoformat()},
            zh=f"{rules.region} 无有效规则：由 {', '.join(month.triggered_by)} 启动、{index} 涨幅为 {fmt(rise)}% "
               f"的月份，{found.region} 的补贴金额无来源")
    return rules.rounded(found, standard / divisor, "formula_amount", lambda: f"{fmt(standard)} ÷ {fmt(divisor)}")


def not_sourced(month: Month, rules: Rules) -> Decimal:
    """A triggered month where no source gives the formula."""
    found = rules.block(AMOUNT)
    raise NoRulesetInForceError(
        f"no ruleset for {rules.region}: {found.region}'s price subsidy formula is not sourced "
        f"({month_text(month.case.as_of)} triggered by {', '.join(month.triggered_by)})",
        {"region": rules.region, "subsection": AMOUNT, "date": month.case.as_of.isoformat()},
        zh=f"{rules.region} 无有效规则：{found.region} 的价格临时补贴计算公式无来源"
           f"（{month_text(month.case.as_of)} 由 {', '.join(month.triggered_by)} 启动）")


def amount(month: Month, rules: Rules) -> Decimal:
    """The formula's amount, at least the floor, times a temporary multiple."""
    method, view = rules.method(AMOUNT)
    by_formula: Decimal = method(month, view)
    found = rules.block(AMOUNT)
    where = "rural" if month.case.rural else "urban"
    value = by_formula
    floor: Decimal | None = None
    times: Decimal | None = None
    if where in found.block.floor:
        floor = rules.read(found, "floor", where, step="floor")
        value = max(value, floor)
    extra = rules.find(MULTIPLIER)
    if extra is not None:
        times = rules.read(extra, "times", step="multiplier")
        value = value * times

    def formula() -> str:
        shown = money(by_formula) if floor is None else f"max({money(by_formula)}, {fmt(floor)})"
        return shown if times is None else f"{shown} × {fmt(times)}"

    return rules.computed("monthly_subsidy", formula, value)


def payment_month(case: PriceSubsidyCase, rules: Rules) -> str:
    """The month the subsidy is paid, where the rule in force fixes it."""
    for sub in (TRIGGER, NATIONAL):  # the local rule first
        found = rules.find(sub)
        if found is not None and found.block.payment_lag_months is not None:
            lag = int(rules.read(found, "payment_lag_months", step="payment_lag_months"))
            return str(rules.computed(
                "payment_month", lambda: f"{month_text(case.as_of)} + {lag} month(s)",  # noqa: B023 - called at once
                month_text(add_months(case.as_of, lag)),
                zh=lambda: f"{month_text(case.as_of)} + {lag} 个月"))  # noqa: B023 - called at once
    return "within 20 working days of the index release"


def published_paid(case: PriceSubsidyCase, rules: Rules) -> Decimal | None:
    """What the city published as paid to unemployment-benefit recipients for the month,
    where the rulesets hold it: that is the answer, no formula needed."""
    if case.group != "unemployment_benefit":
        return None
    found = rules.find_year(PUBLISHED, case.as_of.year)
    key = f"{case.as_of.month:02d}"
    entry = found.block.months.get(key) if found is not None else None
    if found is None or entry is None or entry.paid_unemployment_benefit is None:
        return None
    return rules.read(found, "months", key, "paid_unemployment_benefit", step="published_paid")


def calculate(case: PriceSubsidyCase, rules: Rules) -> Outcome:
    found = rules.block(GROUPS)
    covered = rules.setting(found, "covered", step="covered_groups")
    if case.group not in covered:
        return Outcome(False, (Notice("group_not_covered",
                                      f"{month_text(case.as_of)} {case.group} 不在价格临时补贴保障范围内",
                                      f"{case.group} is not covered in {month_text(case.as_of)} (covered: "
                                      f"{', '.join(covered)})"),), zero("no"))
    rise = rises(case, rules)
    hits = triggered(case, rules, rise)
    if not hits:
        return Outcome(False, (Notice("not_triggered", f"{month_text(case.as_of)} 未达到启动条件",
                                      f"{month_text(case.as_of)} does not trigger the mechanism"),), zero("no"))
    paid = published_paid(case, rules)
    if paid is not None:
        value = rules.computed("monthly_subsidy", lambda: f"{fmt(paid)} (as published)", paid,
                               zh=lambda: f"{fmt(paid)}（公布的实发金额）")
    else:
        value = amount(Month(case, rise, hits), rules)
    return Outcome(True, (), {"monthly_subsidy": value, "triggered": "yes", "triggered_by": ", ".join(hits),
                              "payment_month": payment_month(case, rules)})


def zero(flag: str) -> dict[str, Any]:
    return {"monthly_subsidy": ZERO, "triggered": flag, "triggered_by": "", "payment_month": ""}


LABELS: dict[str, tuple[str, str]] = {
    "covered_groups": ("保障范围", "groups covered"),
    **{f"{i}_rise": (f"{n[0]}同比涨幅%", f"{n[1]} rise %") for i, n in INDEX_NAMES.items()},
    **{f"{i}_threshold": (f"{n[0]}启动条件%", f"{n[1]} threshold %") for i, n in INDEX_NAMES.items()},
    **{f"{i}_national_threshold": (f"全国{n[0]}启动条件%", f"national {n[1]} threshold %")
       for i, n in INDEX_NAMES.items()},
    "triggered": ("是否启动", "triggered"),
    "amount_index": ("补贴计算所用指数", "index the amount uses"),
    "low_income_standard": ("城市低保标准", "urban 低保 standard"),
    "low_income_rural": ("农村低保标准", "rural 低保 standard"),
    "divisor": ("低保标准的分母", "divisor of the 低保 standard"),
    "formula_amount": ("按公式计算的补贴", "subsidy by the formula"),
    "floor": ("补贴下限", "least subsidy"),
    "multiplier": ("阶段性提高倍数", "temporary multiple"),
    "monthly_subsidy": ("价格临时补贴（月）", "monthly price subsidy"),
    "payment_lag_months": ("发放时间（指数月之后的月数）", "months from the index month to payment"),
    "payment_month": ("发放月份", "payment month"),
    "published_paid": ("公布的实发金额", "amount published as paid"),
}

BENEFIT = Benefit(
    id="price_subsidy",
    name=("价格临时补贴", "temporary price subsidy"),
    case_model=PriceSubsidyCase,
    amounts=(Amount("monthly_subsidy", *LABELS["monthly_subsidy"]),
             Amount("triggered", "是否启动", "triggered", "text"),
             Amount("triggered_by", "启动指数", "triggered by", "text"),
             Amount("payment_month", "发放月份", "payment month", "text")),
    reads=(TRIGGER, NATIONAL, GROUPS, AMOUNT, MULTIPLIER, PUBLISHED, "low_income_standard"),
    methods={AMOUNT: {"low_income_times_rise": low_income_times_rise,
                      "fraction_of_low_income": fraction_of_low_income, "not_sourced": not_sourced}},
    labels=LABELS,
    calculate=calculate,
)



def for_unemployment(region: str, as_of: dt.date, rules: Rules) -> Extra | None:
    """The subsidy of an unemployment-benefit recipient for the month of ``as_of`` where the
    city's figures for that month are published in the rulesets (an extra of the
    unemployment result, its steps in the same trace); None where they are not, or where they
    do not trigger."""
    found = rules.resolved.find_year(PUBLISHED, as_of.year)
    if found is None or f"{as_of.month:02d}" not in found.block.months:
        return None
    trace = Trace(rules.trace.keep)  # joined to the unemployment result's only where the subsidy applies
    view = Rules(rules.resolved, BENEFIT, frozenset(BENEFIT.reads), trace, rules.at)
    case = PriceSubsidyCase.model_validate({"benefit": "price_subsidy", "region": region, "as_of": as_of,
                                            "group": "unemployment_benefit"})
    label = BENEFIT.name
    sources = view.cite(found)
    try:
        outcome = calculate(case, view)
    except BenefitcalcError as exc:
        rules.trace.sources.update(sources)
        return Extra("price_subsidy", label, None, (
            f"{month_text(as_of)} 公布的价格指数已公布，但补贴无法计算：{exc.zh}",
            f"the index of {month_text(as_of)} is published, but the subsidy cannot be computed: {exc.message}"),
            sources)
    if not outcome.eligible:
        return None
    rules.join(trace, "price_subsidy")
    amount = outcome.amounts["monthly_subsidy"]
    assert isinstance(amount, Decimal)
    paid = outcome.amounts["payment_month"]
    return Extra("price_subsidy", label, amount, (
        f"{month_text(as_of)} 的价格指数达到启动条件，领取失业保险金人员发放价格临时补贴（发放：{paid}）",
        f"the published index of {month_text(as_of)} triggers the price subsidy for unemployment-benefit "
        f"recipients (paid: {paid})"), sources)


__all__ = ["BENEFIT", "PriceSubsidyCase", "calculate", "for_unemployment"]
