"""城乡居民基本养老保险待遇 (the urban-rural resident basic pension, 国发〔2014〕8号): the monthly
pension on ``as_of`` = the basic pension + the personal-account pension.

- Basic pension (基础养老金, 第六条): every level's part in force, national first (the national
  minimum, the province's minimum or top-up, the city's top-up), each its own step; then
  长缴多得 (an amount per contribution year beyond 15) and age additions where the region pays
  them.
- Account pension (个人账户养老金): the account balance when the pension starts ÷ the divisor
  for the age it starts (139 at 60), rounded as the ruleset says.
- Eligibility (第七条): the pension age, no other state basic pension, and 15 years of
  contributions — none for those who had reached the pension age when the scheme began
  locally, and every year since for those who were within 15 years of it
  (``scheme_start_age``: the person's age when the local scheme began).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from ..errors import BilingualValueError, InvalidInputError, NoRulesetInForceError
from ..explain import fmt, money
from ..models import CaseBase, Date, Flag, Money, whole_number
from ..notices import Notice
from .base import Amount, Benefit, Outcome, Rules, age_on
from .retirement_age import check_birth

ELIGIBILITY = "resident_pension.eligibility"
BASIC = "resident_pension.basic"
LONG = "resident_pension.long_contribution"
AGE = "resident_pension.age_addition"
ACCOUNT = "resident_pension.account"
ZERO = Decimal(0)
AMOUNTS = ("basic_pension", "account_pension", "monthly_pension")

WholeYears = Annotated[int, BeforeValidator(lambda v: _years(v))]


class ResidentPensionCase(CaseBase):
    """城乡居民基本养老保险待遇: the pension for the month of ``as_of``."""

    benefit: Literal["resident_pension"]
    birth_date: Date
    #: years of contributions (the scheme is paid by the year)
    contribution_years: WholeYears
    #: the personal-account balance when the pension starts (个人账户储存额)
    account_balance: Money
    #: the day the pension starts, if not at the pension age (the account divisor is the
    #: one for the age then)
    pension_start_date: Date | None = None
    #: the person's age when the resident scheme (新农保 / 城居保) began where they live: it
    #: decides how many years of contributions are needed (国发〔2014〕8号 第七条)
    scheme_start_age: Annotated[int, BeforeValidator(whole_number), Field(ge=0, le=120)] | None = None
    #: already drawing another state basic pension (then no resident pension)
    other_state_pension: Flag = False

    @model_validator(mode="after")
    def _consistent(self) -> ResidentPensionCase:
        check_birth(self.birth_date, self.as_of)
        if self.pension_start_date is not None:
            if self.pension_start_date <= self.birth_date:
                raise BilingualValueError("pension_start_date: must be after birth_date",
                                          "pension_start_date：须晚于 birth_date")
            if self.pension_start_date > self.as_of:
                raise BilingualValueError(f"pension_start_date: must not be after as_of ({self.as_of})",
                                          f"pension_start_date：不得晚于 as_of（{self.as_of}）")
        if self.scheme_start_age is not None and self.scheme_start_age > age_on(self.birth_date, self.as_of):
            raise BilingualValueError(
                f"scheme_start_age: {self.scheme_start_age} is older than the person on {self.as_of}",
                f"scheme_start_age：{self.scheme_start_age} 周岁大于本人在 {self.as_of} 的年龄")
        return self


def _years(value: object) -> int:
    try:
        years = whole_number(value)
    except ValueError:
        raise BilingualValueError("must be a whole number of years from 0 to 80 (the scheme is paid by the year)",
                                  "须为 0 至 80 之间的整数年（按年缴费）") from None
    if not 0 <= years <= 80:
        raise BilingualValueError("must be a whole number of years from 0 to 80", "须为 0 至 80 之间的整数年")
    return years


def years_required(case: ResidentPensionCase, rules: Rules, pension_age: int) -> int:
    """第七条: 15 years; none for someone already at the pension age when the scheme began;
    every year from then to the pension age for someone who was within 15 years of it."""
    least = int(rules.value(ELIGIBILITY, "min_years", step="min_years"))
    start = case.scheme_start_age
    if start is None:
        return least
    if start >= pension_age:
        return int(rules.computed("years_required", lambda: f"{start} ≥ {pension_age} when the scheme began: no "
                                  "contributions needed (国发〔2014〕8号 第七条)", 0,
                                  zh=lambda: f"本地制度实施时 {start} ≥ {pension_age}：不用缴费"
                                             "（国发〔2014〕8号 第七条）"))
    if pension_age - start < least:
        return int(rules.computed("years_required", lambda: f"{pension_age} − {start}: within {least} years of the "
                                  "pension age when the scheme began, every year since (第七条)", pension_age - start,
                                  zh=lambda: f"{pension_age} − {start}：本地制度实施时距领取年龄不足 {least} 年，"
                                             "应逐年缴费（国发〔2014〕8号 第七条）"))
    return least


def eligibility(case: ResidentPensionCase, rules: Rules, age: int, pension_age: int) -> list[Notice]:
    """第七条: the pension age, the years required, no other state basic pension."""
    required = years_required(case, rules, pension_age)
    reasons = []
    if age < pension_age:
        reasons.append(Notice("under_pension_age", f"{case.as_of} 时 {age} 周岁，未满 {pension_age} 周岁",
                              f"{age} on {case.as_of}, under the pension age {pension_age}"))
    if case.contribution_years < required:
        reasons.append(Notice("insufficient_contributions",
                              f"缴费 {case.contribution_years} 年，不足 {required} 年",
                              f"{case.contribution_years} years of contributions, fewer than the {required} required"))
    if case.other_state_pension:
        reasons.append(Notice("other_state_pension", "已领取其他国家规定的基本养老保障待遇",
                              "already draws another state basic pension"))
    old = "≥" if age >= pension_age else "<"
    paid = "≥" if case.contribution_years >= required else "<"
    other, other_zh = ("other state pension = true, required false", "已领取其他基本养老保障待遇：是（须为否）") \
        if case.other_state_pension else ("other state pension = false", "已领取其他基本养老保障待遇：否")
    rules.computed("eligible", lambda: f"age {age} {old} {pension_age}; contribution years "
                   f"{case.contribution_years} {paid} {required}; {other}", not reasons,
                   zh=lambda: f"年龄 {age} {old} {pension_age}；缴费年限 {case.contribution_years} {paid} {required}；"
                              f"{other_zh}")
    return reasons


def basic_pension(case: ResidentPensionCase, rules: Rules, age: int) -> Decimal:
    """The levels' basic pension, then 长缴多得 and age additions where the region pays them."""
    levels = rules.layers(BASIC, "basic_level", "basic_levels")
    parts: list[tuple[Decimal, str, str]] = [(levels, "levels", "各级基础养老金合计")]
    long = rules.find(LONG)
    if long is not None:
        years = Decimal(case.contribution_years)
        part = rules.marginal(long, "per_year", years, step="long_per_year", total_step="long_contribution")
        parts.append((part, "long contribution", "长缴多得"))
    added = rules.find(AGE)
    if added is not None and added.block.gap is not None:
        least = added.block.gap_from_age
        if least is None or age >= least:
            raise NoRulesetInForceError(
                f"no ruleset in force for {rules.region}: the age addition ({added.region}) on {case.as_of} is not "
                f"sourced ({added.block.gap}; the person is {age})",
                {"region": rules.region, "subsection": AGE, "level": added.level, "level_region": added.region,
                 "date": case.as_of.isoformat()},
                zh=f"{rules.region} 在 {case.as_of} 无有效规则：{added.region} 的高龄加发无来源"
                   f"（{added.block.gap}；本人 {age} 周岁）")
        rules.computed("age_addition", lambda: f"{age} < {least}: no age addition", ZERO,
                       zh=lambda: f"{age} < {least}：不享受高龄加发")
    elif added is not None:
        band = rules.row_or_none(added, "by_age", Decimal(age), step="age_addition")
        if band is None:
            lowest = added.block.by_age.rows[0].lower
            rules.computed("age_addition", lambda: f"{age} < {fmt(lowest)}: no age addition", ZERO,
                           zh=lambda: f"{age} < {fmt(lowest)}：不享受高龄加发")
        else:
            parts.append((band, "age addition", "高龄加发"))
    return rules.computed("basic_pension", lambda: " + ".join(f"{money(v)} ({en})" for v, en, _ in parts),
                          sum((v for v, _, _ in parts), ZERO),
                          zh=lambda: " + ".join(f"{money(v)}（{zh}）" for v, _, zh in parts))


def account_pension(case: ResidentPensionCase, rules: Rules, pension_age: int) -> Decimal:
    """The account balance ÷ the divisor for the age the pension starts; none for someone
    who was already at the pension age when the scheme began (第七条: the basic pension only)."""
    if case.scheme_start_age is not None and case.scheme_start_age >= pension_age:
        return rules.computed("account_pension", lambda: f"{case.scheme_start_age} ≥ {pension_age} when the scheme "
                              "began: the basic pension only, no account pension (国发〔2014〕8号 第七条)", ZERO,
                              zh=lambda: f"本地制度实施时 {case.scheme_start_age} ≥ {pension_age}：只领基础养老金，"
                                         "无个人账户养老金（国发〔2014〕8号 第七条）")
    found = rules.block(ACCOUNT)
    if case.pension_start_date is not None:
        start_age = age_on(case.birth_date, case.pension_start_date)
        if start_age < pension_age:
            raise InvalidInputError(f"pension_start_date: {case.pension_start_date} is before the pension age "
                                    f"{pension_age}", field="pension_start_date",
                                    zh=f"pension_start_date：{case.pension_start_date} 时未满领取年龄 "
                                       f"{pension_age} 周岁")
        rules.computed("start_age", lambda: f"born {case.birth_date}, started {case.pension_start_date}: {start_age}",
                       start_age,
                       zh=lambda: f"{case.birth_date} 出生，{case.pension_start_date} 开始领取：{start_age} 周岁")
    else:
        start_age = rules.computed("start_age", lambda: f"the pension age {pension_age} (no pension_start_date given)",
                                   pension_age, zh=lambda: f"领取年龄 {pension_age}（未填 pension_start_date）")
    divisor = rules.row(found, "divisor", Decimal(start_age), step="account_divisor")
    balance = case.account_balance
    return rules.rounded(found, balance / divisor, "account_pension", lambda: f"{money(balance)} ÷ {fmt(divisor)}",
                         component="account")


def calculate(case: ResidentPensionCase, rules: Rules) -> Outcome:
    age = age_on(case.birth_date, case.as_of)
    rules.computed("age", lambda: f"born {case.birth_date}: {age} on {case.as_of}", age,
                   zh=lambda: f"{case.birth_date} 出生，{case.as_of} 时 {age} 周岁")
    pension_age = int(rules.value(ELIGIBILITY, "pension_age", step="pension_age"))
    reasons = eligibility(case, rules, age, pension_age)
    if reasons:
        return Outcome(False, tuple(reasons), dict.fromkeys(AMOUNTS, ZERO))
    basic = basic_pension(case, rules, age)
    account = account_pension(case, rules, pension_age)
    monthly = rules.computed("monthly_pension", lambda: f"{money(basic)} + {money(account)}", basic + account)
    return Outcome(True, (), dict(zip(AMOUNTS, (basic, account, monthly), strict=True)))


LABELS: dict[str, tuple[str, str]] = {
    "age": ("年龄", "age"),
    "pension_age": ("领取年龄", "pension age"),
    "min_years": ("最低缴费年限", "least contribution years"),
    "years_required": ("本人应缴费年限", "years this person needs"),
    "eligible": ("是否符合领取条件", "eligible"),
    "basic_level": ("基础养老金（本级）", "basic pension at this level"),
    "basic_levels": ("基础养老金（逐级累计）", "basic pension, levels so far"),
    "long_per_year": ("长缴多得每年加发", "长缴多得 per contribution year"),
    "long_contribution": ("长缴多得加发", "长缴多得 addition"),
    "age_addition": ("高龄加发", "age addition"),
    "basic_pension": ("基础养老金", "basic pension"),
    "start_age": ("开始领取时年龄", "age when the pension starts"),
    "account_divisor": ("个人账户养老金计发月数", "account divisor (months)"),
    "account_pension": ("个人账户养老金", "account pension"),
    "monthly_pension": ("月养老金", "monthly pension"),
}

BENEFIT = Benefit(
    id="resident_pension",
    name=("城乡居民基本养老保险待遇", "resident basic pension"),
    case_model=ResidentPensionCase,
    amounts=tuple(Amount(name, *LABELS[name]) for name in AMOUNTS),
    reads=(ELIGIBILITY, BASIC, LONG, AGE, ACCOUNT),
    methods={},
    labels=LABELS,
    calculate=calculate,
)

__all__ = ["BENEFIT", "ResidentPensionCase", "calculate"]
